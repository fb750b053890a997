"""Department KPIs: the last 12 months of every registered indicator, charted and tabled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.accounts.models import Department
from aftersales.accounts.roles import scope_of
from aftersales.insight.charts import Chart
from aftersales.insight.exports import table_response
from aftersales.kpi import registry
from aftersales.kpi.querysets import managed_department_ids
from aftersales.kpi.services.months import first_of, last_months
from aftersales.kpi.services.scoring import parse_month

MONTHS = 12
UNITS = {registry.PERCENT: "%", registry.HOURS: "h", registry.MONEY: "¥", registry.NUMBER: ""}


def may_view_kpis(user: Any) -> bool:
    """Managers of a department, directors and executives; never a portal user."""
    return (
        not scope_of(user).is_portal
        and user.has_perm("kpi.view_department_kpis")
        and managed_department_ids(user) != frozenset()
    )


def _departments(user: Any) -> list[Department]:
    managed = managed_department_ids(user)
    qs = Department.objects.all() if managed is None else Department.objects.filter(pk__in=managed)
    return list(qs.order_by("name"))


class _Board:
    """The KPI numbers of some departments over 12 months, computed once."""

    def __init__(
        self, departments: list[Department], months: list[dt.date], *, every: bool
    ) -> None:
        self.months = months
        self.indicators = registry.indicators()
        # Every department: no IN list, so each KPI is one plain grouped scan.
        self.cells = registry.compute(None if every else [d.pk for d in departments], months)
        # "All departments" charts the ones with any number: purchasing and sales would
        # only add empty lines to every chart.
        with_data = {dept for cells in self.cells.values() for (dept, _m) in cells}
        shown = [d for d in departments if d.pk in with_data]
        self.departments = shown if len(departments) > 1 and shown else departments

    def chart(self, indicator: registry.Indicator) -> Chart:
        labels = [f"{m:%Y-%m}" for m in self.months]
        cells = self.cells[indicator.key]
        series = [
            {
                "name": d.display_name,
                "data": [registry.rounded(cells.get((d.pk, m))) for m in self.months],
            }
            for d in self.departments
        ]
        unit = UNITS[indicator.unit]
        return Chart(
            key=indicator.key,
            title=f"{indicator.label} ({unit})" if unit else str(indicator.label),
            kind="line",
            categories=labels,
            series=series,
            header=[_("Month"), *[d.display_name for d in self.departments]],
            rows=[
                [label, *[registry.rounded(cells.get((d.pk, m))) for d in self.departments]]
                for label, m in zip(labels, self.months, strict=True)
            ],
            percent=indicator.unit == registry.PERCENT,
            note=str(indicator.help),
        )

    def table(self) -> tuple[list[str], list[list[Any]]]:
        """One row per department and month, one column per KPI (the export)."""
        header = [_("Department"), _("Month")]
        header += [f"{i.label} ({UNITS[i.unit]})".replace(" ()", "") for i in self.indicators]
        rows = []
        for d in self.departments:
            for m in self.months:
                row: list[Any] = [d.display_name, f"{m:%Y-%m}"]
                row += [registry.rounded(self.cells[i.key].get((d.pk, m))) for i in self.indicators]
                rows.append(row)
        return header, rows


def _board(request: HttpRequest) -> tuple[_Board, dict[str, Any]]:
    user: Any = request.user
    if not may_view_kpis(user):
        raise Http404
    departments = _departments(user)
    raw = request.GET.get("department", "")
    chosen = [d for d in departments if str(d.pk) == raw] or departments
    error = None
    end = first_of(timezone.localdate())
    if request.GET.get("month"):
        try:
            end = parse_month(request.GET["month"])
        except DjangoValidationError as exc:
            error = "; ".join(exc.messages)
    months = last_months(end, MONTHS)
    every = managed_department_ids(user) is None and len(chosen) == len(departments)
    return _Board(chosen, months, every=every), {
        "departments": departments,
        "department_id": chosen[0].pk if len(chosen) == 1 else None,
        "month_value": f"{end:%Y-%m}",
        "month_error": error,
    }


@login_required
@require_GET
def kpi_page(request: HttpRequest) -> HttpResponse:
    """Charts of each KPI over the last 12 months, one line per department, with tables."""
    board, context = _board(request)
    charts = [board.chart(i) for i in board.indicators]
    query = request.GET.urlencode()
    return render(
        request,
        "kpi/kpis.html",
        {
            **context,
            "section": "performance",
            "charts": charts,
            "query": query,
            "data": {"charts": {c.key: c.script_data() for c in charts}},
        },
    )


@login_required
@require_GET
def kpi_export(request: HttpRequest) -> HttpResponse:
    """Every KPI per department and month as XLSX."""
    board, context = _board(request)
    header, rows = board.table()
    name = f"kpis-{context['month_value']}"
    return table_response("xlsx", header, rows, name, title=_("Department KPIs"))
