"""The manager dashboard and the export of each of its charts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.accounts.roles import scope_of
from aftersales.insight.charts import CHART_KEYS, Dashboard
from aftersales.insight.exports import FORMATS, table_response
from aftersales.insight.forms import DEFAULT_PERIOD, DashboardFilterForm
from aftersales.insight.queries import dashboard_departments, may_view_dashboard
from aftersales.insight.stats import company_today


def _filter_form(request: HttpRequest) -> DashboardFilterForm:
    user: Any = request.user
    if not may_view_dashboard(user):
        # The page does not exist for other roles (the menu does not show it either).
        raise Http404
    data = request.GET.copy()
    data.setdefault("period", DEFAULT_PERIOD)
    return DashboardFilterForm(
        data,
        departments=dashboard_departments(user),
        sees_all=scope_of(user).sees_all,
        today=company_today(),
    )


def _query(form: DashboardFilterForm) -> str:
    """The valid filters as a query string, for the export links."""
    data = form.cleaned_data
    params: dict[str, Any] = {"period": data["period"]}
    if data["period"] == "custom":
        params.update(start=data["start"].isoformat(), end=data["end"].isoformat())
    if data.get("department") is not None:
        params["department"] = data["department"]
    return urlencode(params)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Charts of open work, SLA compliance, backlog, workload and intake, filtered by period
    and department; each with the table of its numbers and CSV/XLSX downloads."""
    form = _filter_form(request)
    context: dict[str, Any] = {"section": "dashboard", "form": form}
    if form.is_valid():
        filters = form.filters()
        board = Dashboard(request.user, filters, form.departments)
        charts = board.charts()
        context.update(
            filters=filters,
            summary=board.summary(),
            charts=charts,
            query=_query(form),
            data={"charts": {c.key: c.script_data() for c in charts}},
        )
    return render(request, "insight/dashboard.html", context)


@login_required
@require_GET
def export(request: HttpRequest, chart: str, fmt: str) -> HttpResponse:
    """One chart's numbers as CSV or XLSX, with the dashboard's filters (every row: the
    workload lists every engineer, not only the top ones the page shows)."""
    form = _filter_form(request)
    if chart not in CHART_KEYS or fmt not in FORMATS:
        raise Http404
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    filters = form.filters()
    built = Dashboard(request.user, filters, form.departments).chart(chart, full=True)
    name = f"dashboard-{chart}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if filters.department_id is not None:
        name += f"-d{filters.department_id}"
    return table_response(fmt, built.header, built.rows, name, title=built.title)
