"""Pinned query counts of the portal's lists: the same for 2 rows and for 20."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from aftersales.portal.tests.conftest import in_progress, login, unit_of
from aftersales.service.models import ServiceRequest
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _requests(world: World, n: int) -> None:
    for i in range(n - ServiceRequest.objects.count()):
        in_progress(world, title=f"第{i}台设备报警")


def _units(world: World, n: int) -> None:
    from aftersales.customers.models import Equipment

    for _ in range(n - Equipment.objects.count()):
        unit_of(world)


MAKERS: dict[str, tuple[Callable[[World, int], None], int]] = {
    # page: (maker, pinned queries): session, user, the user's roles, company and managed
    # departments (scope), the page of rows, and the bell's unread count (full page only)
    "home": (_requests, 7),
    "equipment": (_units, 7),
}


@pytest.mark.parametrize("page", list(MAKERS))
@pytest.mark.parametrize("htmx", [False, True])
def test_portal_list_query_count_is_pinned_and_flat(
    world: World, page: str, htmx: bool, django_assert_num_queries: Any
) -> None:
    maker, pinned = MAKERS[page]
    client = login(world.acme_portal)
    headers = {"HX-Request": "true"} if htmx else {}
    for rows in (2, 20):
        maker(world, rows)
        with django_assert_num_queries(pinned - (1 if htmx else 0)):
            response = client.get(reverse(f"portal:{page}"), headers=headers)
        assert response.status_code == 200
        assert len(response.context["rows"]) == rows
