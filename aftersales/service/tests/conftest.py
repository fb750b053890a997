"""Helpers for service-request tests."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aftersales.customers.choices import RegionClass, Tier
from aftersales.service import services
from aftersales.service.choices import Channel, Priority, RequestType
from aftersales.service.models import ServiceRequest

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """An aware Shanghai time from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def register(world: Any):
    """Register a request for acme as the agent (overrides by keyword)."""

    def make(**overrides: Any) -> ServiceRequest:
        data = {
            "channel": Channel.PHONE,
            "request_type": RequestType.FAULT,
            "priority": Priority.P3,
            "company": world.acme,
            "contact": world.acme_contact,
            "title": "冷却水泵漏水",
            "description": "二号机组冷却水泵机械密封处漏水，需要尽快处理。",
        }
        data.update(overrides)
        return services.register_request(actor=overrides.pop("actor", world.agent), data=data)

    return make


__all__ = ["RegionClass", "Tier", "at"]
