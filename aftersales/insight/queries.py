"""Read functions behind the dashboard: each answers one question with a few small rows.

Who sees what: the company-wide management roles see every department; a department
manager sees their departments only (``scope.department_ids``: managed plus their own),
which is a part of what ``ServiceRequest.objects.visible_to`` gives them. Questions
about a period read the pre-aggregated ``DailyStat`` rows; questions about "now" read the
``OpenStat`` rows, recounted every minute (see ``stats.refresh_open_stats``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department
from aftersales.accounts.roles import scope_of
from aftersales.insight.models import DailyStat, EngineerDailyStat, OpenStat
from aftersales.service.choices import WAITING
from aftersales.sla.choices import TargetKind

# The roles the dashboard serves (the menu shows it to the same roles).
DASHBOARD_ROLES = (
    Role.ADMIN,
    Role.EXECUTIVE,
    Role.VP,
    Role.SERVICE_DIRECTOR,
    Role.DEPARTMENT_MANAGER,
)
KINDS = tuple(k.value for k in TargetKind)
COUNT_FIELDS = (
    "received",
    "resolved",
    *(f"{kind}_{outcome}" for kind in KINDS for outcome in ("met", "breached")),
)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: a period of whole days and at most one department."""

    start: dt.date
    end: dt.date
    department_id: int | None = None


def may_view_dashboard(user: Any) -> bool:
    """Management roles with the right to read requests; never a portal user."""
    scope = scope_of(user)
    return (
        not scope.is_portal
        and scope.has_role(*DASHBOARD_ROLES)
        and user.has_perm("service.view_servicerequest")
    )


def department_scope(user: Any) -> frozenset[int] | None:
    """The departments whose numbers ``user`` may see; None means all (and requests that
    have no department)."""
    scope = scope_of(user)
    if scope.sees_all:
        return None
    if not scope.has_role(Role.DEPARTMENT_MANAGER):
        return frozenset()
    return scope.department_ids


def dashboard_departments(user: Any) -> list[Department]:
    """The departments ``user`` may filter by, in code order."""
    allowed = department_scope(user)
    queryset = Department.objects.only("pk", "code", "name", "name_en", "is_active")
    if allowed is None:
        return list(queryset.order_by("code"))
    return list(queryset.filter(pk__in=allowed).order_by("code"))


def _restrict(queryset: QuerySet, user: Any, filters: Filters) -> QuerySet:
    allowed = department_scope(user)
    if filters.department_id is not None:
        # The form validated it already; a query still never trusts its caller.
        if allowed is not None and filters.department_id not in allowed:
            return queryset.none()
        return queryset.filter(department_id=filters.department_id)
    if allowed is None:
        return queryset
    return queryset.filter(department_id__in=allowed)


def open_snapshot(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """Open requests at the last count, by status, department, SLA state and age bucket
    (with the time of the count); four charts sum these few rows their own way."""
    rows = _restrict(OpenStat.objects.all(), user, filters)
    return list(
        rows.values("taken_at", "status", "department_id", "sla_state", "age")
        .annotate(n=Sum("count"))
        .order_by()
    )


def open_by_owner(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """Open requests at the last count per owner, split into working and waiting."""
    waiting = Case(
        When(status__in=WAITING, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = _restrict(OpenStat.objects.filter(owner__isnull=False), user, filters)
    return list(
        rows.annotate(waiting=waiting)
        .values("owner_id", "owner__full_name", "owner__username", "waiting")
        .annotate(n=Sum("count"))
        .order_by()
    )


def resolved_by_owner(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """Requests each owner resolved in the period (pre-aggregated)."""
    rows = EngineerDailyStat.objects.filter(date__gte=filters.start, date__lte=filters.end)
    return list(
        _restrict(rows, user, filters)
        .values("owner_id", "owner__full_name", "owner__username")
        .annotate(n=Sum("resolved"))
        .order_by()
    )


def period_counts(user: Any, filters: Filters) -> list[dict[str, Any]]:
    """The period's numbers per channel and type: received, resolved, SLA outcomes."""
    rows = DailyStat.objects.filter(date__gte=filters.start, date__lte=filters.end)
    return list(
        _restrict(rows, user, filters)
        .values("channel", "request_type")
        .annotate(**{name: Sum(name) for name in COUNT_FIELDS})
        .order_by()
    )


def weekly_outcomes(user: Any, filters: Filters, weeks: int = 12) -> list[dict[str, Any]]:
    """SLA outcomes per week (Monday to Sunday) for the ``weeks`` weeks up to the period's
    end: [{"week": monday, "response_met": n, "response_breached": n, …}, …]."""
    last_monday = filters.end - dt.timedelta(days=filters.end.weekday())
    first_monday = last_monday - dt.timedelta(weeks=weeks - 1)
    rows = DailyStat.objects.filter(date__gte=first_monday, date__lte=filters.end)
    fields = [f"{kind}_{outcome}" for kind in KINDS for outcome in ("met", "breached")]
    daily = (
        _restrict(rows, user, filters)
        .values("date")
        .annotate(**{name: Sum(name) for name in fields})
        .order_by()
    )
    by_week: dict[dt.date, dict[str, int]] = {
        first_monday + dt.timedelta(weeks=i): dict.fromkeys(fields, 0) for i in range(weeks)
    }
    for row in daily:
        monday = row["date"] - dt.timedelta(days=row["date"].weekday())
        for name in fields:
            by_week[monday][name] += row[name] or 0
    return [{"week": monday, **counts} for monday, counts in sorted(by_week.items())]


def sum_by(rows: list[dict[str, Any]], key: str, field: str = "n") -> dict[Any, int]:
    """Totals of ``field`` per value of ``key``."""
    totals: dict[Any, int] = defaultdict(int)
    for row in rows:
        totals[row[key]] += row[field] or 0
    return dict(totals)
