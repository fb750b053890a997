"""The month's CSAT for the KPI pages: return visits and surveys together."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit, Survey
from aftersales.feedback.reports import csat
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
IN_MARCH = dt.datetime(2026, 3, 10, 10, 0, tzinfo=SH)


def _visit(world: World, rating: int, department=None, at: dt.datetime = IN_MARCH) -> None:
    ReturnVisit.objects.create(
        company=world.acme,
        department=department or world.service,
        due_on=at.date(),
        status=ReturnVisitStatus.DONE,
        rating=rating,
        done_by=world.office,
        done_at=at,
        method="phone",
    )


def _survey(world: World, scores: tuple[int, int, int], n: int) -> None:
    req = new_request(world, owner=world.engineer)
    Survey.objects.create(
        request=req,
        round=0,
        contact=world.acme_contact,
        department=world.service,
        token_hash=f"{n:064d}",
        sent_at=IN_MARCH,
        expires_at=IN_MARCH + dt.timedelta(days=14),
        answered_at=IN_MARCH,
        attitude=scores[0],
        speed=scores[1],
        result=scores[2],
    )


def test_a_month_without_answers_has_no_rate(world: World) -> None:
    result = csat(world.service, 2026, 3)
    assert result.answers == 0
    assert result.rate is None


def test_visits_and_surveys_rated_four_or_five_are_satisfied(world: World) -> None:
    _visit(world, 5)
    _visit(world, 4)
    _visit(world, 2)
    _survey(world, (4, 4, 4), 1)  # mean 4: satisfied
    _survey(world, (5, 4, 2), 2)  # mean 3.67: not
    result = csat(world.service, 2026, 3)
    assert (result.visits, result.surveys, result.satisfied) == (3, 2, 3)
    assert result.rate == Decimal("60.0")


def test_other_departments_and_months_do_not_count(world: World) -> None:
    _visit(world, 5)
    _visit(world, 1, department=world.technical)
    _visit(world, 1, at=dt.datetime(2026, 4, 1, 0, 30, tzinfo=SH))
    _visit(world, 1, at=dt.datetime(2026, 2, 28, 23, 59, tzinfo=SH))
    assert csat(world.service, 2026, 3).rate == Decimal("100.0")
    assert csat(None, 2026, 3).answers == 2
