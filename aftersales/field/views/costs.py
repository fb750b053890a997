"""Cost pages: the cost report (by request, customer, engineer, month) with budgets and its
CSV/XLSX export, the budgets page, grades and rates, and the request page's cost panel.

Costs are internal: every page answers 404 to portal users and to staff without the
permission, and every figure starts from the cost querysets' ``visible_to``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.accounts.models import Department
from aftersales.accounts.roles import scope_of
from aftersales.core import events, panels
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.field import costs
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ServiceReport
from aftersales.field.models.costs import (
    EngineerGrade,
    Expense,
    Grade,
    GradeRate,
    ReimbursementClaim,
)
from aftersales.field.services import costs as services
from aftersales.field.views import cost_forms as forms
from aftersales.insight.exports import FORMATS, table_response

PAGE_SIZE = 50


def require_costs(user: Any, perm: str = "field.view_costs") -> None:
    """Staff pages of costs: portal users and staff without ``perm`` get a 404."""
    if scope_of(user).is_portal or not user.has_perm(perm):
        raise Http404


def _departments(user: Any) -> Any:
    scope = scope_of(user)
    departments = Department.objects.filter(is_active=True).order_by("code")
    return departments if scope.sees_all else departments.filter(pk__in=scope.department_ids)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


# --- The cost report ------------------------------------------------------------------------


def _export_rows(report: costs.CostReport) -> tuple[list[str], list[list[Any]]]:
    header = [
        str(costs.DIMENSIONS[report.dimension]),
        _("Detail"),
        _("Hours"),
        _("Labour"),
        _("Parts"),
        _("Expenses"),
        _("Total"),
    ]
    rows: list[list[Any]] = [
        [
            r.label,
            r.detail,
            r.figures.hours,
            r.figures.labour,
            r.figures.parts,
            r.figures.expenses,
            r.figures.total,
        ]
        for r in report.rows
    ]
    t = report.total
    rows.append([_("Total"), "", t.hours, t.labour, t.parts, t.expenses, t.total])
    # Exports keep money exact: Decimal as text with two places, never a float.
    return header, [[str(v) if not isinstance(v, str) else v for v in row] for row in rows]


@login_required
@require_GET
def cost_report(request: HttpRequest) -> HttpResponse:
    """Costs of a year or a month by request, customer, engineer or month, with budgets."""
    user: Any = request.user
    require_costs(user)
    departments = _departments(user)
    today = timezone.localdate()
    form = forms.ReportFilterForm(
        request.GET or None, departments=departments, initial={"year": today.year}
    )
    values: dict[str, Any] = {"by": "request", "year": today.year, "month": None}
    values["department"] = None
    if form.is_bound and form.is_valid():
        values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    elif form.is_bound:
        messages.error(request, _("Please correct the errors below."))
    page = _page_number(request)
    fmt = request.GET.get("format", "")
    paged = fmt not in FORMATS
    report = costs.cost_report(
        user,
        dimension=values["by"],
        year=values["year"],
        month=values["month"],
        department=values["department"],
        limit=PAGE_SIZE + 1 if paged else None,
        offset=(page - 1) * PAGE_SIZE if paged else 0,
    )
    if not paged:
        header, rows = _export_rows(report)
        suffix = f"-{values['month']:02d}" if values["month"] else ""
        return table_response(
            fmt,
            header,
            rows,
            f"costs-{values['by']}-{values['year']}{suffix}",
            title=_("Costs"),
        )
    lines = costs.budget_lines(user, values["year"])
    if values["department"] is not None:
        lines = [b for b in lines if b.department.pk == values["department"].pk]
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    context = {
        "section": "costs",
        "form": form,
        "report": report,
        "rows": report.rows[:PAGE_SIZE],
        "more": len(report.rows) > PAGE_SIZE,
        "page": page,
        "base_query": query.urlencode(),
        "values": values,
        "dimension_label": costs.DIMENSIONS[values["by"]],
        "budget_lines": lines,
    }
    return render(request, "field/cost_report.html", context)


# --- Budgets --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def budgets(request: HttpRequest) -> HttpResponse:
    """Departments' yearly budgets and their consumption; directors set them here."""
    user: Any = request.user
    require_costs(user)
    raw = request.GET.get("year") or request.POST.get("year") or ""
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    may_edit = user.has_perm("field.change_departmentbudget")
    bound: dict[int, forms.BudgetForm] = {}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        department = get_object_or_404(_departments(user), pk=request.POST.get("department"))
        form = forms.BudgetForm(request.POST, prefix=f"d{department.pk}")
        if form.is_valid():
            try:
                services.set_budget(
                    actor=user,
                    department=department,
                    year=year,
                    amount=form.cleaned_data["amount"],
                    expected_version=form.cleaned_data["version"],
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, DjangoPermissionDenied) as exc:
                form.add_error(None, getattr(exc, "message", None) or str(exc))
            else:
                messages.success(
                    request,
                    _("The budget of %(department)s for %(year)s is saved.")
                    % {"department": department.display_name, "year": year},
                )
                return redirect(f"{request.path}?year={year}")
        bound[department.pk] = form
        messages.error(request, _("Please correct the errors below."))
        status = 400
    rows = []
    for line in costs.budget_lines(user, year):
        row_form = bound.get(line.department.pk)
        if row_form is None and may_edit:
            row_form = forms.BudgetForm(
                prefix=f"d{line.department.pk}",
                initial={
                    "amount": line.budget.amount if line.budget else None,
                    "version": line.budget.version if line.budget else None,
                },
            )
        rows.append({"line": line, "form": row_form})
    context = {
        "section": "costs",
        "year": year,
        "years": [year - 1, year, year + 1],
        "rows": rows,
        "may_edit": may_edit,
    }
    return render(request, "field/cost_budgets.html", context, status=status)


# --- Grades and rates -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def grades(request: HttpRequest) -> HttpResponse:
    """Engineer grades, their hourly rates over time and who holds which grade."""
    user: Any = request.user
    require_costs(user, "field.view_grade")
    may_edit = user.has_perm("field.manage_rates")
    grade_form = forms.GradeForm(prefix="grade")
    rate_form = forms.RateForm(prefix="rate")
    engineer_form = forms.EngineerGradeForm(prefix="eng")
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        which = request.POST.get("form", "")
        try:
            if which == "grade":
                grade_form = forms.GradeForm(request.POST, prefix="grade")
                if grade_form.is_valid():
                    services.create_grade(actor=user, **grade_form.cleaned_data)
                    messages.success(request, _("The grade is added."))
                    return redirect("field:cost-grades")
            elif which == "rate":
                rate_form = forms.RateForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    services.set_hourly_rate(actor=user, **rate_form.cleaned_data)
                    messages.success(request, _("The new rate is saved."))
                    return redirect("field:cost-grades")
            elif which == "engineer":
                engineer_form = forms.EngineerGradeForm(request.POST, prefix="eng")
                if engineer_form.is_valid():
                    services.set_engineer_grade(actor=user, **engineer_form.cleaned_data)
                    messages.success(request, _("The engineer's grade is saved."))
                    return redirect("field:cost-grades")
            else:
                raise Http404
        except DjangoValidationError as exc:
            target = {"grade": grade_form, "rate": rate_form, "engineer": engineer_form}[which]
            add_service_errors(target, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("field:cost-grades")
        messages.error(request, _("Please correct the errors below."))
        status = 400
    today = timezone.localdate()
    all_rates = list(
        GradeRate.objects.select_related("created_by").order_by("grade_id", "-effective_from")
    )
    by_grade: dict[int, list[GradeRate]] = {}
    for rate in all_rates:
        by_grade.setdefault(rate.grade_id, []).append(rate)
    rows = []
    for grade in Grade.objects.annotate(n=Count("engineers")).order_by("code"):
        rates = by_grade.get(grade.pk, [])
        current = next((r for r in rates if r.effective_from <= today), None)
        rows.append({"grade": grade, "rates": rates, "current": current})
    context = {
        "section": "costs",
        "rows": rows,
        "engineers": list(
            EngineerGrade.objects.select_related("engineer__department", "grade").order_by(
                "grade__code", "engineer__username"
            )
        ),
        "may_edit": may_edit,
        "grade_form": grade_form,
        "rate_form": rate_form,
        "engineer_form": engineer_form,
    }
    return render(request, "field/cost_grades.html", context, status=status)


# --- The request page's panel ---------------------------------------------------------------


def _panel_context(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """The request's costs for staff who may see them; the user's own expenses and claims
    for engineers. Hidden from portal users and from staff with neither."""
    user: Any = request.user
    scope = scope_of(user)
    if scope.is_portal or not user.has_perm("field.view_expense"):
        return None
    sees_costs = user.has_perm("field.view_costs")
    expenses = list(
        Expense.objects.visible_to(user)
        .filter(request=obj)
        .select_related("engineer")
        .annotate(
            claimed=Count("claim_lines", filter=Q(claim_lines__live=True)),
        )
        .order_by("-spent_on", "-id")[:20]
    )
    claims = list(
        ReimbursementClaim.objects.visible_to(user)
        .filter(request=obj)
        .select_related("claimant")
        .order_by("-created_at")[:10]
    )
    may_add = user.has_perm("field.add_expense")
    on_reports = ServiceReport.objects.filter(request=obj, status=ReportStatus.EFFECTIVE).filter(
        Q(author=user) | Q(labour__engineer=user)
    )
    open_own = [e for e in expenses if e.engineer_id == user.pk and not e.claimed]
    may_claim = (
        user.has_perm("field.add_reimbursementclaim") and bool(open_own) and on_reports.exists()
    )
    return {
        "figures": costs.request_figures(user, obj) if sees_costs else None,
        "expenses": expenses,
        "claims": claims,
        "may_add": may_add,
        "may_claim": may_claim,
        "unclaimed_without_report": bool(open_own) and not may_claim,
    }


def register_panels() -> None:
    """The cost panel of the staff request page (never on the portal's request page), and
    the names of the history actions of costs."""
    events.register(
        {
            "claim_approved": gettext_lazy("Claim approved"),
            "claim_rejected": gettext_lazy("Claim rejected"),
            "claim_paid": gettext_lazy("Claim paid"),
            "rate_set": gettext_lazy("Hourly rate set"),
            "labour_priced": gettext_lazy("Labour priced"),
        }
    )
    panels.register(
        panels.REQUEST,
        panels.Panel(
            key="costs", template="field/cost_panel.html", context=_panel_context, order=80
        ),
    )
