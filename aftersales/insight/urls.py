"""Addresses of the insight pages."""

from django.urls import path, re_path

from aftersales.insight import views

app_name = "insight"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^dashboard/export/(?P<chart>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
]
