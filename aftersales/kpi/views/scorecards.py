"""The monthly scorecards: the list of a month, one card with the lines behind each number,
the month's compute / review / lock, and the XLSX and PDF exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.models import Department
from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.history import history_for
from aftersales.core.pdf import pdf_response, render_pdf
from aftersales.insight.exports import table_response
from aftersales.kpi.choices import LineKind, PeriodStatus
from aftersales.kpi.models import Scorecard, ScoreLine, ScorePeriod
from aftersales.kpi.querysets import managed_department_ids
from aftersales.kpi.services import scoring
from aftersales.kpi.services.months import previous_month
from aftersales.kpi.views.kpis import may_view_kpis


def may_see_scores(user: Any) -> bool:
    """Staff with scorecards to see (their own at least); never a portal user."""
    return not scope_of(user).is_portal and user.has_perm("kpi.view_scorecard")


def _require_scores(user: Any) -> None:
    if not may_see_scores(user):
        raise Http404


def _month(request: HttpRequest) -> tuple[dt.date, str | None]:
    raw = request.GET.get("month", "")
    if not raw:
        return previous_month(timezone.localdate()), None
    try:
        return scoring.parse_month(raw), None
    except DjangoValidationError as exc:
        return previous_month(timezone.localdate()), "; ".join(exc.messages)


def _departments(user: Any) -> list[Department]:
    managed = managed_department_ids(user)
    qs = Department.objects.all() if managed is None else Department.objects.filter(pk__in=managed)
    return list(qs.order_by("name"))


def _cards(user: Any, month: dt.date, department_id: int | None) -> list[Scorecard]:
    qs = Scorecard.objects.visible_to(user).filter(month=month)
    if department_id is not None:
        qs = qs.filter(period__department_id=department_id)
    return list(
        qs.select_related("engineer", "period__department", "rule_set").order_by(
            "period__department__name", "-points", "engineer__username"
        )
    )


def _department_param(request: HttpRequest, departments: list[Department]) -> int | None:
    raw = request.GET.get("department", "")
    ids = {d.pk for d in departments}
    return int(raw) if raw.isdigit() and int(raw) in ids else None


def _header() -> list[str]:
    return [
        _("Engineer"),
        _("Department"),
        _("Return visits"),
        _("Very satisfied"),
        _("Dissatisfied or worse"),
        _("Praises"),
        _("Points"),
        _("Orders paid"),
        _("Bonus (CNY)"),
        _("Rules"),
    ]


def _row(card: Scorecard) -> list[Any]:
    return [
        card.engineer.display_name,
        card.period.department.display_name,
        card.visits,
        card.very_satisfied,
        card.dissatisfied,
        card.praises,
        card.points,
        card.orders_paid,
        float(card.bonus),
        f"v{card.rule_set.version}",
    ]


@login_required
@require_GET
def scorecard_list(request: HttpRequest) -> HttpResponse:
    """A month's scorecards the user may see, and the month's state per department."""
    user: Any = request.user
    _require_scores(user)
    month, month_error = _month(request)
    departments = _departments(user)
    department_id = _department_param(request, departments)
    cards = _cards(user, month, department_id)
    periods = list(
        ScorePeriod.objects.visible_to(user)
        .filter(month=month)
        .select_related("department", "rule_set", "reviewed_by", "locked_by")
        .order_by("department__name")
    )
    known = {p.department_id for p in periods}
    context = {
        "section": "performance",
        "month": month,
        "month_value": f"{month:%Y-%m}",
        "month_error": month_error,
        "cards": cards,
        "periods": periods,
        "uncomputed": [d for d in departments if d.pk not in known],
        "departments": departments,
        "department_id": department_id,
        "may_compute": user.has_perm("kpi.compute_scoreperiod"),
        "may_review": user.has_perm("kpi.review_scoreperiod"),
        "may_lock": user.has_perm("kpi.lock_scoreperiod"),
        "statuses": PeriodStatus,
        "show_kpis": may_view_kpis(user),
    }
    return render(request, "kpi/scorecard_list.html", context)


@login_required
@require_GET
def scorecard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The month's visible scorecards as XLSX or PDF."""
    user: Any = request.user
    _require_scores(user)
    month, _error = _month(request)
    department_id = _department_param(request, _departments(user))
    cards = _cards(user, month, department_id)
    name = f"scorecards-{month:%Y-%m}"
    if fmt == "xlsx":
        rows = [_row(c) for c in cards]
        return table_response("xlsx", _header(), rows, name, title=_("Scorecards"))
    if fmt == "pdf":
        content = render_pdf(
            "kpi/pdf/scorecards.html",
            {"month": month, "cards": cards, "header": _header(), "rows": [_row(c) for c in cards]},
            request,
        )
        return pdf_response(content, f"{name}.pdf")
    raise Http404


def _card(user: Any, pk: int) -> Scorecard:
    return get_object_or_404(
        Scorecard.objects.visible_to(user).select_related(
            "engineer", "period__department", "rule_set"
        ),
        pk=pk,
    )


def _lines(card: Scorecard) -> dict[str, list[ScoreLine]]:
    lines = (
        ScoreLine.objects.filter(card=card)
        .select_related("return_visit", "request")
        .order_by("kind", "return_visit__done_at", "id")
    )
    grouped: dict[str, list[ScoreLine]] = {kind.value: [] for kind in LineKind}
    for line in lines:
        grouped[line.kind].append(line)
    return grouped


@login_required
@require_GET
def scorecard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One card: each number with the return visits and orders behind it."""
    user: Any = request.user
    _require_scores(user)
    card = _card(user, pk)
    grouped = _lines(card)
    sections = [
        {"kind": kind, "label": kind.label, "lines": grouped[kind.value]} for kind in LineKind
    ]
    return render(
        request,
        "kpi/scorecard_detail.html",
        {"section": "performance", "card": card, "sections": sections, "kinds": LineKind},
    )


@login_required
@require_GET
def scorecard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One card printed, with its lines."""
    user: Any = request.user
    _require_scores(user)
    card = _card(user, pk)
    grouped = _lines(card)
    sections = [
        {"label": kind.label, "lines": grouped[kind.value]}
        for kind in LineKind
        if grouped[kind.value]
    ]
    content = render_pdf("kpi/pdf/scorecard.html", {"card": card, "sections": sections}, request)
    return pdf_response(content, f"scorecard-{card.month:%Y-%m}-{card.engineer.username}.pdf")


@login_required
@require_GET
def period_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who computed, reviewed and locked a department's month, and when."""
    user: Any = request.user
    _require_scores(user)
    period = get_object_or_404(
        ScorePeriod.objects.visible_to(user).select_related("department"), pk=pk
    )
    return render(
        request,
        "kpi/period_history.html",
        {"section": "performance", "period": period, "entries": list(history_for(period))},
    )


def _back(month: dt.date) -> HttpResponse:
    return redirect(f"{reverse('kpi:scorecards')}?month={month:%Y-%m}")


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    """Compute (or recompute) the drafts of a month for one department."""
    user: Any = request.user
    _require_scores(user)
    try:
        month = scoring.parse_month(request.POST.get("month", ""))
    except DjangoValidationError as exc:
        messages.error(request, _("Month: %(error)s") % {"error": "; ".join(exc.messages)})
        return redirect("kpi:scorecards")
    raw = request.POST.get("department", "")
    department = Department.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    if department is None:
        messages.error(request, _("Department: choose a department."))
        return _back(month)
    try:
        scoring.compute_month(actor=user, month=month, department=department)
    except Conflict as exc:
        messages.error(request, exc.message)
    except DjangoValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The scorecards of %(department)s for %(month)s are computed.")
            % {"department": department.display_name, "month": f"{month:%Y-%m}"},
        )
    return _back(month)


def _move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user: Any = request.user
    _require_scores(user)
    period = get_object_or_404(ScorePeriod.objects.visible_to(user), pk=pk)
    raw = request.POST.get("version", "")
    expected = int(raw) if raw.isdigit() else None
    service = scoring.review_period if action == "review" else scoring.lock_period
    try:
        period = service(actor=user, period=period, expected_version=expected)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(department)s %(month)s is now %(status)s.")
            % {
                "department": period.department.display_name,
                "month": f"{period.month:%Y-%m}",
                "status": period.get_status_display(),
            },
        )
    return _back(period.month)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The department manager has reviewed the month's drafts."""
    return _move(request, pk, "review")


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lock a reviewed month for good."""
    return _move(request, pk, "lock")
