"""Addresses of the parts pages."""

from typing import Any

app_name = "parts"

urlpatterns: list[Any] = []
