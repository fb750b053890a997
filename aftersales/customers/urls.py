"""Addresses of the customers pages."""

from typing import Any

app_name = "customers"

urlpatterns: list[Any] = []
