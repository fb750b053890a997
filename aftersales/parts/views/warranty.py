"""Pages of warranty decisions (三包一赔) and quotations, and the panels on other pages."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import scope_of
from aftersales.core import panels
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import MultipleFileField, add_service_errors
from aftersales.core.history import history_for
from aftersales.core.services import attachments_of
from aftersales.customers.views.common import warranty_on
from aftersales.parts.models import Part, Quotation, QuotationLine, WarrantyDecision
from aftersales.parts.models.warranty import (
    CONDITIONS,
    LIVE_DECISION,
    DecisionStatus,
    Outcome,
    QuotationStatus,
)
from aftersales.parts.services import warranty as services
from aftersales.service.models import ServiceRequest

PAGE_SIZE = 50


def _staff(request: HttpRequest, perm: str) -> Any:
    """Staff pages: a portal user, or anyone without ``perm``, gets 404."""
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm(perm):
        raise Http404
    return user


def history_rows(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The history of one of this app's objects, labelled for the reader, newest first."""
    from aftersales.core import events

    rows = []
    for entry in history_for(obj)[:limit]:
        text = _("created") if entry.action == "created" else events.label(entry.action)
        rows.append({"at": entry.created_at, "actor": entry.actor, "text": text, "entry": entry})
    return rows


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


# --- Forms ----------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    """The warranty decision for a request: outcome, the rule's conditions, evidence."""

    fault_date = forms.DateField(
        label=gettext_lazy("fault date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("decision"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    cond_defect_endangers = forms.BooleanField(
        label=CONDITIONS["cond_defect_endangers"], required=False
    )
    cond_not_to_spec = forms.BooleanField(label=CONDITIONS["cond_not_to_spec"], required=False)
    cond_irreparable_before_operation = forms.BooleanField(
        label=CONDITIONS["cond_irreparable_before_operation"], required=False
    )
    cond_major_loss = forms.BooleanField(label=CONDITIONS["cond_major_loss"], required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("money involved (CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        help_text=gettext_lazy(
            "Refund, replacement or compensation; for chargeable work the quotation's total."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("reasoning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    evidence = MultipleFileField(label=gettext_lazy("evidence (photos, test records)"))


class ApproveForm(forms.Form):
    """Approve with an optional comment."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RejectForm(ApproveForm):
    """Reject: the reason is required."""

    comment = forms.CharField(
        label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EvidenceForm(forms.Form):
    """More evidence for a decision."""

    evidence = MultipleFileField(label=gettext_lazy("evidence (photos, test records)"))


class LineForm(forms.Form):
    """A quotation line: a part from the catalogue or a described service."""

    part = forms.ModelChoiceField(
        label=gettext_lazy("part"), queryset=Part.objects.filter(is_active=True), required=False
    )
    description = forms.CharField(label=gettext_lazy("description"), max_length=200, required=False)
    quantity = forms.DecimalField(
        label=gettext_lazy("quantity"), max_digits=10, decimal_places=2, initial=1
    )
    unit_price = forms.DecimalField(
        label=gettext_lazy("unit price (CNY)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("Empty: the part's unit cost."),
    )


class OfferForm(forms.Form):
    """Offer the quotation to the customer."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    valid_until = forms.DateField(
        label=gettext_lazy("valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )


class AnswerForm(forms.Form):
    """Staff record the customer's answer to a quotation."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        label=gettext_lazy("the customer's answer"),
        choices=[("1", gettext_lazy("Accepted by the customer")), ("0", gettext_lazy("Declined"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answered_for = forms.CharField(label=gettext_lazy("customer's signatory"), max_length=100)
    comment = forms.CharField(
        label=gettext_lazy("customer's comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class VersionForm(forms.Form):
    """Only the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PortalAnswerForm(forms.Form):
    """The customer's own answer in the portal."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
    comment = forms.CharField(
        label=gettext_lazy("your comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


# --- Decision pages -------------------------------------------------------------------------


def _request_for_decision(request: HttpRequest, pk: int) -> ServiceRequest:
    user = _staff(request, "parts.add_warrantydecision")
    return get_object_or_404(
        ServiceRequest.objects.visible_to(user).select_related(
            "equipment__product_model", "company"
        ),
        pk=pk,
    )


@login_required
def decision_new(request: HttpRequest, request_pk: int) -> HttpResponse:
    """Record the warranty decision for a request on its unit."""
    sr = _request_for_decision(request, request_pk)
    received = timezone.localdate(sr.received_at)
    if request.method == "POST":
        form = DecisionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.propose_decision(
                    actor=request.user,
                    request=sr,
                    outcome=data["outcome"],
                    fault_date=data["fault_date"],
                    conditions={name: data[name] for name in CONDITIONS},
                    reason=data["reason"],
                    amount=data["amount"] or Decimal("0"),
                    evidence=data["evidence"],
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, DjangoPermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
                return redirect("service:detail", pk=sr.pk)
            else:
                messages.success(request, _("The warranty decision is recorded for approval."))
                return redirect("parts:decision-detail", pk=decision.pk)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    else:
        form = DecisionForm(initial={"fault_date": received})
        status = 200
    fault_date = form.cleaned_data.get("fault_date") if form.is_bound and form.is_valid() else None
    day = fault_date or received
    context = {
        "section": "warranty",
        "sr": sr,
        "form": form,
        "fault_day": day,
        "warranty": warranty_on(sr.equipment, day) if sr.equipment else None,
        "condition_fields": [form[name] for name in CONDITIONS],
    }
    return render(request, "parts/warranty_new.html", context, status=status)


def _decision(request: HttpRequest, pk: int) -> WarrantyDecision:
    user = _staff(request, "parts.view_warrantydecision")
    return get_object_or_404(
        WarrantyDecision.objects.visible_to(user).select_related(
            "request__company",
            "request__department",
            "equipment__product_model",
            "decided_by",
            "approved_by",
        ),
        pk=pk,
    )


def _detail(
    request: HttpRequest,
    decision: WarrantyDecision,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    bound = bound or {}
    version = {"version": decision.version}
    quotation = Quotation.objects.filter(decision=decision).first()
    context: dict[str, Any] = {
        "section": "warranty",
        "d": decision,
        "history": history_rows(decision),
        "evidence": list(attachments_of(decision)),
        "may_approve": decision.status == DecisionStatus.PROPOSED
        and services.may_approve(user, decision),
        "evidence_form": bound.get("evidence") or EvidenceForm()
        if user.has_perm("parts.add_warrantydecision")
        else None,
        "quotation": quotation,
    }
    if context["may_approve"]:
        context["approve_form"] = bound.get("approve") or ApproveForm(
            initial=version, prefix="approve"
        )
        context["reject_form"] = bound.get("reject") or RejectForm(initial=version, prefix="reject")
    if quotation is not None:
        q_version = {"version": quotation.version}
        may_edit = user.has_perm("parts.change_quotation")
        context["lines"] = list(quotation.lines.select_related("part"))
        context["quotation_history"] = history_rows(quotation, 30)
        if may_edit and quotation.status == QuotationStatus.DRAFT:
            context["line_form"] = bound.get("line") or LineForm()
            if decision.status == DecisionStatus.APPROVED:
                context["offer_form"] = bound.get("offer") or OfferForm(
                    initial=q_version, prefix="offer"
                )
        if quotation.status == QuotationStatus.OFFERED and user.has_perm("parts.accept_quotation"):
            context["answer_form"] = bound.get("answer") or AnswerForm(
                initial=q_version, prefix="answer"
            )
        if may_edit and quotation.status == QuotationStatus.DECLINED:
            context["revise_form"] = VersionForm(initial=q_version, prefix="revise")
    return render(request, "parts/warranty_detail.html", context, status=status)


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision: the rule, evidence, approval and, when chargeable, its quotation."""
    if request.method != "GET":
        raise Http404
    return _detail(request, _decision(request, pk))


@login_required
def decision_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Approve or reject a decision (POST)."""
    if request.method != "POST" or name not in {"approve", "reject"}:
        raise Http404
    decision = _decision(request, pk)
    form_class = ApproveForm if name == "approve" else RejectForm
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        call = services.approve_decision if name == "approve" else services.reject_decision
        try:
            call(
                actor=request.user,
                decision=decision,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("parts:decision-detail", pk=pk)
        else:
            done = (
                _("The decision is approved.")
                if name == "approve"
                else _("The decision is rejected.")
            )
            messages.success(request, done)
            return redirect("parts:decision-detail", pk=pk)
    messages.error(request, _("Please correct the errors below."))
    return _detail(request, decision, bound={name: form}, status=400)


@login_required
def decision_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Add evidence files to a decision (POST)."""
    if request.method != "POST":
        raise Http404
    decision = _decision(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["evidence"]:
        try:
            for upload in form.cleaned_data["evidence"]:
                services.add_evidence(actor=request.user, decision=decision, upload=upload)
        except DjangoValidationError as exc:
            for messages_ in (
                exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
            ):
                for text in messages_:
                    form.add_error("evidence", text)
        except DjangoPermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("parts:decision-detail", pk=pk)
        else:
            messages.success(request, _("The evidence is attached."))
            return redirect("parts:decision-detail", pk=pk)
    elif form.is_valid():
        form.add_error("evidence", _("Choose at least one file."))
    messages.error(request, _("Please correct the errors below."))
    return _detail(request, decision, bound={"evidence": form}, status=400)


# --- Quotations -----------------------------------------------------------------------------


def _quotation(request: HttpRequest, pk: int) -> Quotation:
    user = _staff(request, "parts.view_quotation")
    return get_object_or_404(Quotation.objects.visible_to(user).select_related("decision"), pk=pk)


@login_required
def quotation_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a line to a draft quotation (POST)."""
    if request.method != "POST":
        raise Http404
    quotation = _quotation(request, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_quotation_line(
                actor=request.user,
                quotation=quotation,
                part=data["part"],
                description=data["description"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("parts:decision-detail", pk=quotation.decision_id)
        else:
            messages.success(request, _("The line is added."))
            return redirect("parts:decision-detail", pk=quotation.decision_id)
    messages.error(request, _("Please correct the errors below."))
    return _detail(
        request, _decision(request, quotation.decision_id), bound={"line": form}, status=400
    )


@login_required
def quotation_line_remove(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    """Remove a line from a draft quotation (POST)."""
    if request.method != "POST":
        raise Http404
    quotation = _quotation(request, pk)
    line = get_object_or_404(QuotationLine, pk=line_pk, quotation=quotation)
    try:
        services.remove_quotation_line(actor=request.user, line=line)
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("The line is removed."))
    return redirect("parts:decision-detail", pk=quotation.decision_id)


@login_required
def quotation_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Offer, record the answer to, or revise a quotation (POST)."""
    forms_ = {"offer": OfferForm, "answer": AnswerForm, "revise": VersionForm}
    if request.method != "POST" or name not in forms_:
        raise Http404
    quotation = _quotation(request, pk)
    form = forms_[name](request.POST, prefix=name)
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "quotation": quotation,
            "expected_version": data["version"],
        }
        try:
            if name == "offer":
                services.offer_quotation(**common, valid_until=data["valid_until"])
            elif name == "answer":
                services.answer_quotation(
                    **common,
                    accept=data["accept"],
                    signatory=data["answered_for"],
                    comment=data["comment"],
                )
            else:
                services.revise_quotation(**common)
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("parts:decision-detail", pk=quotation.decision_id)
        else:
            messages.success(request, _("Done."))
            return redirect("parts:decision-detail", pk=quotation.decision_id)
    messages.error(request, _("Please correct the errors below."))
    return _detail(
        request, _decision(request, quotation.decision_id), bound={name: form}, status=400
    )


@login_required
def portal_quotation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer accepts or declines their own company's quotation in the portal (POST);
    another company's quotation answers 404."""
    scope = scope_of(request.user)
    if request.method != "POST" or not scope.is_portal:
        raise Http404
    quotation = get_object_or_404(
        Quotation.objects.visible_to(request.user).select_related("decision"), pk=pk
    )
    sr_pk = quotation.decision.request_id
    form = PortalAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return redirect("portal:detail", pk=sr_pk)
    try:
        services.answer_quotation(
            actor=request.user,
            quotation=quotation,
            expected_version=form.cleaned_data["version"],
            accept=form.cleaned_data["accept"],
            comment=form.cleaned_data["comment"],
        )
    except (DjangoValidationError, Conflict, DjangoPermissionDenied) as exc:
        text = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [str(exc)]))
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("Thank you: the quotation is accepted and work can start.")
            if form.cleaned_data["accept"]
            else _("You declined the quotation; we will contact you."),
        )
    return redirect("portal:detail", pk=sr_pk)


# --- Lists and reports ----------------------------------------------------------------------


class DecisionFilter(forms.Form):
    """Filters of the decision list."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("decision"),
        choices=[("", gettext_lazy("All decisions")), *Outcome.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        choices=[("", gettext_lazy("Any status")), *DecisionStatus.choices],
        required=False,
    )


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    """Warranty decisions, newest first, with their request, unit and approval."""
    user = _staff(request, "parts.view_warrantydecision")
    form = DecisionFilter(request.GET or None)
    rows = WarrantyDecision.objects.visible_to(user).select_related(
        "request", "equipment", "product_model", "decided_by", "approved_by"
    )
    query = ""
    if form.is_valid():
        if form.cleaned_data["outcome"]:
            rows = rows.filter(outcome=form.cleaned_data["outcome"])
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        query = "&".join(f"{k}={v}" for k, v in form.cleaned_data.items() if v)
    page = _page_number(request)
    chunk = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "section": "warranty",
        "form": form,
        "decisions": chunk[:PAGE_SIZE],
        "page": page,
        "more": len(chunk) > PAGE_SIZE,
        "base_query": query,
    }
    if request.headers.get("HX-Request") and request.GET.get("partial") == "rows":
        return render(request, "parts/warranty_rows.html", context)
    return render(request, "parts/warranty_list.html", context)


def _report_rows(user: Any, year: int) -> list[dict[str, Any]]:
    """Approved decisions of ``year`` per product model and month: count and money per
    outcome (one grouped query)."""
    grouped = (
        WarrantyDecision.objects.visible_to(user)
        .filter(status=DecisionStatus.APPROVED, decided_at__year=year)
        .annotate(month=TruncMonth("decided_at"))
        .values("product_model__code", "month", "outcome")
        .annotate(n=Count("id"), money=Sum("amount"))
        .order_by("product_model__code", "month", "outcome")
    )
    table: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for row in grouped:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        key = (row["product_model__code"], month)
        entry = table.setdefault(
            key,
            {
                "model": key[0],
                "month": month,
                "counts": defaultdict(int),
                "money": defaultdict(lambda: Decimal("0")),
                "total": 0,
                "total_money": Decimal("0"),
            },
        )
        entry["counts"][row["outcome"]] += row["n"]
        entry["money"][row["outcome"]] += row["money"] or Decimal("0")
        entry["total"] += row["n"]
        entry["total_money"] += row["money"] or Decimal("0")
    out = []
    for entry in table.values():
        entry["cells"] = [
            (entry["counts"].get(o, 0), entry["money"].get(o, Decimal("0"))) for o in Outcome.values
        ]
        out.append(entry)
    return out


@login_required
def decision_report(request: HttpRequest) -> HttpResponse:
    """Approved decisions per product model and month, with an export."""
    user = _staff(request, "parts.view_warrantydecision")
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else this_year
    rows = _report_rows(user, year)
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        from aftersales.insight.exports import table_response

        header = [_("Product model"), _("Month")]
        for _value, label in Outcome.choices:
            header += [f"{label} · {_('count')}", f"{label} · {_('money (CNY)')}"]
        header += [_("Total count"), _("Total money (CNY)")]
        table = []
        for r in rows:
            line: list[Any] = [r["model"], r["month"].strftime("%Y-%m")]
            for count, money in r["cells"]:
                line += [count, float(money)]
            line += [r["total"], float(r["total_money"])]
            table.append(line)
        return table_response(
            fmt, header, table, f"warranty-decisions-{year}", _("Warranty decisions")
        )
    context = {
        "section": "warranty",
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "rows": rows,
        "outcomes": Outcome.choices,
        "sum_count": sum(r["total"] for r in rows),
        "sum_money": sum((r["total_money"] for r in rows), Decimal("0")),
    }
    return render(request, "parts/warranty_report.html", context)


# --- Panels on the request, unit and portal pages -------------------------------------------


def _request_panel(request: HttpRequest, sr: ServiceRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.has_perm("parts.view_warrantydecision"):
        return None
    decisions = list(
        WarrantyDecision.objects.filter(request=sr)
        .select_related("decided_by", "approved_by")
        .order_by("-decided_at", "-id")
    )
    live = next((d for d in decisions if d.status in LIVE_DECISION), None)
    quotation = Quotation.objects.filter(decision=live).first() if live else None
    day = timezone.localdate(sr.received_at)
    from aftersales.parts.models import SupplierNotice

    notices = (
        list(SupplierNotice.objects.filter(request=sr).select_related("supplier"))
        if user.has_perm("parts.view_suppliernotice")
        else []
    )
    return {
        "sr": sr,
        "decisions": decisions,
        "live": live,
        "quotation": quotation,
        "warranty": warranty_on(sr.equipment, day) if sr.equipment else None,
        "fault_day": day,
        "may_decide": live is None
        and sr.equipment_id is not None
        and user.has_perm("parts.add_warrantydecision"),
        "notices": notices,
        "may_notify": user.has_perm("parts.add_suppliernotice"),
    }


def _unit_panel(request: HttpRequest, unit: Any) -> dict[str, Any] | None:
    from aftersales.field.choices import ReportStatus
    from aftersales.field.models import ReportPart

    user: Any = request.user
    parts_used = list(
        ReportPart.objects.filter(
            report__status=ReportStatus.EFFECTIVE,
            report__request__equipment=unit,
            report__request__in=ServiceRequest.objects.visible_to(user).values("pk"),
        )
        .select_related("part", "report__request")
        .order_by("-report__effective_at", "-id")[:100]
    )
    decisions = (
        list(
            WarrantyDecision.objects.visible_to(user)
            .filter(equipment=unit)
            .select_related("request", "decided_by", "approved_by")[:50]
        )
        if user.has_perm("parts.view_warrantydecision")
        else []
    )
    return {
        "unit": unit,
        "warranty": warranty_on(unit, timezone.localdate()),
        "parts_used": parts_used,
        "decisions": decisions,
        "may_decisions": user.has_perm("parts.view_warrantydecision"),
    }


def _portal_panel(request: HttpRequest, sr: ServiceRequest) -> dict[str, Any] | None:
    quotation = (
        Quotation.objects.visible_to(request.user)
        .filter(decision__request=sr, decision__status__in=LIVE_DECISION)
        .select_related("decision")
        .first()
    )
    if quotation is None:
        return None
    return {
        "quotation": quotation,
        "lines": list(quotation.lines.all()),
        "may_answer": quotation.status == QuotationStatus.OFFERED,
    }


def connect() -> None:
    """Wire warranty and supplier hooks into the request, unit and portal pages."""
    from aftersales.parts.services import suppliers

    services.connect()
    suppliers.connect()
    panels.register(
        panels.REQUEST,
        panels.Panel("warranty", "parts/warranty_request_panel.html", _request_panel, 40),
    )
    panels.register(
        panels.UNIT, panels.Panel("warranty", "parts/warranty_unit_panel.html", _unit_panel, 40)
    )
    panels.register(
        panels.PORTAL_REQUEST,
        panels.Panel("quotation", "parts/warranty_portal_panel.html", _portal_panel, 40),
    )
