"""The dashboard's SQL count is pinned and does not grow with requests, owners or days."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from aftersales.accounts.choices import Role
from aftersales.insight.stats import refresh_daily_stats, refresh_open_stats
from aftersales.insight.tests.conftest import MONDAY, NOW, at
from aftersales.service import services as s
from aftersales.service.choices import Channel, RequestType
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

# session, user, roles, managed departments, two permission reads, departments, open
# counts, weekly outcomes, open per owner, resolved per owner, period counts, bell count.
PINNED = 13
EXPORT_PINNED = 8


def _requests(world: World, n: int) -> None:
    channels, types = list(Channel), list(RequestType)
    for i in range(n):
        owner = f.UserFactory(
            username=f"eng{n}_{i}", department=world.service, roles=[Role.ENGINEER]
        )
        with time_machine.travel(at(f"2026-06-0{1 + i % 9} 09:{i % 60:02d}"), tick=False):
            request = s.register_request(
                actor=world.agent,
                data={
                    "channel": channels[i % len(channels)],
                    "request_type": types[i % len(types)],
                    "company": world.acme if i % 2 else world.globex,
                    "title": f"第{i}台设备报警",
                    "owner": owner,
                },
            )
        if i % 3 == 0:
            with time_machine.travel(at(f"2026-06-0{1 + i % 9} 11:00"), tick=False):
                s.resolve(
                    actor=owner, request=request, expected_version=request.version, resolution="好"
                )
    refresh_daily_stats(first=MONDAY.replace(day=1), last=NOW.date())
    refresh_open_stats(now=NOW)


@pytest.mark.parametrize("who", ["director", "manager"])
@pytest.mark.parametrize("params", [{}, {"period": "90"}, {"department": "service"}])
def test_dashboard_query_count_is_pinned_and_flat(
    world: World, django_assert_num_queries: Any, who: str, params: dict[str, str]
) -> None:
    client = Client()
    client.force_login(getattr(world, who))
    if params.get("department"):
        params = {"department": str(world.service.pk)}
    with time_machine.travel(NOW, tick=False):
        for rows in (2, 24):
            _requests(world, rows)
            with django_assert_num_queries(PINNED):
                response = client.get("/dashboard/", params)
            assert response.status_code == 200
            assert response.context["summary"]["received"] > 0


def test_an_export_costs_a_few_queries_whatever_the_rows(
    world: World, django_assert_num_queries: Any
) -> None:
    client = Client()
    client.force_login(world.director)
    with time_machine.travel(NOW, tick=False):
        for rows in (2, 24):
            _requests(world, rows)
            # The shell's bell count and the other charts' queries are not run.
            with django_assert_num_queries(EXPORT_PINNED):
                response = client.get("/dashboard/export/workload.xlsx")
            assert response.status_code == 200
