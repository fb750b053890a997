"""Routes of the accounts API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from aftersales.accounts.api import views

router = DefaultRouter(trailing_slash=True)
router.register("departments", views.DepartmentViewSet)
router.register("users", views.UserViewSet)

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/token/", views.MyTokenView.as_view(), name="me-token"),
    *router.urls,
]
