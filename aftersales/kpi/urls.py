"""Addresses of the kpi pages."""

from typing import Any

app_name = "kpi"

urlpatterns: list[Any] = []
