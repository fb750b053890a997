"""Expense and reimbursement-claim pages: record an expense with receipts, list them, claim
them against an effective report, and decide and pay claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.roles import scope_of
from aftersales.core import events
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.core.models import Attachment
from aftersales.core.services import attachments_of
from aftersales.field.models import ServiceReport
from aftersales.field.models.costs import ClaimLine, ClaimStatus, Expense, ReimbursementClaim
from aftersales.field.services import costs as services
from aftersales.field.views import cost_forms as forms
from aftersales.field.views.costs import PAGE_SIZE, _page_number, require_costs
from aftersales.service.models import ServiceRequest

CLAIM_ACTIONS: dict[str, Callable[..., ReimbursementClaim]] = {
    "approve": services.approve_claim,
    "reject": services.reject_claim,
    "pay": services.mark_claim_paid,
}


def _request(user: Any, pk: int) -> ServiceRequest:
    if scope_of(user).is_portal:
        raise Http404
    return get_object_or_404(
        ServiceRequest.objects.visible_to(user).select_related("company"), pk=pk
    )


def _history(obj: Any, created: str) -> list[dict[str, Any]]:
    """History rows of an expense or claim in the reader's language, statuses by label."""
    rows = []
    for entry in history_for(obj)[:30]:
        text = created if entry.action == "created" else events.label(entry.action)
        change = (entry.changes or {}).get("status")
        if isinstance(change, list) and len(change) == 2 and set(change) <= set(ClaimStatus):
            text += f" ({ClaimStatus(change[0]).label} → {ClaimStatus(change[1]).label})"
        rows.append({"entry": entry, "text": text})
    return rows


def _receipt_counts(ids: list[int]) -> dict[str, int]:
    rows = (
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Expense),
            object_id__in=[str(i) for i in ids],
        )
        .order_by()
        .values("object_id")
        .annotate(n=Count("id"))
    )
    return {r["object_id"]: r["n"] for r in rows}


# --- Expenses -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def expense_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record an expense paid for a request, with its receipts."""
    user: Any = request.user
    require_costs(user, "field.add_expense")
    obj = _request(user, pk)
    form = forms.ExpenseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                expense = services.add_expense(
                    actor=user,
                    request=obj,
                    kind=data["kind"],
                    amount=data["amount"],
                    spent_on=data["spent_on"],
                    description=data["description"],
                    receipts=data["receipts"],
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except DjangoPermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _saved(expense))
                return redirect("service:detail", pk=obj.pk)
        messages.error(request, _error())
    status = 400 if form.is_bound else 200
    return render(
        request,
        "field/expense_form.html",
        {"section": "expenses", "obj": obj, "form": form},
        status=status,
    )


def _saved(expense: Expense) -> str:
    return _("Expense of ¥%(amount)s recorded.") % {"amount": expense.amount}


def _error() -> str:
    return _("Please correct the errors below.")


@login_required
@require_GET
def expense_list(request: HttpRequest) -> HttpResponse:
    """The expenses the user may see: their own, or their departments' for managers."""
    user: Any = request.user
    require_costs(user, "field.view_expense")
    mine = request.GET.get("mine") == "1" or not user.has_perm("field.view_costs")
    expenses = Expense.objects.visible_to(user)
    if mine:
        expenses = expenses.filter(engineer=user)
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        expenses.select_related("engineer", "request")
        .annotate(claimed=Count("claim_lines", filter=Q(claim_lines__live=True)))
        .order_by("-spent_on", "-id")[start : start + PAGE_SIZE + 1]
    )
    receipts = _receipt_counts([e.pk for e in rows[:PAGE_SIZE]])
    for expense in rows:
        expense.receipt_count = receipts.get(str(expense.pk), 0)  # type: ignore[attr-defined]
    return render(
        request,
        "field/expense_list.html",
        {
            "section": "expenses",
            "expenses": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page": page,
            "mine": mine,
            "may_all": user.has_perm("field.view_costs"),
            "base_query": "mine=1&" if mine else "",
        },
    )


def _expense(user: Any, pk: int) -> Expense:
    require_costs(user, "field.view_expense")
    return get_object_or_404(
        Expense.objects.visible_to(user).select_related("engineer", "request", "department"),
        pk=pk,
    )


def _expense_page(
    request: HttpRequest, expense: Expense, form: forms.ReceiptForm | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    lines = list(
        ClaimLine.objects.filter(expense=expense).select_related("claim").order_by("-claim_id")
    )
    editable = expense.engineer_id == user.pk and not any(line.live for line in lines)
    return render(
        request,
        "field/expense_detail.html",
        {
            "section": "expenses",
            "expense": expense,
            "receipts": list(attachments_of(expense)),
            "lines": lines,
            "editable": editable,
            "removable": editable and not lines,
            "form": form or forms.ReceiptForm(),
            "history": _history(expense, _("Expense recorded")),
        },
        status=status,
    )


@login_required
@require_GET
def expense_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An expense: its receipts, the claims it was in and its history."""
    return _expense_page(request, _expense(request.user, pk))


@login_required
@require_POST
def expense_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Add receipts to one's own expense."""
    expense = _expense(request.user, pk)
    form = forms.ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            for upload in form.cleaned_data["receipts"]:
                services.add_receipt(actor=request.user, expense=expense, upload=upload)
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("field:expense-detail", pk=pk)
        else:
            return redirect("field:expense-detail", pk=pk)
    messages.error(request, _error())
    return _expense_page(request, expense, form, status=400)


@login_required
@require_POST
def expense_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an expense recorded by mistake."""
    expense = _expense(request.user, pk)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.remove_expense(
            actor=request.user, expense=expense, expected_version=form.cleaned_data["version"]
        )
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("field:expense-detail", pk=pk)
    messages.success(request, _("The expense is withdrawn."))
    return redirect("service:detail", pk=expense.request_id)


# --- Claims ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Claim one's expenses on a request against its effective service report."""
    user: Any = request.user
    require_costs(user, "field.add_reimbursementclaim")
    obj = _request(user, pk)
    reports = (
        ServiceReport.objects.filter(request=obj)
        .filter(Q(author=user) | Q(labour__engineer=user))
        .distinct()
        .order_by("-created_at")
    )
    expenses = (
        Expense.objects.filter(request=obj, engineer=user)
        .exclude(claim_lines__live=True)
        .order_by("spent_on", "id")
    )
    form = forms.ClaimForm(request.POST or None, reports=reports, expenses=expenses)
    if request.method == "POST":
        if form.is_valid():
            try:
                claim = services.submit_claim(
                    actor=user,
                    report=form.cleaned_data["report"],
                    expenses=list(form.cleaned_data["expenses"]),
                    note=form.cleaned_data["note"],
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except DjangoPermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request, _("Claim %(number)s submitted.") % {"number": claim.number}
                )
                return redirect("field:claim-detail", pk=claim.pk)
        messages.error(request, _error())
    return render(
        request,
        "field/claim_form.html",
        {"section": "expenses", "obj": obj, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    """Claims the user may see; managers start with those waiting for their decision."""
    user: Any = request.user
    require_costs(user, "field.view_reimbursementclaim")
    status = request.GET.get("status", "")
    claims = ReimbursementClaim.objects.visible_to(user)
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        claims.select_related("claimant", "request", "department").order_by("-created_at", "-id")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return render(
        request,
        "field/claim_list.html",
        {
            "section": "expenses",
            "claims": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "base_query": f"status={status}&" if status else "",
        },
    )


def _claim(user: Any, pk: int) -> ReimbursementClaim:
    require_costs(user, "field.view_reimbursementclaim")
    return get_object_or_404(
        ReimbursementClaim.objects.visible_to(user).select_related(
            "claimant", "request__company", "report", "department", "decided_by", "paid_by"
        ),
        pk=pk,
    )


def _claim_page(
    request: HttpRequest,
    claim: ReimbursementClaim,
    bound: dict[str, forms.DecisionForm | forms.VersionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    lines = list(
        ClaimLine.objects.filter(claim=claim)
        .select_related("expense")
        .order_by("expense__spent_on")
    )
    receipts: dict[str, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Expense),
        object_id__in=[str(line.expense_id) for line in lines],
    ):
        receipts.setdefault(attachment.object_id, []).append(attachment)
    rows = [{"line": line, "receipts": receipts.get(str(line.expense_id), [])} for line in lines]
    bound = bound or {}
    initial = {"version": claim.version}
    decide = services.may_decide(user, claim)
    pay = services.may_pay(user, claim)
    return render(
        request,
        "field/claim_detail.html",
        {
            "section": "expenses",
            "claim": claim,
            "rows": rows,
            "history": _history(claim, _("Claim submitted")),
            "decide_form": bound.get("decide")
            or (forms.DecisionForm(initial=initial) if decide else None),
            "pay_form": bound.get("pay") or (forms.VersionForm(initial=initial) if pay else None),
        },
        status=status,
    )


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim: its expenses and receipts, its decision, payment and history."""
    return _claim_page(request, _claim(request.user, pk))


@login_required
@require_POST
def claim_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, reject or pay a claim."""
    claim = _claim(request.user, pk)
    call = CLAIM_ACTIONS.get(action)
    if call is None:
        raise Http404
    form: forms.DecisionForm | forms.VersionForm = (
        forms.VersionForm(request.POST) if action == "pay" else forms.DecisionForm(request.POST)
    )
    key = "pay" if action == "pay" else "decide"
    if not form.is_valid():
        messages.error(request, _error())
        return _claim_page(request, claim, {key: form}, status=400)
    extra = {} if action == "pay" else {"comment": form.cleaned_data["comment"]}
    try:
        call(
            actor=request.user,
            claim=claim,
            expected_version=form.cleaned_data["version"],
            **extra,
        )
    except DjangoValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, _error())
        return _claim_page(request, claim, {key: form}, status=400)
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return _claim_page(request, _claim(request.user, pk), status=409)
    messages.success(request, _("The claim is updated."))
    return redirect("field:claim-detail", pk=pk)
