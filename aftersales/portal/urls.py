"""Addresses of the portal pages."""

from django.urls import path

from aftersales.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.new_request, name="new"),
    path("requests/<int:pk>/", views.detail, name="detail"),
    path("requests/<int:pk>/reply/", views.reply, name="reply"),
    path("requests/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("requests/<int:pk>/reject/", views.reject, name="reject"),
    path("equipment/", views.equipment, name="equipment"),
]
