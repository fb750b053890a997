"""Satisfaction numbers for the KPI pages (the kpi app reads ``csat``).

CSAT is defined as the share of satisfied answers among all answers of the month, in
percent: a return visit counts once with its rating, a survey once with the mean of its
three scores; "satisfied" is 4 or 5 (满意 or 非常满意). A month is the calendar month in the
company's time zone, by when the answer was recorded (``done_at`` / ``answered_at``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F

from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit, Survey

SATISFIED = 4


@dataclass(frozen=True)
class Csat:
    """A month's satisfaction: how many answers, how many satisfied, and the share."""

    visits: int
    surveys: int
    satisfied: int

    @property
    def answers(self) -> int:
        """Return visits and surveys together."""
        return self.visits + self.surveys

    @property
    def rate(self) -> Decimal | None:
        """Percent satisfied, one decimal; None for a month without answers."""
        if not self.answers:
            return None
        return (Decimal(self.satisfied) * 100 / self.answers).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The month's start and the next month's start, in the company's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def csat(department: Any, year: int, month: int) -> Csat:
    """The month's CSAT of ``department`` (a Department, its id, or None for all)."""
    start, end = month_bounds(year, month)
    visits = ReturnVisit.objects.filter(
        status=ReturnVisitStatus.DONE, done_at__gte=start, done_at__lt=end
    )
    surveys = Survey.objects.filter(answered_at__gte=start, answered_at__lt=end)
    if department is not None:
        dept_id = getattr(department, "pk", department)
        visits = visits.filter(department_id=dept_id)
        surveys = surveys.filter(department_id=dept_id)
    visit_count = visits.count()
    happy_visits = visits.filter(rating__gte=SATISFIED).count()
    survey_count = surveys.count()
    happy_surveys = (
        surveys.filter(
            # mean of three ≥ 4  ⇔  sum ≥ 12 (integers: no rounding question)
            **{"attitude__isnull": False}
        )
        .annotate(total=F("attitude") + F("speed") + F("result"))
        .filter(total__gte=3 * SATISFIED)
        .count()
    )
    return Csat(visits=visit_count, surveys=survey_count, satisfied=happy_visits + happy_surveys)
