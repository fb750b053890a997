"""Addresses of the shell's pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from aftersales.core import pages

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="core:login"), name="logout"),
    path("language/", pages.set_language, name="set-language"),
    path("preferences/", pages.preferences, name="preferences"),
    path("notifications/", pages.notifications, name="notifications"),
    path("notifications/read/", pages.notifications_read, name="notifications-read"),
]
