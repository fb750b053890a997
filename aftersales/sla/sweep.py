"""The SLA sweep: warn owners, mark breaches, climb the escalation ladder.

Runs every minute as a huey periodic task, possibly on several consumers at once. Each phase
claims a batch of due clocks with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two
consumers take disjoint rows; every update re-checks its guard column in the WHERE clause, so
a row already handled is never handled twice even where row locks do not exist (SQLite, where
IMMEDIATE transactions serialise the writers instead).

Work per batch is a fixed number of set-based statements. On PostgreSQL the history rows and
notifications are written by ``INSERT … SELECT`` straight from the claimed clocks, so 10,000
breaches cost a few dozen statements and no Python objects per row; elsewhere the same rows
are built with the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.models import HistoryEntry, Notification
from aftersales.sla.choices import ClockState, EscalationLevel
from aftersales.sla.models import Clock

OPEN = Q(met_at__isnull=True, stopped_at__isnull=True)
DIGEST_NUMBERS = 5


class Due(NamedTuple):
    """A claimed clock."""

    pk: int
    kind: str
    request_id: int
    due_at: dt.datetime | None
    interval: int
    level: int
    number: str
    manager_id: int | None


@dataclass
class SweepResult:
    """How many clocks each phase handled."""

    warned: int = 0
    breached: int = 0
    escalated: int = 0

    @property
    def total(self) -> int:
        return self.warned + self.breached + self.escalated


class _Context(NamedTuple):
    now: dt.datetime
    batch: int
    request_ct: ContentType
    fast: bool  # PostgreSQL: write history and notifications with INSERT … SELECT


def _claim(queryset: QuerySet[Clock], order: str, batch: int) -> list[Due]:
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    fields = (
        "pk",
        "kind",
        "request_id",
        "due_at",
        "escalation_interval_minutes",
        "escalation_level",
        "request__number",
        "request__department__manager_id",
    )
    return [Due(*row) for row in queryset.order_by(order).values_list(*fields)[:batch]]


def _group(rows: Iterable[Due], key: Callable[[Due], Any]) -> dict[Any, list[int]]:
    groups: dict[Any, list[int]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row.pk)
    return groups


def _role_users(role: str) -> list[int]:
    return list(User.objects.filter(groups__name=role, is_active=True).values_list("pk", flat=True))


# --- Writing history rows and notifications -------------------------------------------------

_PG_HISTORY = """
INSERT INTO core_historyentry
    (created_at, actor_id, action, content_type_id, object_id, object_repr, changes, message)
SELECT %(now)s, NULL, %(action)s, %(ct)s, r.id::text, left(r.number || ' ' || r.title, 255),
       {changes}, ''
FROM sla_clock c JOIN service_servicerequest r ON r.id = c.request_id
WHERE c.id = ANY(%(ids)s)
"""
# PostgreSQL: a whole batch of the warning or breach phase in one statement. Data-modifying
# CTEs claim the due clocks (SKIP LOCKED), update them, and from the one join with their
# requests write the history rows, the owners' notifications and the requests' SLA state;
# the statement returns (number, department manager) for the managers' digest. Each step
# alone cost a round trip and its own join with the requests.
_PG_PHASE = """
WITH claimed AS (
    SELECT c.id FROM sla_clock c
    WHERE c.met_at IS NULL AND c.stopped_at IS NULL AND c.running_since IS NOT NULL
      AND {due}
    ORDER BY {order} LIMIT %(batch)s
    FOR UPDATE SKIP LOCKED
), done AS (
    UPDATE sla_clock c SET {assign}
    FROM claimed WHERE c.id = claimed.id AND {guard}
    RETURNING c.id, c.kind, c.request_id, c.due_at, 0 AS escalation_level
), info AS MATERIALIZED (
    SELECT d.kind, d.request_id, d.due_at, d.escalation_level,
           r.number, r.title, r.owner_id, dep.manager_id
    FROM done d JOIN service_servicerequest r ON r.id = d.request_id
    LEFT JOIN accounts_department dep ON dep.id = r.department_id
), history AS (
    INSERT INTO core_historyentry
        (created_at, actor_id, action, content_type_id, object_id, object_repr, changes, message)
    SELECT %(now)s, NULL, %(action)s, %(ct)s, c.request_id::text,
           left(c.number || ' ' || c.title, 255), {changes}, ''
    FROM info c
), owners AS (
    -- One notification per owner per batch: about the request when it is their only one,
    -- a digest of how many and which otherwise (a mass breach would bury the bell under
    -- hundreds of entries, and was a third of the sweep's time).
    INSERT INTO core_notification
        (user_id, kind, params, content_type_id, object_id, url, created_at, read_at)
    SELECT c.owner_id,
           CASE WHEN count(*) = 1 THEN %(action)s ELSE %(action)s || '_mine' END,
           CASE WHEN count(*) = 1
                THEN jsonb_build_object(
                    'number', min(c.number), 'target', min(c.kind),
                    'due', to_char(min(c.due_at) AT TIME ZONE 'UTC',
                                   'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'))
                ELSE jsonb_build_object(
                    'count', count(*),
                    'numbers', to_jsonb((array_agg(c.number ORDER BY c.number))[1:%(shown)s]))
           END,
           CASE WHEN count(*) = 1 THEN %(ct)s END,
           CASE WHEN count(*) = 1 THEN min(c.request_id)::text ELSE '' END,
           CASE WHEN count(*) = 1 THEN '/requests/' || min(c.request_id) || '/'
                ELSE %(list_url)s END,
           %(now)s, NULL
    FROM info c WHERE c.owner_id IS NOT NULL
    GROUP BY c.owner_id
), requests AS (
    UPDATE service_servicerequest r SET sla_state = %(state)s
    WHERE r.id IN (SELECT request_id FROM info) AND r.sla_state = ANY(%(weaker)s)
)
SELECT c.number, c.manager_id FROM info c
"""
_PG_PHASES = {
    "sla_warning": {
        "due": "c.warned_at IS NULL AND c.warn_at <= %(now)s",
        "order": "c.warn_at",
        "assign": "warned_at = %(now)s",
        "guard": "c.warned_at IS NULL",
    },
    "sla_breached": {
        "due": "c.breached_at IS NULL AND c.due_at <= %(now)s",
        "order": "c.due_at",
        "assign": "breached_at = c.due_at, escalation_level = 1, "
        "next_escalation_at = %(now)s + make_interval(mins => c.escalation_interval_minutes)",
        "guard": "c.breached_at IS NULL",
    },
}
# Where an owner's digest points: their open requests in that state.
_OWNER_LISTS = {
    "sla_warning": "/requests/?queue=at_risk",
    "sla_breached": "/requests/?queue=breached",
}
# The changes each phase records, as SQL over the claimed clock ``c`` (before its update).
_PG_CHANGES = {
    "sla_warning": "jsonb_build_object('sla', jsonb_build_array(c.kind, 'at_risk'))",
    "sla_breached": "jsonb_build_object('sla', jsonb_build_array(c.kind, 'breached'), "
    "'escalation_level', jsonb_build_array(0, 1))",
    "sla_escalated": "jsonb_build_object('escalation_level', "
    "jsonb_build_array(c.escalation_level, c.escalation_level + 1))",
}


def _changes(action: str, row: Due) -> dict[str, Any]:
    if action == "sla_warning":
        return {"sla": [row.kind, "at_risk"]}
    if action == "sla_breached":
        return {"sla": [row.kind, "breached"], "escalation_level": [0, 1]}
    return {"escalation_level": [row.level, row.level + 1]}


def _write(ctx: _Context, action: str, rows: list[Due], *, owner: bool) -> None:
    """A history row for every clock, and (``owner``) a notification to each owner."""
    if ctx.fast:
        sql_params: dict[str, Any] = {
            "now": ctx.now,
            "action": action,
            "ct": ctx.request_ct.pk,
            "ids": [r.pk for r in rows],
        }
        # (Only the escalation phase comes here on PostgreSQL; it tells no owner.)
        with connection.cursor() as cursor:
            cursor.execute(_PG_HISTORY.format(changes=_PG_CHANGES[action]), sql_params)
        return
    from aftersales.service.models import ServiceRequest

    info = {
        pk: (title, owner_id)
        for pk, title, owner_id in ServiceRequest.objects.filter(
            pk__in={r.request_id for r in rows}
        ).values_list("pk", "title", "owner_id")
    }
    history = []
    per_owner: dict[int, list[Due]] = {}
    for row in rows:
        history.append(
            HistoryEntry(
                actor=None,
                action=action,
                content_type=ctx.request_ct,
                object_id=str(row.request_id),
                object_repr=f"{row.number} {info[row.request_id][0]}"[:255],
                changes=_changes(action, row),
                created_at=ctx.now,
            )
        )
        owner_id = info[row.request_id][1]
        if owner and owner_id:
            per_owner.setdefault(owner_id, []).append(row)
    notes = [_owner_note(ctx, action, owner_id, due) for owner_id, due in per_owner.items()]
    HistoryEntry.objects.bulk_create(history, batch_size=2000)
    Notification.objects.bulk_create(notes, batch_size=2000)


def _owner_note(ctx: _Context, action: str, owner_id: int, rows: list[Due]) -> Notification:
    """The owner's notification for a batch (see _PG_NOTIFY_OWNERS)."""
    if len(rows) == 1:
        row = rows[0]
        return Notification(
            user_id=owner_id,
            kind=action,
            content_type=ctx.request_ct,
            params={
                "number": row.number,
                "target": row.kind,
                "due": row.due_at.isoformat() if row.due_at else "",
            },
            object_id=str(row.request_id),
            url=f"/requests/{row.request_id}/",
            created_at=ctx.now,
        )
    return Notification(
        user_id=owner_id,
        kind=f"{action}_mine",
        params={"count": len(rows), "numbers": sorted(r.number for r in rows)[:DIGEST_NUMBERS]},
        url=_OWNER_LISTS[action],
        created_at=ctx.now,
    )


def _digest(ctx: _Context, kind: str, pairs: Iterable[tuple[int, str]], **extra: Any) -> None:
    """One notification per person for the whole batch (managers and the ladder above them
    would otherwise get thousands at once): how many requests, and the first numbers.
    ``pairs`` are (recipient, request number)."""
    per_user: dict[int, list[str]] = {}
    for user_id, number in pairs:
        per_user.setdefault(user_id, []).append(number)
    Notification.objects.bulk_create(
        Notification(
            user_id=user_id,
            kind=kind,
            created_at=ctx.now,
            url="/requests/?sla_state=breached",
            params={"count": len(numbers), "numbers": sorted(numbers)[:DIGEST_NUMBERS], **extra},
        )
        for user_id, numbers in per_user.items()
    )


def _pg_phase(ctx: _Context, action: str, state: str, weaker: list[str]) -> list[tuple[str, Any]]:
    """Run one batch of a phase as _PG_PHASE; returns (number, manager id) per clock."""
    sql = _PG_PHASE.format(changes=_PG_CHANGES[action], **_PG_PHASES[action])
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "now": ctx.now,
                "batch": ctx.batch,
                "action": action,
                "ct": ctx.request_ct.pk,
                "shown": DIGEST_NUMBERS,
                "list_url": _OWNER_LISTS[action],
                "state": state,
                "weaker": weaker,
            },
        )
        return list(cursor.fetchall())


def _note_request_state(rows: list[Due], state: str, weaker: list[str]) -> None:
    from aftersales.service.models import ServiceRequest

    ServiceRequest.objects.filter(pk__in={r.request_id for r in rows}, sla_state__in=weaker).update(
        sla_state=state
    )


# --- The three phases -----------------------------------------------------------------------


WARN_WEAKER: list[str] = [ClockState.ON_TRACK, ClockState.MET, ClockState.PAUSED]
BREACH_WEAKER: list[str] = [
    ClockState.ON_TRACK,
    ClockState.AT_RISK,
    ClockState.MET,
    ClockState.PAUSED,
]


def _warn(ctx: _Context) -> int:
    """At the warning threshold (75 % by default) the owner hears first."""
    with transaction.atomic():
        if ctx.fast:
            return len(_pg_phase(ctx, "sla_warning", ClockState.AT_RISK, WARN_WEAKER))
        rows = _claim(
            Clock.objects.filter(
                OPEN, warned_at__isnull=True, running_since__isnull=False, warn_at__lte=ctx.now
            ),
            "warn_at",
            ctx.batch,
        )
        if not rows:
            return 0
        _write(ctx, "sla_warning", rows, owner=True)
        Clock.objects.filter(pk__in=[r.pk for r in rows], warned_at__isnull=True).update(
            warned_at=ctx.now
        )
        _note_request_state(rows, ClockState.AT_RISK, WARN_WEAKER)
        return len(rows)


def _breach(ctx: _Context) -> int:
    """At the due time: breached, and the department manager (ladder step 1) is told."""
    with transaction.atomic():
        if ctx.fast:
            told = _pg_phase(ctx, "sla_breached", ClockState.BREACHED, BREACH_WEAKER)
            _digest(ctx, "sla_breached_team", ((m, n) for n, m in told if m))
            return len(told)
        rows = _claim(
            Clock.objects.filter(
                OPEN, breached_at__isnull=True, running_since__isnull=False, due_at__lte=ctx.now
            ),
            "due_at",
            ctx.batch,
        )
        if not rows:
            return 0
        _write(ctx, "sla_breached", rows, owner=True)
        _digest(ctx, "sla_breached_team", ((r.manager_id, r.number) for r in rows if r.manager_id))
        # One UPDATE per escalation interval (a handful of distinct values), never a per-row
        # CASE: bulk_update of 1,000 rows costs O(n²) comparisons inside the database.
        for interval, ids in _group(rows, lambda r: r.interval).items():
            Clock.objects.filter(pk__in=ids, breached_at__isnull=True).update(
                breached_at=F("due_at"),
                escalation_level=EscalationLevel.DEPARTMENT_MANAGER,
                next_escalation_at=ctx.now + dt.timedelta(minutes=interval),
            )
        _note_request_state(rows, ClockState.BREACHED, BREACH_WEAKER)
        return len(rows)


def _escalate(ctx: _Context) -> int:
    """Each interval after a breach, one step up: service director, then executives."""
    with transaction.atomic():
        rows = _claim(
            Clock.objects.filter(
                OPEN,
                next_escalation_at__lte=ctx.now,
                escalation_level__lt=EscalationLevel.EXECUTIVE,
            ),
            "next_escalation_at",
            ctx.batch,
        )
        if not rows:
            return 0
        ladder = {
            int(EscalationLevel.SERVICE_DIRECTOR): _role_users(Role.SERVICE_DIRECTOR),
            int(EscalationLevel.EXECUTIVE): _role_users(Role.EXECUTIVE),
        }
        _write(ctx, "sla_escalated", rows, owner=False)
        for level, users in ladder.items():
            pairs = [(u, r.number) for r in rows if r.level + 1 == level for u in users]
            _digest(ctx, "sla_escalated_team", pairs, level=level)
        for (level, interval), ids in _group(rows, lambda r: (r.level, r.interval)).items():
            top = level + 1 >= EscalationLevel.EXECUTIVE
            Clock.objects.filter(pk__in=ids, escalation_level=level).update(
                escalation_level=level + 1,
                next_escalation_at=None if top else ctx.now + dt.timedelta(minutes=interval),
            )
        return len(rows)


def sweep(now: dt.datetime | None = None, batch: int | None = None) -> SweepResult:
    """Run the three phases until nothing is due; returns what was done."""
    from aftersales.service.models import ServiceRequest

    ctx = _Context(
        now=now or timezone.now(),
        batch=batch or settings.AFTERSALES_SLA_SWEEP_BATCH,
        request_ct=ContentType.objects.get_for_model(ServiceRequest),
        fast=connection.vendor == "postgresql",
    )
    result = SweepResult()
    for phase, attr in ((_warn, "warned"), (_breach, "breached"), (_escalate, "escalated")):
        while True:
            count = phase(ctx)
            setattr(result, attr, getattr(result, attr) + count)
            if count < ctx.batch:
                break
    return result
