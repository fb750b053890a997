"""Addresses of the field pages."""

from typing import Any

app_name = "field"

urlpatterns: list[Any] = []
