"""Routes of the shared API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from aftersales.core.api.notifications import NotificationViewSet
from aftersales.core.api.views import AttachmentDownloadView

router = DefaultRouter(trailing_slash=True)
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "attachments/<uuid:key>/download/",
        AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
    *router.urls,
]
