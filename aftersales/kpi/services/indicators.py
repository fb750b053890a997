"""The built-in department KPIs, each one or two grouped SQL queries over a span of months.

Definitions (where the source documents are silent):
- CSAT: share of return visits recorded in the month rated satisfied or very satisfied.
- Survey CSAT: share of the satisfaction surveys answered in the month whose three scores
  (attitude, speed, result) average 4 or more — feedback's definition, in SQL.
- First response / resolution: mean calendar hours from receipt, for requests first
  answered / resolved in the month (the SLA clocks measure working time separately).
- SLA compliance per target: of the clocks decided in the month, the share met in time; a
  clock is decided when it is met without breach (met_at) or when it breaches (breached_at)
  — the dashboard's definition, read from its daily counts.
- First-time fix: of the requests resolved in the month, the share never reopened and done
  with at most one site visit.
- Repeat problems: of the requests on a unit with a category received in the month, the
  share with an earlier request on the same unit and category within 30 days before.
- Service cost: the month's costs charged to the department (labour and parts of effective
  reports, expenses) — field service's figures, which add up to the cent.
- Budget used: the year's costs to the end of the month as a share of the department's
  yearly budget (no value without a budget), so December shows the year against budget.
- Complaint resolution: mean calendar hours from receipt to resolution of complaints
  resolved in the month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from aftersales.core.dates import add_months
from aftersales.feedback.choices import Rating, ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit, Survey
from aftersales.field.choices import VisitStatus
from aftersales.field.models import Visit
from aftersales.insight.models import DailyStat
from aftersales.kpi.registry import Cells
from aftersales.kpi.services.months import bounds
from aftersales.service.choices import RequestType
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import TargetKind

REPEAT_WINDOW = dt.timedelta(days=30)


def _month_of(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, timezone.get_default_timezone()).date().replace(day=1)
    return value.replace(day=1)


def _span(months: list[dt.date]) -> tuple[dt.datetime, dt.datetime]:
    return bounds(months[0])[0], bounds(months[-1])[1]


def _in_span(qs: QuerySet, field: str, months: list[dt.date]) -> QuerySet:
    start, end = _span(months)
    return qs.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def _for_departments(qs: QuerySet, path: str, department_ids: Collection[int] | None) -> QuerySet:
    return qs if department_ids is None else qs.filter(**{f"{path}__in": list(department_ids)})


def _by_month(qs: QuerySet, field: str, department: str, **aggregates: Any) -> list[dict]:
    zone = timezone.get_default_timezone()
    return list(
        qs.annotate(_month=TruncMonth(field, tzinfo=zone), _dept=F(department))
        .values("_dept", "_month")
        .annotate(**aggregates)
        .order_by()
    )


def _share(rows: list[dict], part: str, whole: str) -> Cells:
    cells: Cells = {}
    for row in rows:
        if row[whole]:
            cells[(row["_dept"], _month_of(row["_month"]))] = (
                Decimal(row[part]) * 100 / row[whole]
            ).quantize(Decimal("0.1"))
    return cells


def _hours(rows: list[dict], name: str = "mean") -> Cells:
    cells: Cells = {}
    for row in rows:
        if row[name] is not None:
            hours = Decimal(row[name].total_seconds()) / 3600
            cells[(row["_dept"], _month_of(row["_month"]))] = hours.quantize(Decimal("0.1"))
    return cells


def _duration(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def csat(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Share of the month's return visits rated satisfied or better (by the request's
    department, else the company's service department)."""
    qs = _in_span(ReturnVisit.objects.filter(status=ReturnVisitStatus.DONE), "done_at", months)
    qs = qs.annotate(_owner=Coalesce("request__department_id", "company__service_department_id"))
    qs = _for_departments(qs, "_owner", department_ids)
    rows = _by_month(
        qs,
        "done_at",
        "_owner",
        n=Count("id"),
        good=Count("id", filter=Q(rating__gte=Rating.SATISFIED)),
    )
    return _share(rows, "good", "n")


def survey_csat(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Share of the month's answered surveys whose three scores average 4 or more."""
    qs = _in_span(Survey.objects.filter(answered_at__isnull=False), "answered_at", months)
    qs = _for_departments(qs, "department_id", department_ids)
    # mean of three >= 4  <=>  sum >= 12: integers, so no rounding question.
    total = F("attitude") + F("speed") + F("result")
    rows = _by_month(
        qs.annotate(_total=total),
        "answered_at",
        "department_id",
        n=Count("id"),
        good=Count("id", filter=Q(_total__gte=3 * Rating.SATISFIED)),
    )
    return _share(rows, "good", "n")


def service_cost(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """The month's costs charged to each department (CNY)."""
    from aftersales.field.costs import monthly_department_costs

    costs = monthly_department_costs(department_ids, months[0], months[-1])
    return {(dept, month): amount for (dept, month), amount in costs.items()}


def budget_used(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """The year's costs to the end of each month as a share of the yearly budget."""
    from aftersales.field.costs import department_budgets, monthly_department_costs

    january = months[0].replace(month=1)
    costs = monthly_department_costs(department_ids, january, months[-1])
    budgets = department_budgets(department_ids, {m.year for m in months})
    cells: Cells = {}
    for (dept, year), budget in budgets.items():
        if not budget:
            continue
        for month in months:
            if month.year != year:
                continue
            spent = sum(
                (v for (d, m), v in costs.items() if d == dept and m.year == year and m <= month),
                Decimal("0"),
            )
            cells[(dept, month)] = (spent * 100 / budget).quantize(Decimal("0.1"))
    return cells


def first_response_hours(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Mean hours from receipt to first response, for requests first answered in the month."""
    qs = _in_span(ServiceRequest.objects.all(), "first_response_at", months)
    qs = _for_departments(qs, "department_id", department_ids)
    rows = _by_month(
        qs,
        "first_response_at",
        "department_id",
        mean=Avg(_duration("first_response_at", "received_at")),
    )
    return _hours(rows)


def resolution_hours(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Mean hours from receipt to resolution, for requests resolved in the month."""
    qs = _in_span(ServiceRequest.objects.all(), "resolved_at", months)
    qs = _for_departments(qs, "department_id", department_ids)
    rows = _by_month(
        qs, "resolved_at", "department_id", mean=Avg(_duration("resolved_at", "received_at"))
    )
    return _hours(rows)


def complaint_hours(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Mean hours from receipt to resolution of complaints resolved in the month."""
    qs = _in_span(
        ServiceRequest.objects.filter(request_type=RequestType.COMPLAINT), "resolved_at", months
    )
    qs = _for_departments(qs, "department_id", department_ids)
    rows = _by_month(
        qs, "resolved_at", "department_id", mean=Avg(_duration("resolved_at", "received_at"))
    )
    return _hours(rows)


def sla_compliance(kind: str) -> Any:
    """The compliance function of one SLA target (response, arrival, resolution).

    It reads the dashboard's daily counts (insight's DailyStat, refreshed every ten minutes),
    which count each clock once on the day it was decided — the definition above — so a year
    of compliance is a sum over a few thousand rows instead of a scan of every clock.
    """
    met_field, late_field = f"{kind}_met", f"{kind}_breached"

    def compliance(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
        rows = DailyStat.objects.filter(date__gte=months[0], date__lt=add_months(months[-1], 1))
        if department_ids is not None:
            rows = rows.filter(department_id__in=list(department_ids))
        sums = (
            rows.annotate(_month=TruncMonth("date"))
            .values("department_id", "_month")
            .annotate(ok=Sum(met_field), late=Sum(late_field))
            .order_by()
        )
        cells: Cells = {}
        for row in sums:
            ok, late = row["ok"] or 0, row["late"] or 0
            if ok + late:
                key = (row["department_id"], _month_of(row["_month"]))
                cells[key] = (Decimal(ok) * 100 / (ok + late)).quantize(Decimal("0.1"))
        return cells

    compliance.__doc__ = f"Share of {kind} clocks met in time among those decided in the month."
    return compliance


def first_time_fix(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Share of the month's resolved requests never reopened and with at most one visit."""
    qs = _in_span(ServiceRequest.objects.all(), "resolved_at", months)
    qs = _for_departments(qs, "department_id", department_ids)
    second_visit = Visit.objects.filter(request_id=OuterRef("pk")).exclude(
        status=VisitStatus.CANCELLED
    )[1:2]
    qs = qs.annotate(_again=Exists(second_visit))
    rows = _by_month(
        qs,
        "resolved_at",
        "department_id",
        n=Count("id"),
        fixed=Count("id", filter=Q(reopen_count=0, _again=False)),
    )
    return _share(rows, "fixed", "n")


def repeat_problems(*, department_ids: Collection[int] | None, months: list[dt.date]) -> Cells:
    """Share of the month's requests on a unit and category that repeat an earlier one on
    the same unit and category received within 30 days before."""
    qs = _in_span(
        ServiceRequest.objects.filter(equipment__isnull=False, category__isnull=False),
        "received_at",
        months,
    )
    qs = _for_departments(qs, "department_id", department_ids)
    earlier = ServiceRequest.objects.filter(
        equipment_id=OuterRef("equipment_id"),
        category_id=OuterRef("category_id"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - REPEAT_WINDOW,
    ).exclude(pk=OuterRef("pk"))
    qs = qs.annotate(_repeat=Exists(earlier))
    rows = _by_month(
        qs,
        "received_at",
        "department_id",
        n=Count("id"),
        repeats=Count("id", filter=Q(_repeat=True)),
    )
    return _share(rows, "repeats", "n")


def register_builtins() -> None:
    """Put the built-in KPIs into the registry (called from the app's ready())."""
    from django.utils.translation import gettext_lazy as _

    from aftersales.kpi import registry as r

    r.register(
        "csat",
        _("CSAT (return visits)"),
        csat,
        help=_("Share of return visits rated satisfied or very satisfied."),
    )
    r.register(
        "survey_csat",
        _("CSAT (surveys)"),
        survey_csat,
        help=_("Share of satisfaction surveys whose three scores average 4 or more."),
    )
    r.register(
        "first_response",
        _("Average first response"),
        first_response_hours,
        unit=r.HOURS,
        higher_is_better=False,
        help=_("Hours from receipt to the first response (calendar time)."),
    )
    r.register(
        "resolution",
        _("Average resolution"),
        resolution_hours,
        unit=r.HOURS,
        higher_is_better=False,
        help=_("Hours from receipt to resolution (calendar time)."),
    )
    labels = {
        TargetKind.RESPONSE: _("SLA: response in time"),
        TargetKind.ARRIVAL: _("SLA: arrival in time"),
        TargetKind.RESOLUTION: _("SLA: resolution in time"),
    }
    for kind in TargetKind:
        r.register(
            f"sla_{kind.value}",
            labels[kind],
            sla_compliance(kind.value),
            help=_("Share of promises kept among those met or breached in the month."),
        )
    r.register(
        "first_time_fix",
        _("First-time fix rate"),
        first_time_fix,
        help=_("Resolved requests never reopened and done with at most one site visit."),
    )
    r.register(
        "repeat_problems",
        _("Repeat-problem rate"),
        repeat_problems,
        higher_is_better=False,
        help=_("Requests on the same unit and category as one within the 30 days before."),
    )
    r.register(
        "service_cost",
        _("Service cost"),
        service_cost,
        unit=r.MONEY,
        higher_is_better=False,
        help=_("Labour and parts of effective reports and expenses charged in the month."),
    )
    r.register(
        "budget_used",
        _("Budget used"),
        budget_used,
        higher_is_better=False,
        help=_("The year's costs to the end of the month against the yearly budget."),
    )
    r.register(
        "complaint_resolution",
        _("Complaint resolution time"),
        complaint_hours,
        unit=r.HOURS,
        higher_is_better=False,
        help=_("Hours from receipt to resolution of complaints (calendar time)."),
    )
