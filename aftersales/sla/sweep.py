"""The SLA sweep: warn owners, mark breaches, climb the escalation ladder.

Runs every minute as a huey periodic task, possibly on several consumers at once. Each phase
claims a batch of due clocks with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two
consumers take disjoint rows; the update re-checks the guard column in its WHERE clause, so a
row already handled is never handled twice even where row locks do not exist (SQLite, where
IMMEDIATE transactions serialise the writers instead). Work per batch is a fixed number of
statements, not a number per row: 10,000 due clocks cost a handful of round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.models import HistoryEntry, Notification
from aftersales.core.notifications import build
from aftersales.sla.choices import ClockState, EscalationLevel
from aftersales.sla.models import Clock

OPEN = Q(met_at__isnull=True, stopped_at__isnull=True)


@dataclass
class SweepResult:
    """How many clocks each phase handled."""

    warned: int = 0
    breached: int = 0
    escalated: int = 0
    notified: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.warned + self.breached + self.escalated


def _claim(queryset: QuerySet[Clock], order: str, batch: int) -> list[Clock]:
    locking = queryset.select_related("request", "request__department")
    if connection.features.has_select_for_update_skip_locked:
        locking = locking.select_for_update(skip_locked=True, of=("self",))
    return list(locking.order_by(order)[:batch])


def _group(clocks: list[Clock], key: Callable[[Clock], Any]) -> dict[Any, list[int]]:
    groups: dict[Any, list[int]] = {}
    for clock in clocks:
        groups.setdefault(key(clock), []).append(clock.pk)
    return groups


def _role_users(role: str) -> list[int]:
    return list(User.objects.filter(groups__name=role, is_active=True).values_list("pk", flat=True))


def _history(
    clock: Clock, action: str, now: dt.datetime, ct: ContentType, changes: dict[str, Any]
) -> HistoryEntry:
    return HistoryEntry(
        actor=None,
        action=action,
        content_type=ct,
        object_id=str(clock.request_id),
        object_repr=str(clock.request)[:255],
        changes=changes,
        created_at=now,
    )


def _params(clock: Clock) -> dict[str, Any]:
    return {
        "number": clock.request.number,
        "target": clock.kind,
        "due": clock.due_at.isoformat() if clock.due_at else "",
    }


def _note_request_state(request_ids: list[int], state: str, weaker: list[str]) -> None:
    from aftersales.service.models import ServiceRequest

    ServiceRequest.objects.filter(pk__in=request_ids, sla_state__in=weaker).update(sla_state=state)


def _warn(now: dt.datetime, batch: int, ct: ContentType) -> tuple[int, list[Notification]]:
    with transaction.atomic():
        due = Clock.objects.filter(
            OPEN, warned_at__isnull=True, running_since__isnull=False, warn_at__lte=now
        )
        clocks = _claim(due, "warn_at", batch)
        if not clocks:
            return 0, []
        done = Clock.objects.filter(pk__in=[c.pk for c in clocks], warned_at__isnull=True).update(
            warned_at=now
        )
        notes = [
            build(
                user_id=c.request.owner_id,
                kind="sla_warning",
                params=_params(c),
                target=c.request,
                url=f"/requests/{c.request_id}/",
                now=now,
            )
            for c in clocks
            if c.request.owner_id
        ]
        HistoryEntry.objects.bulk_create(
            [_history(c, "sla_warning", now, ct, {"sla": [c.kind, "at_risk"]}) for c in clocks]
        )
        Notification.objects.bulk_create(notes)
        _note_request_state(
            [c.request_id for c in clocks],
            ClockState.AT_RISK,
            [ClockState.ON_TRACK, ClockState.MET, ClockState.PAUSED],
        )
        return done, notes


def _breach(now: dt.datetime, batch: int, ct: ContentType) -> tuple[int, list[Notification]]:
    with transaction.atomic():
        due = Clock.objects.filter(
            OPEN, breached_at__isnull=True, running_since__isnull=False, due_at__lte=now
        )
        clocks = _claim(due, "due_at", batch)
        if not clocks:
            return 0, []
        notes: list[Notification] = []
        for clock in clocks:
            manager = clock.request.department.manager_id if clock.request.department else None
            for user_id in dict.fromkeys(u for u in (clock.request.owner_id, manager) if u):
                notes.append(
                    build(
                        user_id=user_id,
                        kind="sla_breached",
                        params=_params(clock),
                        target=clock.request,
                        url=f"/requests/{clock.request_id}/",
                        now=now,
                    )
                )
        # One UPDATE per escalation interval (a handful of distinct values), never a per-row
        # CASE: bulk_update of 1,000 rows costs O(n²) comparisons inside the database.
        for interval, ids in _group(clocks, lambda c: c.escalation_interval_minutes).items():
            Clock.objects.filter(pk__in=ids, breached_at__isnull=True).update(
                breached_at=F("due_at"),
                escalation_level=EscalationLevel.DEPARTMENT_MANAGER,
                next_escalation_at=now + dt.timedelta(minutes=interval),
            )
        HistoryEntry.objects.bulk_create(
            [
                _history(
                    c,
                    "sla_breached",
                    now,
                    ct,
                    {"sla": [c.kind, "breached"], "escalation_level": [0, 1]},
                )
                for c in clocks
            ]
        )
        Notification.objects.bulk_create(notes)
        _note_request_state(
            [c.request_id for c in clocks],
            ClockState.BREACHED,
            [ClockState.ON_TRACK, ClockState.AT_RISK, ClockState.MET, ClockState.PAUSED],
        )
        return len(clocks), notes


def _escalate(now: dt.datetime, batch: int, ct: ContentType) -> tuple[int, list[Notification]]:
    with transaction.atomic():
        due = Clock.objects.filter(
            OPEN, next_escalation_at__lte=now, escalation_level__lt=EscalationLevel.EXECUTIVE
        )
        clocks = _claim(due, "next_escalation_at", batch)
        if not clocks:
            return 0, []
        ladder: dict[int, list[int]] = {
            EscalationLevel.SERVICE_DIRECTOR: _role_users(Role.SERVICE_DIRECTOR),
            EscalationLevel.EXECUTIVE: _role_users(Role.EXECUTIVE),
        }
        notes: list[Notification] = []
        rows: list[HistoryEntry] = []
        for clock in clocks:
            level = clock.escalation_level + 1
            rows.append(
                _history(
                    clock,
                    "sla_escalated",
                    now,
                    ct,
                    {"escalation_level": [clock.escalation_level, level]},
                )
            )
            for user_id in ladder.get(level, []):
                notes.append(
                    build(
                        user_id=user_id,
                        kind="sla_escalated",
                        params={**_params(clock), "level": level},
                        target=clock.request,
                        url=f"/requests/{clock.request_id}/",
                        now=now,
                    )
                )
        groups = _group(clocks, lambda c: (c.escalation_level, c.escalation_interval_minutes))
        for (level, interval), ids in groups.items():
            top = level + 1 >= EscalationLevel.EXECUTIVE
            Clock.objects.filter(pk__in=ids, escalation_level=level).update(
                escalation_level=level + 1,
                next_escalation_at=None if top else now + dt.timedelta(minutes=interval),
            )
        HistoryEntry.objects.bulk_create(rows)
        Notification.objects.bulk_create(notes)
        return len(clocks), notes


def sweep(now: dt.datetime | None = None, batch: int | None = None) -> SweepResult:
    """Run the three phases until nothing is due; returns what was done."""
    from aftersales.service.models import ServiceRequest

    now = now or timezone.now()
    batch = batch or settings.AFTERSALES_SLA_SWEEP_BATCH
    ct = ContentType.objects.get_for_model(ServiceRequest)
    result = SweepResult()
    for phase, attr in ((_warn, "warned"), (_breach, "breached"), (_escalate, "escalated")):
        while True:
            count, notes = phase(now, batch, ct)
            if not count and not notes:
                break
            setattr(result, attr, getattr(result, attr) + count)
            result.notified.extend(n.user_id for n in notes)
            if count < batch:
                break
    return result
