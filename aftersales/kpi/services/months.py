"""Months as the scorecards and KPIs count them: calendar months in the company's zone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from aftersales.core.dates import add_months


def first_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of ``month`` as aware instants in the company's zone (Asia/Shanghai):
    a visit recorded at 00:30 on the 1st in Beijing belongs to the new month."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first_of(month), dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(add_months(first_of(month), 1), dt.time.min, tzinfo=zone)
    return start, end


def last_months(end_month: dt.date, count: int) -> list[dt.date]:
    """``count`` months ending with ``end_month``, oldest first."""
    last = first_of(end_month)
    return [add_months(last, -i) for i in range(count - 1, -1, -1)]


def previous_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s."""
    return add_months(first_of(today), -1)
