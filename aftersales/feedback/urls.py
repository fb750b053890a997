"""Addresses of the feedback pages."""

from typing import Any

app_name = "feedback"

urlpatterns: list[Any] = []
