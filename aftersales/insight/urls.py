"""Addresses of the insight pages."""

from typing import Any

app_name = "insight"

urlpatterns: list[Any] = []
