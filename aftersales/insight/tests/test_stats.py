"""The daily statistics: what a day counts, and that rebuilding is idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from aftersales.insight.models import DailyStat, EngineerDailyStat, OpenStat
from aftersales.insight.stats import refresh_all, refresh_daily_stats, refresh_open_stats
from aftersales.insight.tests.conftest import MONDAY, NOW, Week
from aftersales.service import services as s
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

FIELDS = (
    "date",
    "department_id",
    "channel",
    "request_type",
    "received",
    "resolved",
    "response_met",
    "response_breached",
    "arrival_met",
    "arrival_breached",
    "resolution_met",
    "resolution_breached",
)


def rows() -> list[tuple]:
    return sorted(
        DailyStat.objects.values_list(*FIELDS), key=lambda r: (r[0], r[1] or 0, r[2], r[3])
    )


def test_a_day_counts_received_resolved_and_the_outcomes_decided_that_day(
    world: World, week: Week
) -> None:
    tuesday, wednesday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)
    service, technical = world.service.pk, world.technical.pk
    assert rows() == [
        # R1: received, resolved, response and resolution met in time on Monday.
        (MONDAY, service, "email", "consultation", 1, 0, 0, 1, 0, 0, 0, 0),
        (MONDAY, service, "phone", "fault", 1, 1, 1, 0, 0, 0, 1, 0),
        (tuesday, technical, "phone", "fault", 1, 1, 1, 0, 0, 0, 1, 0),
        (wednesday, service, "portal", "fault", 1, 0, 0, 1, 0, 0, 0, 0),
    ]


def test_engineers_are_counted_on_the_day_they_resolved(world: World, week: Week) -> None:
    assert sorted(EngineerDailyStat.objects.values_list("date", "owner_id", "resolved")) == [
        (MONDAY, world.engineer.pk, 1),
        (MONDAY + dt.timedelta(days=1), world.outsider_engineer.pk, 1),
    ]


def test_refreshing_again_gives_the_same_rows(world: World, week: Week) -> None:
    before = rows()
    refresh_daily_stats(first=MONDAY, last=NOW.date())
    refresh_daily_stats(first=MONDAY, last=NOW.date())
    assert rows() == before
    assert EngineerDailyStat.objects.count() == 2


def test_a_refresh_rebuilds_whole_days_and_touches_no_other(world: World, week: Week) -> None:
    # A stale row on a refreshed day disappears; a row outside the range stays.
    DailyStat.objects.create(date=MONDAY, channel="visit", request_type="training", received=9)
    DailyStat.objects.create(
        date=MONDAY - dt.timedelta(days=30), channel="visit", request_type="training", received=5
    )
    refresh_daily_stats(first=MONDAY, last=MONDAY)
    assert not DailyStat.objects.filter(date=MONDAY, channel="visit").exists()
    assert DailyStat.objects.filter(date=MONDAY - dt.timedelta(days=30)).exists()
    assert DailyStat.objects.filter(date=MONDAY).count() == 2


def test_refresh_all_covers_every_day_since_the_first_request(world: World, week: Week) -> None:
    before = rows()
    DailyStat.objects.all().delete()
    result = refresh_all()
    assert result is not None
    assert result.first == MONDAY
    assert rows() == before


def test_the_command_refreshes_the_last_days(world: World, week: Week) -> None:
    DailyStat.objects.all().delete()
    out = StringIO()
    call_command("refresh_stats", "--days", "2", stdout=out)
    # Tuesday and Wednesday only.
    assert {r[0] for r in rows()} == {MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)}
    assert "rebuilt" in out.getvalue()


def test_the_periodic_task_refreshes_today_and_yesterday(world: World, week: Week) -> None:
    from aftersales.insight.tasks import refresh_recent_stats

    DailyStat.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        refresh_recent_stats.call_local()
    assert {r[0] for r in rows()} == {MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)}


def test_a_refresh_on_an_empty_database_writes_nothing(db: None) -> None:
    assert refresh_all() is None
    assert refresh_daily_stats(first=MONDAY, last=MONDAY).daily_rows == 0


def test_the_open_count_holds_every_open_request_once(world: World, week: Week) -> None:
    rows = list(
        OpenStat.objects.values_list(
            "department_id", "owner_id", "status", "sla_state", "age", "count"
        )
    )
    # R2 (two days old) and R4 (an hour old), both new, breached, in the service department.
    assert sorted(rows) == [
        (world.service.pk, None, "new", "breached", 0, 1),
        (world.service.pk, None, "new", "breached", 1, 1),
    ]
    assert OpenStat.objects.values_list("taken_at", flat=True).distinct().get() == NOW


def test_recounting_replaces_the_open_count(world: World, week: Week) -> None:
    with time_machine.travel(NOW, tick=False):
        s.cancel(
            actor=world.agent, request=week.r4, expected_version=week.r4.version, reason="duplicate"
        )
    assert refresh_open_stats(now=NOW) == 1
    assert refresh_open_stats(now=NOW) == 1
    assert OpenStat.objects.get().count == 1


def test_the_periodic_task_recounts_the_open_requests(world: World, week: Week) -> None:
    from aftersales.insight.tasks import refresh_open_counts

    OpenStat.objects.all().delete()
    refresh_open_counts.call_local()
    assert sum(OpenStat.objects.values_list("count", flat=True)) == 2
