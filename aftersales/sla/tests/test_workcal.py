"""Working-time arithmetic on the Chinese calendar (SPEC §4, issue examples)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.sla.workcal import (
    WorkingCalendar,
    add_elapsed,
    add_working_time,
    working_time_between,
)

SH = ZoneInfo("Asia/Shanghai")
MIN = dt.timedelta(minutes=1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


CAL = WorkingCalendar()
LUNCH = WorkingCalendar(lunch_start=dt.time(12, 0), lunch_end=dt.time(13, 0))


def test_fifteen_working_minutes_across_qingming() -> None:
    # 清明 2026: Apr 4–6 off; 10 minutes on Friday, 5 on Tuesday morning.
    assert add_working_time(CAL, at("2026-04-03 17:50"), 15 * MIN) == at("2026-04-07 09:05")


def test_adjusted_working_saturday_counts_as_a_working_day() -> None:
    # Sat 2026-05-09 is a 调休 working day.
    assert add_working_time(CAL, at("2026-05-09 10:00"), 15 * MIN) == at("2026-05-09 10:15")


def test_around_the_clock_two_hours_on_labour_day() -> None:
    assert add_elapsed(at("2026-05-01 10:00"), 120 * MIN) == at("2026-05-01 12:00")


def test_received_before_opening_starts_at_opening() -> None:
    assert add_working_time(CAL, at("2026-04-07 07:30"), 15 * MIN) == at("2026-04-07 09:15")


def test_received_on_a_sunday_starts_on_monday() -> None:
    assert add_working_time(CAL, at("2026-03-01 11:00"), 30 * MIN) == at("2026-03-02 09:30")


def test_lunch_break_pauses_the_clock() -> None:
    assert add_working_time(LUNCH, at("2026-04-07 11:50"), 15 * MIN) == at("2026-04-07 13:05")


def test_ending_exactly_at_lunch_stays_before_lunch() -> None:
    assert add_working_time(LUNCH, at("2026-04-07 11:45"), 15 * MIN) == at("2026-04-07 12:00")


def test_four_working_hours_over_national_day_week() -> None:
    # National Day 2026: Oct 1–7 off; Sep 30 is a working day.
    assert add_working_time(CAL, at("2026-09-30 16:00"), 240 * MIN) == at("2026-10-08 11:00")


def test_override_makes_a_statutory_holiday_a_working_day() -> None:
    cal = WorkingCalendar(overrides={dt.date(2026, 4, 6): True})
    assert add_working_time(cal, at("2026-04-03 17:50"), 15 * MIN) == at("2026-04-06 09:05")


def test_override_makes_a_working_day_a_holiday() -> None:
    cal = WorkingCalendar(overrides={dt.date(2026, 4, 7): False})
    assert add_working_time(cal, at("2026-04-03 17:50"), 15 * MIN) == at("2026-04-08 09:05")


def test_unknown_year_falls_back_to_weekdays_and_says_so() -> None:
    # 2030 is beyond the package's data: Monday to Friday, flagged as fallback.
    day = CAL.day(dt.date(2030, 10, 1))
    assert day.source == "fallback"
    assert day.working is True  # a Tuesday; the real holiday is unknown
    assert add_working_time(CAL, at("2030-10-04 17:50"), 15 * MIN) == at("2030-10-07 09:05")
    assert CAL.missing_years(dt.date(2026, 1, 1), dt.date(2030, 1, 1)) == [2027, 2028, 2029, 2030]


def test_override_covering_a_year_removes_the_missing_warning() -> None:
    cal = WorkingCalendar(overrides={dt.date(2030, 10, 1): False})
    assert 2030 not in cal.missing_years(dt.date(2030, 1, 1), dt.date(2030, 12, 31))


def test_working_time_between_skips_nights_and_holidays() -> None:
    assert working_time_between(CAL, at("2026-04-03 17:50"), at("2026-04-07 09:05")) == 15 * MIN
    assert working_time_between(LUNCH, at("2026-04-07 11:00"), at("2026-04-07 14:00")) == 120 * MIN


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_time(CAL, dt.datetime(2026, 4, 7, 9), MIN)


def test_a_lunch_break_outside_the_day_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkingCalendar(lunch_start=dt.time(19, 0), lunch_end=dt.time(20, 0))


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2026, 12, 1)),
    minutes=st.integers(min_value=1, max_value=5000),
)
def test_adding_then_measuring_gives_back_the_duration(start: dt.datetime, minutes: int) -> None:
    begin = start.replace(tzinfo=SH, second=0, microsecond=0)
    due = add_working_time(LUNCH, begin, minutes * MIN)
    assert working_time_between(LUNCH, begin, due) == minutes * MIN
    assert due > begin


@settings(max_examples=100, deadline=None)
@given(
    first=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2029, 12, 31)),
    span=st.integers(min_value=0, max_value=900),
    holidays=st.sets(
        st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2032, 6, 1)), max_size=5
    ),
)
def test_working_day_count_equals_counting_day_by_day(
    first: dt.date, span: int, holidays: set[dt.date]
) -> None:
    cal = WorkingCalendar(overrides={d: d.weekday() >= 5 for d in holidays})
    last = first + dt.timedelta(days=span)
    naive = sum(
        cal.day(first + dt.timedelta(days=n)).working for n in range(1, (last - first).days)
    )
    assert cal.working_days_between(first, last) == naive
