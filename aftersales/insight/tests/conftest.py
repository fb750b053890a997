"""A small known week of requests for the dashboard's numbers.

Times are Shanghai times in the week of Monday 2026-06-08 (no holidays); "now" is
Wednesday 2026-06-10 10:00. Default policies: first response in 15 working minutes,
resolution of a P3 in 5 working days, no on-site promise for normal customers.

- R1 acme (service department), phone, fault: received Mon 09:00, resolved 09:10 by the
  engineer — response and resolution met in time.
- R2 acme, email, consultation: received Mon 10:00, untouched — response breached Mon 10:15.
- R3 globex (technical department), phone, fault: received Tue 09:00, resolved 09:05 by the
  outsider engineer — response and resolution met in time.
- R4 acme, portal, fault: received Wed 09:00, untouched — response breached Wed 09:15.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aftersales.insight.stats import refresh_daily_stats, refresh_open_stats
from aftersales.service import services as s
from aftersales.service.choices import Channel, Priority, RequestType
from aftersales.service.models import ServiceRequest
from aftersales.sla.sweep import sweep
from aftersales.testing.world import World

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=SH)
MONDAY = dt.date(2026, 6, 8)


def at(text: str) -> dt.datetime:
    """An aware Shanghai time from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@dataclass
class Week:
    """The four requests of the known week."""

    r1: ServiceRequest
    r2: ServiceRequest
    r3: ServiceRequest
    r4: ServiceRequest


def _register(world: World, when: str, **data: Any) -> ServiceRequest:
    values = {
        "channel": Channel.PHONE,
        "request_type": RequestType.FAULT,
        "priority": Priority.P3,
        "company": world.acme,
        "title": "冷却水泵漏水",
    }
    values.update(data)
    with time_machine.travel(at(when), tick=False):
        return s.register_request(actor=world.agent, data=values)


def _resolve(request: ServiceRequest, actor: Any, when: str) -> ServiceRequest:
    with time_machine.travel(at(when), tick=False):
        return s.resolve(
            actor=actor,
            request=request,
            expected_version=request.version,
            resolution="更换机械密封，试运行正常。",
        )


def make_week(world: World) -> Week:
    """Create the week's requests through the services, sweep, and count."""
    r1 = _register(world, "2026-06-08 09:00", owner=world.engineer)
    r1 = _resolve(r1, world.engineer, "2026-06-08 09:10")
    r2 = _register(
        world, "2026-06-08 10:00", channel=Channel.EMAIL, request_type=RequestType.CONSULTATION
    )
    sweep(now=at("2026-06-08 10:30"))
    r3 = _register(world, "2026-06-09 09:00", company=world.globex, owner=world.outsider_engineer)
    r3 = _resolve(r3, world.outsider_engineer, "2026-06-09 09:05")
    r4 = _register(world, "2026-06-10 09:00", channel=Channel.PORTAL)
    sweep(now=NOW)
    refresh_open_stats(now=NOW)
    refresh_daily_stats(first=MONDAY - dt.timedelta(days=7), last=NOW.date())
    return Week(r1, r2, r3, r4)


@pytest.fixture
def week(world: World) -> Iterator[Week]:
    """The known week, with "now" frozen at Wednesday 10:00 for the test."""
    made = make_week(world)
    with time_machine.travel(NOW, tick=False):
        yield made
