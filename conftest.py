"""Test-wide fixtures: the small named world and the rule that CI never skips silently.

``AFTERSALES_REQUIRE`` (set by .ci/run) lists servers that must be reachable, e.g.
``postgres,redis``; a test that needs one that is missing then fails instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aftersales.testing.world import World

REQUIRED = {s.strip() for s in os.environ.get("AFTERSALES_REQUIRE", "").split(",") if s.strip()}


def need(service: str, reason: str) -> None:
    """Skip on a laptop without ``service``; fail in CI where it is required."""
    if service in REQUIRED:
        pytest.fail(f"{service} is required here (AFTERSALES_REQUIRE) but {reason}")
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``postgres``-marked test on another database fails in CI and skips elsewhere.

    A transactional test must also ask for ``serialized_rollback``: without it the flush at
    its end re-runs post_migrate, which recreates the role groups under new ids, and every
    later serialized-rollback test (the browser tests) then fails restoring the originals.
    """
    db = item.get_closest_marker("django_db")
    if db is not None and db.kwargs.get("transaction") and not db.kwargs.get("serialized_rollback"):
        pytest.fail("use @pytest.mark.django_db(transaction=True, serialized_rollback=True)")
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            need("postgres", "this test needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _fresh_read_calendar() -> Iterator[None]:
    """Each test starts without the calendar another test's data left in the read cache
    (a rolled-back test sends no signal)."""
    from aftersales.sla.services import forget_read_calendar

    forget_read_calendar()
    yield
    forget_read_calendar()


@pytest.fixture
def world(db: None) -> World:
    """Departments, staff in every role, two customer companies with portal users."""
    from aftersales.testing.world import build_world

    return build_world()


@pytest.fixture
def api():
    """A DRF API client."""
    from rest_framework.test import APIClient

    return APIClient()
