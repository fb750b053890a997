"""The monthly task computes last month's drafts, idempotently, and never a locked month."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.feedback.choices import Rating
from aftersales.kpi.choices import PeriodStatus
from aftersales.kpi.models import Scorecard, ScorePeriod
from aftersales.kpi.tasks import compute_last_month
from aftersales.kpi.tests.helpers import at, order, visit

pytestmark = pytest.mark.django_db


def test_on_the_first_the_task_computes_last_months_drafts_for_every_department(world):
    visit(world, rating=Rating.VERY_SATISFIED, when=at(2026, 5, 31, 22), request=order(world))

    assert compute_last_month(dt.date(2026, 6, 1)) == 2

    periods = ScorePeriod.objects.filter(month=dt.date(2026, 5, 1))
    assert {p.department for p in periods} == {world.service, world.technical}
    assert all(p.status == PeriodStatus.DRAFT and p.computed_by is None for p in periods)
    assert Scorecard.objects.get(engineer=world.engineer).points == 15


def test_running_twice_changes_nothing_and_a_locked_month_is_skipped(world):
    compute_last_month(dt.date(2026, 6, 1))
    compute_last_month(dt.date(2026, 6, 1))
    assert Scorecard.objects.filter(engineer=world.engineer).count() == 1
    ScorePeriod.objects.filter(department=world.service).update(
        status=PeriodStatus.LOCKED, reviewed_at=at(2026, 6, 2), locked_at=at(2026, 6, 2)
    )

    assert compute_last_month(dt.date(2026, 6, 1)) == 1
