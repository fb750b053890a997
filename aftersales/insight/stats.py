"""Rebuilding the daily statistics: whole days, set-based, idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from aftersales.core import clock
from aftersales.insight.models import (
    AGE_LIMITS,
    DailyStat,
    EngineerDailyStat,
    OpenCountRun,
    OpenStat,
)
from aftersales.service.choices import OPEN
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock

KINDS = tuple(k.value for k in TargetKind)
OUTCOMES = tuple(f"{kind}_{outcome}" for kind in KINDS for outcome in ("met", "breached"))
COUNTS = ("received", "resolved", *OUTCOMES)
KEYS = ("day", "dept", "ch", "rtype")
# Constants unique in the project: the advisory locks of the two refreshes.
DAILY_LOCK = 0x1A5_0001
OPEN_LOCK = 0x1A5_0002


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh rewrote."""

    first: dt.date
    last: dt.date
    daily_rows: int
    engineer_rows: int


def company_today() -> dt.date:
    """Today in the company's time zone (the days of the statistics)."""
    return timezone.localdate(clock.now(), timezone=timezone.get_default_timezone())


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware instants that start ``first`` and end ``last`` in the company's zone."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _day(field: Any, zone: Any) -> TruncDate:
    return TruncDate(field, tzinfo=zone)


def _request_counts(field: str, start: dt.datetime, end: dt.datetime, zone: Any) -> QuerySet:
    # Explicit aliases (dept, ch, rtype): the outer INSERT … SELECT reads columns by name.
    return (
        ServiceRequest.objects.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(
            day=_day(field, zone), dept=F("department_id"), ch=F("channel"), rtype=F("request_type")
        )
        .values("day", "dept", "ch", "rtype")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _outcome_counts(start: dt.datetime, end: dt.datetime, zone: Any) -> QuerySet:
    # A clock's outcome is decided once: breached at its due time (``breached_at`` is set to
    # ``due_at`` by the sweep or by a late meeting), or met in time when it was met. Open
    # breached clocks count too, so a week's compliance does not wait for the stragglers.
    counts = {}
    for kind in KINDS:
        counts[f"{kind}_met"] = Count("pk", filter=Q(kind=kind, breached_at__isnull=True))
        counts[f"{kind}_breached"] = Count("pk", filter=Q(kind=kind, breached_at__isnull=False))
    return (
        Clock.objects.filter(
            Q(breached_at__gte=start, breached_at__lt=end)
            | Q(breached_at__isnull=True, met_at__gte=start, met_at__lt=end)
        )
        .annotate(
            day=_day(Coalesce("breached_at", "met_at"), zone),
            dept=F("request__department_id"),
            ch=F("request__channel"),
            rtype=F("request__request_type"),
        )
        .values("day", "dept", "ch", "rtype")
        .annotate(**counts)
        .order_by()
    )


def _owner_counts(start: dt.datetime, end: dt.datetime, zone: Any) -> QuerySet:
    return (
        ServiceRequest.objects.filter(
            resolved_at__gte=start, resolved_at__lt=end, owner__isnull=False
        )
        .annotate(day=_day("resolved_at", zone), dept=F("department_id"), person=F("owner_id"))
        .values("day", "dept", "person")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _daily_insert(start: dt.datetime, end: dt.datetime, zone: Any) -> tuple[str, list[Any]]:
    """One INSERT … SELECT summing the three grouped reads (each compiled by the ORM for
    the database in use) into whole rows per day, department, channel and type."""
    qn = connection.ops.quote_name
    parts: list[tuple[QuerySet, dict[str, str]]] = [
        (_request_counts("received_at", start, end, zone), {"received": "n"}),
        (_request_counts("resolved_at", start, end, zone), {"resolved": "n"}),
        (_outcome_counts(start, end, zone), {name: name for name in OUTCOMES}),
    ]
    selects: list[str] = []
    params: list[Any] = []
    keys = ", ".join(f"r.{qn(name)} AS {qn(name)}" for name in KEYS)
    for queryset, given in parts:
        sql, part_params = queryset.query.sql_with_params()
        picked = ", ".join(
            f"r.{qn(given[name])} AS {qn(name)}" if name in given else f"0 AS {qn(name)}"
            for name in COUNTS
        )
        # Only quoted names and ORM-compiled SQL are interpolated; values travel as params.
        selects.append(f"SELECT {keys}, {picked} FROM ({sql}) r")  # noqa: S608
        params.extend(part_params)
    group = ", ".join(f"u.{qn(name)}" for name in KEYS)
    sums = ", ".join(f"SUM(u.{qn(name)})" for name in COUNTS)
    columns = ", ".join(
        qn(name) for name in ("date", "department_id", "channel", "request_type", *COUNTS)
    )
    sql = (
        f"INSERT INTO {qn(DailyStat._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {group}, {sums} FROM ({' UNION ALL '.join(selects)}) u GROUP BY {group}"
    )
    return sql, params


def _engineer_insert(start: dt.datetime, end: dt.datetime, zone: Any) -> tuple[str, list[Any]]:
    qn = connection.ops.quote_name
    sql, params = _owner_counts(start, end, zone).query.sql_with_params()
    return (
        f"INSERT INTO {qn(EngineerDailyStat._meta.db_table)} "  # noqa: S608
        f"({qn('date')}, {qn('department_id')}, {qn('owner_id')}, {qn('resolved')}) "
        f"SELECT r.{qn('day')}, r.{qn('dept')}, r.{qn('person')}, r.{qn('n')} FROM ({sql}) r",
        list(params),
    )


def _serialise(key: int) -> None:
    # Two refreshes would each delete, then both insert the same rows (a DELETE does not
    # see rows another transaction inserted meanwhile): take turns.
    # SQLite needs nothing: its IMMEDIATE transactions already admit one writer at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def refresh_daily_stats(*, first: dt.date, last: dt.date) -> RefreshResult:
    """Recompute the statistics of the days ``first``..``last`` (inclusive).

    Each day is rebuilt whole (its rows deleted and inserted again in one transaction), so
    running it twice, or from two consumers, leaves the same rows. Two INSERT … SELECT
    statements do the counting in the database: no row passes through Python.
    """
    if last < first:
        raise ValueError("last must not be before first")
    zone = timezone.get_default_timezone()
    start, end = day_bounds(first, last)
    daily_sql, daily_params = _daily_insert(start, end, zone)
    engineer_sql, engineer_params = _engineer_insert(start, end, zone)
    with transaction.atomic():
        _serialise(DAILY_LOCK)
        # Whole days: rows of the range that no longer have requests disappear too.
        DailyStat.objects.filter(date__gte=first, date__lte=last).delete()
        EngineerDailyStat.objects.filter(date__gte=first, date__lte=last).delete()
        with connection.cursor() as cursor:
            cursor.execute(daily_sql, daily_params)
            daily_rows = cursor.rowcount
            cursor.execute(engineer_sql, engineer_params)
            engineer_rows = cursor.rowcount
    return RefreshResult(first, last, daily_rows, engineer_rows)


def _open_counts(now: dt.datetime) -> QuerySet:
    age = Case(
        *(
            When(received_at__gte=now - dt.timedelta(days=days), then=Value(index))
            for index, days in enumerate(AGE_LIMITS)
        ),
        default=Value(len(AGE_LIMITS)),
        output_field=IntegerField(),
    )
    return (
        ServiceRequest.objects.filter(status__in=OPEN)
        .annotate(
            dept=F("department_id"),
            person=F("owner_id"),
            st=F("status"),
            state=F("sla_state"),
            bucket=age,
        )
        .values("dept", "person", "st", "state", "bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )


def refresh_open_stats(now: dt.datetime | None = None) -> int:
    """Recount the open requests (the dashboard's "now" charts); returns the rows written.

    Open requests lie scattered over the whole table (old ones stay open for weeks), so
    counting them costs a read of most of its pages: done once a minute here, never while
    someone waits for the page.
    """
    taken_at = now or clock.now()
    qn = connection.ops.quote_name
    sql, params = _open_counts(taken_at).query.sql_with_params()
    columns = ", ".join(
        qn(c)
        for c in ("taken_at", "department_id", "owner_id", "status", "sla_state", "age", "count")
    )
    picked = ", ".join(f"r.{qn(c)}" for c in ("dept", "person", "st", "state", "bucket", "n"))
    insert = (
        f"INSERT INTO {qn(OpenStat._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT %s, {picked} FROM ({sql}) r"
    )
    with transaction.atomic():
        _serialise(OPEN_LOCK)
        OpenStat.objects.all().delete()
        OpenCountRun.objects.update_or_create(pk=1, defaults={"taken_at": taken_at})
        with connection.cursor() as cursor:
            cursor.execute(insert, [connection.ops.adapt_datetimefield_value(taken_at), *params])
            return int(cursor.rowcount)


def refresh_recent(days: int) -> RefreshResult:
    """Recompute the last ``days`` days, today included."""
    today = company_today()
    return refresh_daily_stats(first=today - dt.timedelta(days=max(days, 1) - 1), last=today)


def refresh_all() -> RefreshResult | None:
    """Recompute every day from the first request received to today, and recount the open
    requests (loaders, repairs)."""
    refresh_open_stats()
    earliest = ServiceRequest.objects.aggregate(m=Min("received_at"))["m"]
    if earliest is None:
        return None
    zone = timezone.get_default_timezone()
    first = timezone.localdate(earliest, timezone=zone)
    return refresh_daily_stats(first=first, last=max(company_today(), first))
