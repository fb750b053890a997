"""Dispatch help: which engineers to send. Ranked by certification for the request's product
line, then whether they are free before the on-site deadline, then their workload (trip plans
and visits overlapping the planned period). Three queries whatever the number of engineers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.clock import now as clock_now
from aftersales.field.choices import VisitStatus
from aftersales.field.models.trips import EngineerSkill, TripPlan, TripStatus
from aftersales.field.models.visits import Visit
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock

BUSY_PLANS = [TripStatus.SUBMITTED, TripStatus.APPROVED, TripStatus.DEPARTED]
BUSY_VISITS = [VisitStatus.PLANNED, VisitStatus.ON_SITE]


@dataclass(frozen=True)
class Suggestion:
    """One engineer and why they rank where they do."""

    engineer: User
    certified: bool
    certified_until: dt.date | None
    workload: int  # plans and visits overlapping the period
    busy_before_deadline: bool
    deadline: dt.datetime | None  # the request's on-site due time

    @property
    def key(self) -> tuple[Any, ...]:
        """Sort key: certified first, free before the deadline, least busy, then by name."""
        return (
            not self.certified,
            self.busy_before_deadline,
            self.workload,
            self.engineer.full_name or self.engineer.username,
        )


def on_site_deadline(request: ServiceRequest) -> dt.datetime | None:
    """The request's on-site due time (its arrival clock), unless already met or stopped."""
    row = (
        Clock.objects.filter(request=request, kind=TargetKind.ARRIVAL)
        .values("due_at", "met_at", "stopped_at")
        .first()
    )
    if row is None or row["met_at"] or row["stopped_at"]:
        return None
    return row["due_at"]


def product_line_id(request: ServiceRequest) -> int | None:
    """The product line of the request's equipment, if it names one."""
    if request.equipment_id is None:
        return None
    return (
        ServiceRequest.objects.filter(pk=request.pk)
        .values_list("equipment__product_model__line_id", flat=True)
        .first()
    )


def suggest_engineers(
    *,
    request: ServiceRequest,
    start: dt.datetime,
    end: dt.datetime,
    exclude_plan: TripPlan | None = None,
) -> list[Suggestion]:
    """Engineers of the request's department, and engineers elsewhere certified for its
    product line, best first."""
    today = clock_now().date()
    line = product_line_id(request)
    deadline = on_site_deadline(request)
    certified: dict[int, dt.date | None] = {}
    if line is not None:
        certified = dict(
            EngineerSkill.objects.filter(product_line_id=line, certified_since__lte=today)
            .filter(Q(certified_until__isnull=True) | Q(certified_until__gte=today))
            .values_list("engineer_id", "certified_until")
        )
    engineers = list(
        User.objects.filter(is_active=True, groups__name=Role.ENGINEER)
        .filter(Q(department_id=request.department_id) | Q(pk__in=list(certified)))
        .distinct()
        .order_by("username")
    )
    ids = [e.pk for e in engineers]
    busy_from = min(start, clock_now())
    busy_until = max(end, deadline or end)
    plans = TripPlan.objects.filter(
        status__in=BUSY_PLANS,
        departure_at__lt=busy_until,
        return_at__gt=busy_from,
        engineers__in=ids,
    )
    if exclude_plan is not None:
        plans = plans.exclude(pk=exclude_plan.pk)
    commitments = list(plans.values_list("engineers", "departure_at", "return_at")) + list(
        Visit.objects.filter(
            status__in=BUSY_VISITS,
            window_start__lt=busy_until,
            window_end__gt=busy_from,
            engineers__in=ids,
        )
        .exclude(trip_plan__isnull=False, trip_plan__in=plans)
        .values_list("engineers", "window_start", "window_end")
    )
    load: Counter[int] = Counter()
    before_deadline: set[int] = set()
    now = clock_now()
    for engineer_id, begins, ends in commitments:
        if engineer_id not in ids:
            continue
        if begins < end and ends > start:
            load[engineer_id] += 1
        if deadline is not None and begins < deadline and ends > now:
            before_deadline.add(engineer_id)
    rows = [
        Suggestion(
            engineer=e,
            certified=e.pk in certified,
            certified_until=certified.get(e.pk),
            workload=load[e.pk],
            busy_before_deadline=e.pk in before_deadline,
            deadline=deadline,
        )
        for e in engineers
    ]
    return sorted(rows, key=lambda s: s.key)
