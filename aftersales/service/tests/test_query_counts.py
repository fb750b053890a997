"""Pinned query counts of the service, SLA and import lists: the same for 2 and 50 rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from aftersales.core.choices import JobStatus
from aftersales.core.models import Job
from aftersales.service import services as s
from aftersales.service.models import Category
from aftersales.sla.models import CalendarOverride, Policy
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _categories(world: World, n: int) -> None:
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    root = Category.objects.create(code="root", name="水泵", product_line=world.line)
    Category.objects.bulk_create(
        Category(code=f"c{i}", name=f"故障{i}", parent=root, product_line=world.line)
        for i in range(n - 1)
    )


def _policies(world: World, n: int) -> None:
    Policy.objects.all().delete()
    Policy.objects.bulk_create(Policy(name=f"策略{i}", response_minutes=15) for i in range(n))


def _overrides(world: World, n: int) -> None:
    CalendarOverride.objects.all().delete()
    CalendarOverride.objects.bulk_create(
        CalendarOverride(
            date=dt.date(2031, 1, 1) + dt.timedelta(days=i),
            is_working=False,
            created_by=world.admin,
        )
        for i in range(n)
    )


def _imports(world: World, n: int) -> None:
    Job.objects.all().delete()
    Job.objects.bulk_create(
        Job(
            kind="import_equipment",
            status=JobStatus.SUCCEEDED,
            created_by=world.manager,
            params={"dry_run": True, "filename": "设备.xlsx"},
            result={"created": 0},
        )
        for _ in range(n)
    )


def _requests(world: World, n: int) -> None:
    from aftersales.service.models import ServiceRequest

    have = ServiceRequest.objects.count()
    for i in range(n - have):
        request = s.register_request(
            actor=world.agent,
            data={
                "channel": "phone",
                "request_type": "fault",
                "company": world.acme,
                "title": f"第{i}台设备报警",
            },
        )
        s.accept_request(
            actor=world.agent, request=request, expected_version=None, owner=world.engineer
        )


MAKERS: dict[str, tuple[Callable[[World, int], None], int]] = {
    # endpoint: (maker, pinned queries)
    "categories": (_categories, 6),
    "sla-policies": (_policies, 5),
    "calendar-overrides": (_overrides, 5),
    "imports": (_imports, 6),
    "service-requests": (_requests, 7),
}


@pytest.mark.parametrize("endpoint", list(MAKERS))
def test_list_query_count_is_pinned_and_flat(
    world: World, endpoint: str, django_assert_num_queries: Any
) -> None:
    maker, pinned = MAKERS[endpoint]
    client = APIClient()
    client.force_login(world.manager)
    client.get(f"/api/v1/{endpoint}/")  # the session, content types, the read calendar
    for rows in (2, 50):
        maker(world, rows)
        with django_assert_num_queries(pinned):
            response = client.get(f"/api/v1/{endpoint}/", {"page_size": 50})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == rows
