"""Routes of the shared API."""

from django.urls import path

from aftersales.core.api.views import AttachmentDownloadView

urlpatterns = [
    path(
        "attachments/<uuid:key>/download/",
        AttachmentDownloadView.as_view(),
        name="api-attachment-download",
    ),
]
