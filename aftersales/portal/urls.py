"""Addresses of the portal pages."""

from typing import Any

app_name = "portal"

urlpatterns: list[Any] = []
