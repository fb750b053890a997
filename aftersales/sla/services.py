"""Clock operations called by the service-request services inside their transaction.

Every function here takes the request's clocks already loaded (the caller holds the
request's row lock), changes them in memory and saves them; then ``refresh_request`` copies
the earliest due time and the worst state onto the request for list ordering and filters.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.clock import now as clock_now
from aftersales.core.exceptions import ValidationError
from aftersales.core.history import record
from aftersales.core.services import require_perm
from aftersales.sla.choices import STATE_SEVERITY, ClockMode, ClockState, TargetKind
from aftersales.sla.models import CalendarOverride, Clock, ClockTimes, Policy, WorkingHours
from aftersales.sla.workcal import (
    WorkingCalendar,
    add_elapsed,
    add_working_time,
    working_time_between,
)

CLOCK_FIELDS = [
    "consumed_seconds",
    "running_since",
    "due_at",
    "warn_at",
    "warned_at",
    "met_at",
    "breached_at",
    "stopped_at",
    "escalation_level",
    "next_escalation_at",
]


def load_calendar() -> WorkingCalendar:
    """The company calendar: working hours and every override (two small queries)."""
    hours = WorkingHours.objects.order_by("pk").first() or WorkingHours()
    overrides = dict(CalendarOverride.objects.values_list("date", "is_working"))
    return WorkingCalendar(
        tz=ZoneInfo(settings.TIME_ZONE),
        start=hours.start,
        end=hours.end,
        lunch_start=hours.lunch_start,
        lunch_end=hours.lunch_end,
        overrides=overrides,
    )


# Pages and lists show remaining times with a calendar kept for a minute per process: two
# queries less on every read. Writes (due times) always load it fresh. A change saved in
# this process forgets it at once (signals in apps.py); other processes see it within
# READ_CALENDAR_SECONDS.
READ_CALENDAR_SECONDS = 60.0
_read_calendar: tuple[float, WorkingCalendar] | None = None


def read_calendar() -> WorkingCalendar:
    """The calendar for showing remaining times (at most a minute old)."""
    global _read_calendar
    now = time.monotonic()
    kept = _read_calendar
    if kept is not None and now - kept[0] < READ_CALENDAR_SECONDS:
        return kept[1]
    cal = load_calendar()
    _read_calendar = (now, cal)
    return cal


def forget_read_calendar(**_kwargs: Any) -> None:
    """Drop the kept calendar (after a change to hours or overrides, and between tests)."""
    global _read_calendar
    _read_calendar = None


def select_policies(
    *,
    tier: str,
    request_type: str,
    priority: str,
    region: str,
    policies: Sequence[Policy] | None = None,
) -> dict[str, Policy]:
    """For each target kind, the winning policy: most specific, then lowest order."""
    candidates = (
        list(policies) if policies is not None else list(Policy.objects.filter(is_active=True))
    )
    chosen: dict[str, Policy] = {}
    for kind in TargetKind:
        matching = [
            p
            for p in candidates
            if p.is_active
            and p.target(kind) is not None
            and p.matches(tier=tier, request_type=request_type, priority=priority, region=region)
        ]
        if matching:
            chosen[kind] = min(matching, key=lambda p: (-p.specificity, p.order, p.pk or 0))
    return chosen


def _add(cal: WorkingCalendar, mode: str, start: dt.datetime, seconds: float) -> dt.datetime:
    delta = dt.timedelta(seconds=seconds)
    if mode == ClockMode.ALWAYS:
        return add_elapsed(start, delta)
    return add_working_time(cal, start, delta)


def _used(cal: WorkingCalendar, mode: str, start: dt.datetime, end: dt.datetime) -> int:
    if end <= start:
        return 0
    if mode == ClockMode.ALWAYS:
        return int((end - start).total_seconds())
    return int(working_time_between(cal, start, end).total_seconds())


def consumed_at(cal: WorkingCalendar, clock: ClockTimes, moment: dt.datetime) -> int:
    """Seconds of the target used up by ``moment``."""
    if clock.running_since is None:
        return clock.consumed_seconds
    return clock.consumed_seconds + _used(cal, clock.mode, clock.running_since, moment)


def remaining_seconds(cal: WorkingCalendar, clock: ClockTimes, now: dt.datetime) -> int | None:
    """Target time left at ``now`` (negative when overdue); None when met or stopped."""
    if clock.met_at or clock.stopped_at:
        return None
    return clock.target_minutes * 60 - consumed_at(cal, clock, now)


def _schedule(cal: WorkingCalendar, clock: Clock, start: dt.datetime) -> None:
    """Set due and warning times for a clock running from ``start``."""
    target = clock.target_minutes * 60
    clock.running_since = start
    clock.due_at = _add(cal, clock.mode, start, max(0, target - clock.consumed_seconds))
    warn_threshold = target * clock.warn_percent / 100
    if clock.warned_at is None:
        clock.warn_at = _add(
            cal, clock.mode, start, max(0, warn_threshold - clock.consumed_seconds)
        )
    else:
        clock.warn_at = None


def _uses_fallback(cal: WorkingCalendar, clock: Clock, start: dt.datetime) -> bool:
    if clock.mode == ClockMode.ALWAYS or clock.due_at is None:
        return False
    return bool(
        cal.missing_years(start.astimezone(cal.tz).date(), clock.due_at.astimezone(cal.tz).date())
    )


def start_clocks(
    *, request: Any, policies: dict[str, Policy], cal: WorkingCalendar, paused: bool = False
) -> list[Clock]:
    """Create the request's clocks from its ``received_at`` (rule 5: stored due times)."""
    clocks = []
    for kind, policy in policies.items():
        minutes, mode = policy.target(kind)  # type: ignore[misc]
        clock = Clock(
            request=request,
            kind=kind,
            policy=policy,
            target_minutes=minutes,
            mode=mode,
            warn_percent=policy.warn_percent,
            escalation_interval_minutes=policy.escalation_interval_minutes,
            started_at=request.received_at,
        )
        _schedule(cal, clock, request.received_at)
        if _uses_fallback(cal, clock, request.received_at):
            request.calendar_missing = True
        clocks.append(clock)
    Clock.objects.bulk_create(clocks)
    return clocks


def _note_breach(clock: Clock, at: dt.datetime) -> None:
    # A clock that ran past its due time before the sweeper saw it is breached all the same.
    if clock.breached_at is None and clock.due_at is not None and at > clock.due_at:
        clock.breached_at = clock.due_at


def _save(clocks: Iterable[Clock]) -> None:
    # A request has at most three clocks: plain UPDATEs beat bulk_update's CASE statement.
    for clock in clocks:
        clock.save(update_fields=CLOCK_FIELDS)


def pause(*, clocks: Sequence[Clock], cal: WorkingCalendar, at: dt.datetime) -> None:
    """Stop the running clocks, keeping the time they have used (waiting states)."""
    changed = []
    for clock in clocks:
        if clock.running_since is None or clock.met_at or clock.stopped_at:
            continue
        _note_breach(clock, at)
        clock.consumed_seconds = consumed_at(cal, clock, at)
        clock.running_since = None
        clock.due_at = None
        clock.warn_at = None
        changed.append(clock)
    _save(changed)


def resume(*, clocks: Sequence[Clock], cal: WorkingCalendar, at: dt.datetime, request: Any) -> None:
    """Restart paused clocks from ``at`` with the time they had left."""
    changed = []
    for clock in clocks:
        if clock.running_since is not None or clock.met_at or clock.stopped_at:
            continue
        _schedule(cal, clock, at)
        if _uses_fallback(cal, clock, at):
            request.calendar_missing = True
        changed.append(clock)
    _save(changed)


def meet(
    *, clocks: Sequence[Clock], kinds: Iterable[str], cal: WorkingCalendar, at: dt.datetime
) -> list[Clock]:
    """Stop the clocks of ``kinds`` as met at ``at`` (late if past due)."""
    wanted = set(kinds)
    changed = []
    for clock in clocks:
        if clock.kind not in wanted or clock.met_at or clock.stopped_at:
            continue
        _note_breach(clock, at)
        clock.consumed_seconds = consumed_at(cal, clock, at)
        clock.running_since = None
        clock.met_at = at
        clock.warn_at = None
        clock.next_escalation_at = None
        changed.append(clock)
    _save(changed)
    return changed


def unmeet(
    *,
    clocks: Sequence[Clock],
    kinds: Iterable[str],
    cal: WorkingCalendar,
    at: dt.datetime,
    request: Any,
) -> None:
    """Reopen met clocks: they go on from the time they had used (reopen, rejection)."""
    wanted = set(kinds)
    changed = []
    for clock in clocks:
        if clock.kind not in wanted or clock.met_at is None or clock.stopped_at:
            continue
        clock.met_at = None
        _schedule(cal, clock, at)
        if clock.breached_at and clock.escalation_level < 3:
            clock.next_escalation_at = at
        changed.append(clock)
    _save(changed)


def stop(*, clocks: Sequence[Clock], at: dt.datetime) -> None:
    """Stop every clock for good (cancelled or merged requests)."""
    changed = []
    for clock in clocks:
        if clock.stopped_at or clock.met_at:
            continue
        clock.stopped_at = at
        clock.running_since = None
        clock.due_at = None
        clock.warn_at = None
        clock.next_escalation_at = None
        changed.append(clock)
    _save(changed)


def summarise(clocks: Sequence[Clock], now: dt.datetime) -> tuple[dt.datetime | None, str]:
    """(earliest open due time, worst state) of a request's clocks."""
    due = [
        c.due_at
        for c in clocks
        if c.due_at and c.running_since and not c.met_at and not c.stopped_at
    ]
    states = [c.state(now) for c in clocks]
    worst = max(states, key=lambda s: STATE_SEVERITY[ClockState(s)]) if states else ClockState.MET
    if worst == ClockState.STOPPED and any(s != ClockState.STOPPED for s in states):
        worst = ClockState.MET
    return (min(due) if due else None), worst


# --- Administration of the calendar and policies ---------------------------------------------


def set_calendar_override(
    *, actor: Any, date: dt.date, is_working: bool, note: str = ""
) -> CalendarOverride:
    """Mark a date as a working day or a holiday, overriding the statutory calendar.

    Due times already stored are not moved: they were promised under the old calendar.
    """
    require_perm(actor, "sla.add_calendaroverride")
    with transaction.atomic():
        override, created = CalendarOverride.objects.update_or_create(
            date=date, defaults={"is_working": is_working, "note": note, "created_by": actor}
        )
        record(
            actor=actor,
            action="created" if created else "updated",
            obj=override,
            changes={"is_working": [None, is_working], "note": [None, note]},
        )
        return override


def remove_calendar_override(*, actor: Any, override: CalendarOverride) -> None:
    """Drop an override; the statutory calendar applies again to that date."""
    require_perm(actor, "sla.delete_calendaroverride")
    with transaction.atomic():
        record(
            actor=actor,
            action="deleted",
            obj=override,
            changes={"is_working": [override.is_working, None]},
        )
        override.delete()


def calendar_status(years: Iterable[int]) -> list[dict[str, Any]]:
    """For each year: is the statutory calendar known, and how many overrides exist."""
    cal = load_calendar()
    rows = []
    for year in years:
        known = cal.statutory(dt.date(year, 7, 1)) is not None
        count = sum(1 for d in cal.overrides if d.year == year)
        rows.append(
            {
                "year": year,
                "statutory_known": known,
                "overrides": count,
                "missing": not known and count == 0,
                "message": ""
                if known or count
                else _(
                    "The statutory calendar for %(year)s is not known: clocks fall back to "
                    "Monday–Friday. Enter that year's holidays and adjusted working days."
                )
                % {"year": year},
            }
        )
    return rows


def now() -> dt.datetime:
    """The current time (one place to read it)."""
    return clock_now()


__all__ = [
    "ValidationError",
    "calendar_status",
    "consumed_at",
    "forget_read_calendar",
    "load_calendar",
    "meet",
    "pause",
    "read_calendar",
    "remaining_seconds",
    "resume",
    "select_policies",
    "start_clocks",
    "stop",
    "summarise",
    "unmeet",
]
