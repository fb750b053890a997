"""Pages of suppliers (with their service scores) and supplier service notices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.pdf import pdf_response
from aftersales.core.services import attachments_of
from aftersales.parts.models import Supplier, SupplierNotice
from aftersales.parts.models.suppliers import OPEN_NOTICE, CostBearer, NoticeStatus
from aftersales.parts.services import suppliers as services
from aftersales.parts.views.warranty import PAGE_SIZE, _page_number, _staff, history_rows
from aftersales.service.models import ServiceRequest

# --- Forms ----------------------------------------------------------------------------------


class SupplierForm(forms.ModelForm):
    """A supplier's name and contact details."""

    class Meta:
        model = Supplier
        fields = ["name", "name_en", "contact_name", "phone", "email", "is_active"]

    def validate_unique(self) -> None:
        """The service checks the name (with a field-named error)."""


class NoticeForm(forms.Form):
    """What the supplier is told in writing (seed: problem, model, quantity, site, contact,
    deadline, cost)."""

    supplier = forms.ModelChoiceField(
        label=gettext_lazy("supplier"), queryset=Supplier.objects.none()
    )
    request_number = forms.CharField(
        label=gettext_lazy("service request"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("The request number, e.g. SR-2026-000123 (optional)."),
    )
    problem = forms.CharField(
        label=gettext_lazy("device problem"), widget=forms.Textarea(attrs={"rows": 3})
    )
    model = forms.CharField(label=gettext_lazy("model"), max_length=100)
    quantity = forms.IntegerField(label=gettext_lazy("quantity"), min_value=1, initial=1)
    site_address = forms.CharField(
        label=gettext_lazy("site address"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Empty: the request's site."),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("contact name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Empty: the request's contact."),
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("contact phone"), max_length=32, required=False
    )
    required_by = forms.DateField(
        label=gettext_lazy("to be solved by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cost_bearer = forms.ChoiceField(label=gettext_lazy("cost borne by"), choices=CostBearer.choices)
    cost_note = forms.CharField(
        label=gettext_lazy("cost arrangement"), max_length=255, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            is_active=True
        )


class VersionForm(forms.Form):
    """The version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RespondForm(VersionForm):
    """The supplier's answer."""

    response = forms.CharField(
        label=gettext_lazy("supplier's response"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SolveForm(VersionForm):
    """How it was solved, and the supplier's rating."""

    outcome = forms.CharField(
        label=gettext_lazy("outcome"), widget=forms.Textarea(attrs={"rows": 3})
    )
    quality = forms.TypedChoiceField(
        label=gettext_lazy("service quality (1–5)"),
        choices=[(str(i), str(i)) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )


class CancelForm(VersionForm):
    """Why the notice is no longer needed."""

    reason = forms.CharField(label=gettext_lazy("reason for cancelling"), max_length=255)


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "send": VersionForm,
    "respond": RespondForm,
    "solve": SolveForm,
    "cancel": CancelForm,
}
ACTION_LABELS = {
    "send": gettext_lazy("Send to the supplier"),
    "respond": gettext_lazy("Record the response"),
    "solve": gettext_lazy("Solved: rate the supplier"),
    "cancel": gettext_lazy("Cancel the notice"),
}


# --- Suppliers ------------------------------------------------------------------------------


@login_required
def supplier_list(request: HttpRequest) -> HttpResponse:
    """Suppliers with their service record: notices, on-time share, average quality; a form
    to add one; CSV/Excel export of the scores."""
    user = _staff(request, "parts.view_supplier")
    scores = services.supplier_scores(user)
    fmt = request.GET.get("format", "")
    if fmt in {"csv", "xlsx"}:
        from aftersales.insight.exports import table_response

        header = [
            _("Supplier"),
            _("Notices"),
            _("Open"),
            _("Overdue"),
            _("Solved"),
            _("On time (%)"),
            _("Average quality"),
        ]
        rows = [
            [
                s.supplier.name,
                s.notices,
                s.open,
                s.overdue,
                s.solved,
                s.on_time_percent,
                s.quality,
            ]
            for s in scores
        ]
        return table_response(fmt, header, rows, "supplier-scores", _("Suppliers"))
    form = None
    if user.has_perm("parts.add_supplier"):
        form = SupplierForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.create_supplier(actor=user, data=form.cleaned_data)
                except DjangoValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("The supplier is added."))
                    return redirect("parts:supplier-list")
            messages.error(request, _("Please correct the errors below."))
    elif request.method == "POST":
        raise Http404
    context = {"section": "supplier-notices", "scores": scores, "form": form}
    return render(
        request, "parts/supplier_list.html", context, status=400 if form and form.errors else 200
    )


@login_required
def supplier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a supplier's name or contact details."""
    user = _staff(request, "parts.change_supplier")
    supplier = get_object_or_404(Supplier.objects.visible_to(user), pk=pk)
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST":
        version = request.POST.get("version", "")
        if form.is_valid() and version.isdigit():
            try:
                services.update_supplier(
                    actor=user,
                    supplier=supplier,
                    expected_version=int(version),
                    changes={k: form.cleaned_data[k] for k in form.changed_data},
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("parts:supplier-edit", pk=pk)
            else:
                messages.success(request, _("The supplier is saved."))
                return redirect("parts:supplier-list")
        messages.error(request, _("Please correct the errors below."))
    supplier.refresh_from_db()
    context = {"section": "supplier-notices", "supplier": supplier, "form": form}
    return render(request, "parts/supplier_edit.html", context, status=400 if form.errors else 200)


# --- Notices --------------------------------------------------------------------------------


class NoticeFilter(forms.Form):
    """Filters of the notice list."""

    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        choices=[
            ("", gettext_lazy("Any status")),
            ("open", gettext_lazy("Open")),
            *NoticeStatus.choices,
        ],
        required=False,
    )
    overdue = forms.BooleanField(label=gettext_lazy("overdue only"), required=False)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """Supplier notices, newest first; open overdue ones marked."""
    user = _staff(request, "parts.view_suppliernotice")
    form = NoticeFilter(request.GET or None)
    rows = SupplierNotice.objects.visible_to(user).select_related("supplier", "request")
    today = timezone.localdate()
    query = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if status == "open":
            rows = rows.filter(status__in=OPEN_NOTICE)
        elif status:
            rows = rows.filter(status=status)
        if form.cleaned_data["overdue"]:
            rows = rows.filter(status__in=OPEN_NOTICE, required_by__lt=today)
        query = "&".join(
            f"{k}={'on' if v is True else v}" for k, v in form.cleaned_data.items() if v
        )
    page = _page_number(request)
    chunk = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    context = {
        "section": "supplier-notices",
        "form": form,
        "notices": chunk[:PAGE_SIZE],
        "page": page,
        "more": len(chunk) > PAGE_SIZE,
        "base_query": query,
        "today": today,
        "open_statuses": OPEN_NOTICE,
    }
    if request.headers.get("HX-Request") and request.GET.get("partial") == "rows":
        return render(request, "parts/supplier_notice_rows.html", context)
    return render(request, "parts/supplier_notice_list.html", context)


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """Write a notice to a supplier, optionally for a request."""
    user = _staff(request, "parts.add_suppliernotice")
    initial: dict[str, Any] = {}
    linked = None
    raw = request.GET.get("request", "")
    if raw.isdigit():
        linked = ServiceRequest.objects.visible_to(user).filter(pk=int(raw)).first()
        if linked is not None:
            initial["request_number"] = linked.number
            if linked.equipment_id:
                initial["model"] = linked.equipment.product_model.code  # type: ignore[union-attr]
    form = NoticeForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            number = data.pop("request_number").strip().upper()
            if number:
                data["request"] = (
                    ServiceRequest.objects.visible_to(user).filter(number=number).first()
                )
                if data["request"] is None:
                    form.add_error("request_number", _("No request with this number."))
            if not form.errors:
                try:
                    notice = services.create_notice(actor=user, data=data)
                except DjangoValidationError as exc:
                    errors = (
                        exc.message_dict
                        if hasattr(exc, "error_dict")
                        else {"__all__": exc.messages}
                    )
                    if "request" in errors:
                        errors["request_number"] = errors.pop("request")
                    add_service_errors(form, DjangoValidationError(errors))
                else:
                    messages.success(request, _("The notice is written. Check it, then send it."))
                    return redirect("parts:notice-detail", pk=notice.pk)
        messages.error(request, _("Please correct the errors below."))
    context = {"section": "supplier-notices", "form": form, "linked": linked}
    return render(
        request, "parts/supplier_notice_new.html", context, status=400 if form.errors else 200
    )


def _notice(request: HttpRequest, pk: int) -> SupplierNotice:
    user = _staff(request, "parts.view_suppliernotice")
    return get_object_or_404(
        SupplierNotice.objects.visible_to(user).select_related(
            "supplier", "request", "created_by", "sent_by", "rated_by"
        ),
        pk=pk,
    )


def _notice_page(
    request: HttpRequest,
    notice: SupplierNotice,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    initial = {"version": notice.version}
    actions = []
    for name in services.allowed_actions(user, notice):
        form = (bound or {}).get(name) or ACTION_FORMS[name](initial=initial, prefix=name)
        actions.append(
            {
                "name": name,
                "label": ACTION_LABELS[name],
                "form": form,
                "simple": set(form.fields) == {"version"},
            }
        )
    context = {
        "section": "supplier-notices",
        "n": notice,
        "actions": actions,
        "files": list(attachments_of(notice)),
        "history": history_rows(notice),
        "overdue": notice.status in OPEN_NOTICE and notice.required_by < timezone.localdate(),
    }
    return render(request, "parts/supplier_notice_detail.html", context, status=status)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice: what the supplier was told, their response, the outcome and rating."""
    if request.method != "GET":
        raise Http404
    return _notice_page(request, _notice(request, pk))


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as a PDF: a preview while drafted; once sent, the copy that was sent."""
    notice = _notice(request, pk)
    if notice.status != NoticeStatus.DRAFT:
        sent = attachments_of(notice).filter(mime_type="application/pdf").first()
        if sent is not None:
            return redirect(reverse("attachment-download", args=[sent.key]) + "?inline=1")
    content = services.notice_pdf(notice, request)
    return pdf_response(content, services.notice_filename(notice), inline=True)


@login_required
def notice_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Send, record a response, solve and rate, or cancel a notice (POST)."""
    if request.method != "POST" or name not in ACTION_FORMS:
        raise Http404
    notice = _notice(request, pk)
    form = ACTION_FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        data = form.cleaned_data
        common = {"actor": request.user, "notice": notice, "expected_version": data["version"]}
        try:
            if name == "send":
                services.send_notice(**common, http_request=request)
            elif name == "respond":
                services.record_response(**common, response=data["response"])
            elif name == "solve":
                services.solve_notice(**common, outcome=data["outcome"], quality=data["quality"])
            else:
                services.cancel_notice(**common, reason=data["reason"])
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("parts:notice-detail", pk=pk)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[name]})
            return redirect("parts:notice-detail", pk=pk)
    messages.error(request, _("Please correct the errors below."))
    return _notice_page(request, notice, bound={name: form}, status=400)
