"""Pure calendar arithmetic."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def period_end(start: dt.date, months: int) -> dt.date:
    """Last covered day of a period of ``months`` starting on ``start`` (inclusive).

    A 12-month warranty from 2026-01-15 covers up to and including 2027-01-14.
    """
    return add_months(start, months) - dt.timedelta(days=1)
