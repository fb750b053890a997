"""Working-time arithmetic over aware datetimes (pure: no database access).

A ``WorkingCalendar`` knows the company's hours (with an optional lunch break) and which
dates are working days. ``add_working_time`` and ``working_time_between`` walk the working
intervals day by day, so a clock of 15 working minutes started at 17:50 on the eve of a
holiday lands at 09:05 on the next working day.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# How far ahead we search for a working interval before declaring the calendar broken
# (a year of holidays would be a configuration error, not a long weekend).
_MAX_DAYS = 400


@dataclass(frozen=True)
class DayInfo:
    """Whether a date is a working day, and where that answer came from."""

    working: bool
    source: str  # "override", "statutory" or "fallback" (weekday rule, year unknown)
    note: str = ""


@functools.lru_cache(maxsize=1)
def _statutory_years() -> frozenset[int]:
    """Years the installed `chinesecalendar` has published data for."""
    import chinese_calendar

    return frozenset(day.year for day in chinese_calendar.holidays)


@functools.lru_cache(maxsize=8192)
def chinese_statutory(day: dt.date) -> DayInfo | None:
    """The statutory answer from `chinesecalendar`, or None for a year it does not know.

    Cached: the package's data is fixed for the life of the process, and the clocks ask
    about the same few hundred dates over and over."""
    import chinese_calendar

    if day.year not in _statutory_years():
        return None
    working = chinese_calendar.is_workday(day)
    _holiday, name = chinese_calendar.get_holiday_detail(day)
    return DayInfo(working=working, source="statutory", note=name or "")


@dataclass(frozen=True)
class WorkingCalendar:
    """Company hours on working days; overrides beat the statutory calendar."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)
    lunch_start: dt.time | None = None
    lunch_end: dt.time | None = None
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    statutory: Callable[[dt.date], DayInfo | None] = chinese_statutory

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError("working day must start before it ends")
        if (self.lunch_start is None) != (self.lunch_end is None):
            raise ValueError("a lunch break needs both a start and an end")
        if (
            self.lunch_start
            and self.lunch_end
            and not (self.start <= self.lunch_start < self.lunch_end <= self.end)
        ):
            raise ValueError("the lunch break must lie inside the working day")

    @property
    def day_length(self) -> dt.timedelta:
        """Working time in one working day."""

        def span(a: dt.time, b: dt.time) -> dt.timedelta:
            return dt.datetime.combine(dt.date.min, b) - dt.datetime.combine(dt.date.min, a)

        length = span(self.start, self.end)
        if self.lunch_start and self.lunch_end:
            length -= span(self.lunch_start, self.lunch_end)
        return length

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days strictly between two dates."""
        lo, hi = first + dt.timedelta(days=1), last - dt.timedelta(days=1)
        if hi < lo:
            return 0
        count = _base_working_days(self.statutory, lo, hi)
        for date, working in self.overrides.items():
            if lo <= date <= hi:
                count += int(working) - int(_base_day(self.statutory, date).working)
        return count

    def day(self, date: dt.date) -> DayInfo:
        """Is ``date`` a working day? Overrides first, then the statutory calendar, then
        Monday to Friday for a year the statutory calendar does not cover."""
        if date in self.overrides:
            return DayInfo(working=self.overrides[date], source="override")
        return _base_day(self.statutory, date)

    def intervals(self, date: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working intervals of ``date`` as aware datetimes (empty on a day off)."""
        if not self.day(date).working:
            return []
        spans = [(self.start, self.end)]
        if self.lunch_start and self.lunch_end:
            spans = [(self.start, self.lunch_start), (self.lunch_end, self.end)]
        return [
            (
                dt.datetime.combine(date, a, tzinfo=self.tz),
                dt.datetime.combine(date, b, tzinfo=self.tz),
            )
            for a, b in spans
        ]

    def missing_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Years between two dates for which the clock fell back to Monday–Friday."""
        years = []
        for year in range(start.year, end.year + 1):
            probe = dt.date(year, 7, 1)
            if self.statutory(probe) is None and not any(d.year == year for d in self.overrides):
                years.append(year)
        return years


def _base_day(statutory: Callable[[dt.date], DayInfo | None], date: dt.date) -> DayInfo:
    """The statutory answer, or Monday–Friday for a year the calendar does not know."""
    known = statutory(date)
    return known if known is not None else DayInfo(working=date.weekday() < 5, source="fallback")


@functools.lru_cache(maxsize=64)
def _year_prefix(statutory: Callable[[dt.date], DayInfo | None], year: int) -> tuple[int, ...]:
    """prefix[n] = working days among the first n days of ``year`` (overrides excluded)."""
    prefix = [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        prefix.append(prefix[-1] + int(_base_day(statutory, day).working))
        day += dt.timedelta(days=1)
    return tuple(prefix)


def _base_working_days(
    statutory: Callable[[dt.date], DayInfo | None], lo: dt.date, hi: dt.date
) -> int:
    """Working days from ``lo`` to ``hi`` inclusive, before overrides."""
    total = 0
    for year in range(lo.year, hi.year + 1):
        prefix = _year_prefix(statutory, year)
        start = (lo - dt.date(year, 1, 1)).days if year == lo.year else 0
        end = (hi - dt.date(year, 1, 1)).days + 1 if year == hi.year else len(prefix) - 1
        total += prefix[end] - prefix[start]
    return total


def _walk(cal: WorkingCalendar, moment: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals from ``moment`` on, clipped to start no earlier than it."""
    local = moment.astimezone(cal.tz)
    date = local.date()
    for _ in range(_MAX_DAYS):
        for a, b in cal.intervals(date):
            if b <= local:
                continue
            yield max(a, local), b
        date += dt.timedelta(days=1)
    raise ValueError("no working time within a year: check the working calendar")


def add_working_time(
    cal: WorkingCalendar, start: dt.datetime, duration: dt.timedelta
) -> dt.datetime:
    """The moment when ``duration`` of working time has passed after ``start``."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    remaining = duration
    if remaining <= dt.timedelta(0):
        return start
    for a, b in _walk(cal, start):
        span = b - a
        if remaining <= span:
            return a + remaining
        remaining -= span
    raise AssertionError("unreachable")


def working_time_between(
    cal: WorkingCalendar, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Working time elapsed between two moments (zero if ``end`` is not after ``start``)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    total = dt.timedelta(0)
    if end <= start:
        return total
    local_start, local_end = start.astimezone(cal.tz), end.astimezone(cal.tz)
    first, last = local_start.date(), local_end.date()
    for date in {first, last}:
        for a, b in cal.intervals(date):
            lo, hi = max(a, local_start), min(b, local_end)
            if hi > lo:
                total += hi - lo
    # Whole days in between: a count of working days from cached per-year prefix sums,
    # corrected by the overrides, so an overdue clock a year old costs O(1), not O(days).
    full_days = cal.working_days_between(first, last)
    return total + full_days * cal.day_length


def add_elapsed(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """Around-the-clock arithmetic: plain addition on aware datetimes (UTC-safe)."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    return (start.astimezone(dt.UTC) + duration).astimezone(start.tzinfo)
