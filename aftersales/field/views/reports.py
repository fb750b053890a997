"""Service-report pages: the list, the review list, the report page with its actions, the PDF,
and the public confirmation page of the one-time link."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.core.pdf import pdf_response, render_pdf
from aftersales.field.choices import ReportStatus
from aftersales.field.forms import reports as forms
from aftersales.field.models import ServiceReport, Visit
from aftersales.field.services import reports as svc
from aftersales.service.models import ServiceRequest

PAGE_SIZE = 50
S = ReportStatus
ACTION_LABELS = {
    "created": gettext_lazy("Report opened"),
    "updated": gettext_lazy("Draft saved"),
    "submit": gettext_lazy("Submitted to the customer"),
    "withdraw": gettext_lazy("Taken back to draft"),
    "confirmation_sent": gettext_lazy("Confirmation link and code sent"),
    "code_rejected": gettext_lazy("Wrong confirmation code entered"),
    "customer_confirm": gettext_lazy("Confirmed by the customer"),
    "return": gettext_lazy("Sent back by the manager"),
    "sign_off": gettext_lazy("Signed off: effective"),
    "supersede": gettext_lazy("Superseded by a revision"),
    "revision_started": gettext_lazy("Correcting revision started"),
    "reviewed": gettext_lazy("Reviewed by management"),
}


def _report_qs(user: Any) -> Any:
    return ServiceReport.objects.visible_to(user).select_related(
        "request__company",
        "request__contact",
        "request__equipment__product_model",
        "request__site",
        "request__department",
        "author",
        "manager",
        "reviewer",
        "visit",
        "revises",
    )


def _visible(request: HttpRequest, pk: int) -> ServiceReport:
    user: Any = request.user
    if not user.has_perm("field.view_servicereport"):
        raise Http404
    return get_object_or_404(_report_qs(user), pk=pk)


def _staff_only(request: HttpRequest) -> None:
    if scope_of(request.user).is_portal:
        raise Http404


def _data_url(png: bytes | memoryview | None) -> str:
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(png)).decode()


# --- Lists ----------------------------------------------------------------------------------


def _filtered(request: HttpRequest, rows: Any) -> tuple[forms.ReportFilterForm, Any]:
    form = forms.ReportFilterForm(request.GET or None)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            rows = rows.filter(
                Q(number__icontains=q)
                | Q(request__company__name__icontains=q)
                | Q(request__company__name_en__icontains=q)
                | Q(request__number__icontains=q)
            )
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["review_state"]:
            rows = rows.filter(review_state=form.cleaned_data["review_state"])
    return form, rows


def _listing(
    request: HttpRequest, rows: Any, *, template_title: str, section: str, review: bool
) -> HttpResponse:
    form, rows = _filtered(request, rows)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    chunk = list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": chunk[:PAGE_SIZE],
        "more": len(chunk) > PAGE_SIZE,
        "page": page,
        "query": (query.urlencode() + "&") if query else "",
        "title": template_title,
        "section": section,
        "review": review,
    }
    template = "field/report_rows.html" if request.htmx else "field/report_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Every service report the user may see, newest first, with filters."""
    _staff_only(request)
    user: Any = request.user
    if not user.has_perm("field.view_servicereport"):
        raise Http404
    return _listing(
        request,
        _report_qs(user),
        template_title=_("Service reports"),
        section="reports",
        review=False,
    )


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Reports returned from the field for management to review (not yet reviewed first)."""
    _staff_only(request)
    user: Any = request.user
    if not user.has_perm("field.review_servicereport"):
        raise Http404
    rows = _report_qs(user).filter(status__in=sorted(svc.REVIEWABLE))
    if "review_state" not in request.GET:
        rows = rows.filter(review_state="not_reviewed")
    return _listing(
        request, rows, template_title=_("Management review"), section="reports", review=True
    )


# --- The report page ------------------------------------------------------------------------


def _engineer_choices(report: ServiceReport) -> Any:
    ids = {report.author_id}
    if report.request.owner_id:
        ids.add(report.request.owner_id)
    if report.visit_id:
        ids |= set(report.visit.engineers.values_list("pk", flat=True))  # type: ignore[union-attr]
    q = Q(pk__in=ids)
    if report.request.department_id:
        q |= Q(department_id=report.request.department_id, groups__name="engineer")
    return User.objects.filter(q, is_active=True).distinct().order_by("username")


def _formsets(
    report: ServiceReport, data: Any = None
) -> tuple[forms.BaseLineFormSet, forms.BaseLineFormSet]:
    labour_initial = [
        {"engineer": row.engineer_id, "hours": row.hours}
        for row in report.labour.all().order_by("id")
    ]
    part_initial = [
        {"part": row.part_id, "quantity": row.quantity, "old_serial": row.old_serial}
        for row in report.parts.all().order_by("id")
    ]
    labour = forms.LabourFormSet(
        data,
        prefix="labour",
        initial=None if data else labour_initial,
        choices=_engineer_choices(report),
        choice_field="engineer",
    )
    parts = forms.PartFormSet(
        data,
        prefix="parts",
        initial=None if data else part_initial,
        choices=svc.compatible_parts(report),
        choice_field="part",
    )
    return labour, parts


def _page(
    request: HttpRequest,
    report: ServiceReport,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    bound = bound or {}
    initial = {"version": report.version}
    engineer = svc.is_report_engineer(user, report)
    manager = svc.can_sign_off(user, report)
    editing = engineer and report.status == S.DRAFT
    context: dict[str, Any] = {
        "report": report,
        "labour": list(report.labour.select_related("engineer").order_by("id")),
        "parts": list(report.parts.select_related("part").order_by("id")),
        "history": [
            {"entry": e, "label": ACTION_LABELS.get(e.action, e.action)}
            for e in history_for(report).order_by("-created_at", "-id")[:50]
        ],
        "customer_signature": _data_url(report.customer_signature),
        "manager_signature": _data_url(report.manager_signature),
        "revisions": list(
            ServiceReport.objects.filter(number=report.number)
            .exclude(pk=report.pk)
            .order_by("revision")
        ),
        "editing": editing,
        "engineer": engineer,
        "manager": manager,
        "portal": scope_of(user).is_portal,
    }
    if editing:
        context["text_form"] = bound.get("edit") or forms.ReportTextForm(
            initial={**initial, **{f: getattr(report, f) for f in svc.EDITABLE}}
        )
        context["labour_set"], context["parts_set"] = bound.get("formsets") or _formsets(report)
    if engineer and report.status == S.DRAFT:
        context["submit_form"] = forms.VersionForm(initial=initial)
    if engineer and report.status == S.AWAITING_CUSTOMER:
        context["sign_form"] = bound.get("sign") or forms.SignatureForm(
            initial={
                **initial,
                "signer_name": report.request.contact.name if report.request.contact else "",
            }
        )
        context["code_form"] = bound.get("code") or forms.CodeForm(
            initial={
                **initial,
                "signer_name": report.request.contact.name if report.request.contact else "",
            }
        )
        context["withdraw_form"] = forms.VersionForm(initial=initial)
        context["open_link"] = (
            report.confirmations.filter(used_at__isnull=True, revoked_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
    if manager and report.status == S.AWAITING_MANAGER:
        context["signoff_form"] = bound.get("sign-off") or forms.SignOffForm(initial=initial)
        context["return_form"] = bound.get("return") or forms.ReturnForm(initial=initial)
    if (
        engineer
        and report.status == S.EFFECTIVE
        and not ServiceReport.objects.filter(revises=report).exists()
    ):
        context["revise_form"] = forms.VersionForm(initial=initial)
    if svc.can_review(user, report) and report.status in svc.REVIEWABLE:
        context["review_form"] = bound.get("review") or forms.ReviewForm(
            initial={
                **initial,
                "review_state": report.review_state
                if report.review_state != "not_reviewed"
                else "ok",
                "review_comment": report.review_comment,
            }
        )
    return render(request, "field/report_detail.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its text, lines, signatures, history and the actions the user may take."""
    _staff_only(request)
    return _page(request, _visible(request, pk))


@login_required
@require_POST
def report_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a draft report for a request, from the request page's panel."""
    user: Any = request.user
    if scope_of(user).is_portal:
        raise Http404
    obj = get_object_or_404(ServiceRequest.objects.visible_to(user), pk=pk)
    visit = None
    raw = request.POST.get("visit", "")
    if raw.isdigit():
        visit = get_object_or_404(Visit.objects.filter(request=obj), pk=int(raw))
    try:
        report = svc.create_report(actor=user, request=obj, visit=visit)
    except (DjangoPermissionDenied, DjangoValidationError) as exc:
        messages.error(request, _messages(exc))
        return redirect("service:detail", pk=pk)
    messages.success(request, _("Report %(number)s opened.") % {"number": report.number})
    return redirect("field:report-detail", pk=report.pk)


def _messages(exc: Exception) -> str:
    if isinstance(exc, DjangoValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc) or _("You do not have permission to do this.")


def _lines(labour_set: Any, parts_set: Any) -> tuple[list[Any], list[Any]]:
    labour = [
        svc.LabourLine(f.cleaned_data["engineer"], f.cleaned_data["hours"])
        for f in labour_set.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    parts = [
        svc.PartLine(
            f.cleaned_data["part"], f.cleaned_data["quantity"], f.cleaned_data["old_serial"]
        )
        for f in parts_set.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    return labour, parts


@login_required
@require_POST
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the draft: text, hours and parts."""
    _staff_only(request)
    report = _visible(request, pk)
    form = forms.ReportTextForm(request.POST)
    labour_set, parts_set = _formsets(report, request.POST)
    if form.is_valid() and labour_set.is_valid() and parts_set.is_valid():
        labour, parts = _lines(labour_set, parts_set)
        try:
            svc.save_draft(
                actor=request.user,
                report=report,
                expected_version=form.cleaned_data["version"],
                data={f: form.cleaned_data[f] for f in svc.EDITABLE},
                labour=labour,
                parts=parts,
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, _messages(exc))
            return redirect("field:report-detail", pk=pk)
        else:
            messages.success(request, _("The report is saved."))
            return redirect("field:report-detail", pk=pk)
    messages.error(request, _("Please correct the errors below."))
    return _page(
        request, report, bound={"edit": form, "formsets": (labour_set, parts_set)}, status=400
    )


def _act(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.VersionForm],
    key: str,
    call: Any,
    done: str,
    args: Any = None,
) -> HttpResponse:
    _staff_only(request)
    report = _visible(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = call(
                actor=request.user,
                report=report,
                expected_version=form.cleaned_data["version"],
                **(args(form.cleaned_data) if args else {}),
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, _messages(exc))
            return redirect("field:report-detail", pk=pk)
        else:
            messages.success(request, done)
            target = result.pk if isinstance(result, ServiceReport) else pk
            return redirect("field:report-detail", pk=target)
    messages.error(request, _("Please correct the errors below."))
    return _page(request, report, bound={key: form}, status=400)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the draft to the customer for confirmation."""
    return _act(
        request,
        pk,
        form_class=forms.VersionForm,
        key="submit",
        call=svc.submit_report,
        done=_("The report now awaits the customer's confirmation."),
    )


@login_required
@require_POST
def report_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to draft for corrections."""
    return _act(
        request,
        pk,
        form_class=forms.VersionForm,
        key="withdraw",
        call=svc.withdraw_report,
        done=_("The report is a draft again."),
    )


@login_required
@require_POST
def report_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's signature drawn on the engineer's device."""
    return _act(
        request,
        pk,
        form_class=forms.SignatureForm,
        key="sign",
        call=svc.sign_by_customer,
        done=_("The customer's signature is recorded."),
        args=lambda d: {"signer_name": d["signer_name"], "signature": d["signature"]},
    )


@login_required
@require_POST
def report_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The code the customer received, typed by the engineer."""
    return _act(
        request,
        pk,
        form_class=forms.CodeForm,
        key="code",
        call=svc.confirm_by_code,
        done=_("The customer's confirmation is recorded."),
        args=lambda d: {"code": d["code"], "signer_name": d["signer_name"]},
    )


@login_required
@require_POST
def report_send_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the one-time link and code to the request's contact."""
    _staff_only(request)
    report = _visible(request, pk)
    try:
        sent = svc.send_confirmation(actor=request.user, report=report)
    except (DjangoValidationError, Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, _messages(exc))
    else:
        messages.success(
            request,
            _("A confirmation link and code were sent to %(name)s.")
            % {"name": sent.confirmation.contact.name},
        )
    return redirect("field:report-detail", pk=pk)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager sends the report back to the engineer."""
    return _act(
        request,
        pk,
        form_class=forms.ReturnForm,
        key="return",
        call=svc.return_to_engineer,
        done=_("The report is back with the engineer."),
        args=lambda d: {"reason": d["reason"]},
    )


@login_required
@require_POST
def report_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """The department manager signs the report off: it becomes effective."""
    return _act(
        request,
        pk,
        form_class=forms.SignOffForm,
        key="sign-off",
        call=svc.sign_off,
        done=_("The report is signed off and effective."),
        args=lambda d: {"signature": d["signature"]},
    )


@login_required
@require_POST
def report_revise(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a correcting revision of an effective report."""
    return _act(
        request,
        pk,
        form_class=forms.VersionForm,
        key="revise",
        call=lambda actor, report, expected_version: svc.revise_report(actor=actor, report=report),
        done=_("A new revision is open for corrections."),
    )


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Management's review of the report."""
    return _act(
        request,
        pk,
        form_class=forms.ReviewForm,
        key="review",
        call=svc.review_report,
        done=_("The review is saved."),
        args=lambda d: {"state": d["review_state"], "comment": d["review_comment"]},
    )


# --- PDF and the public confirmation page ---------------------------------------------------

COPIES = ("company", "customer", "archive")


def pdf_context(report: ServiceReport) -> dict[str, Any]:
    """What the printed report shows (three copies of the same content)."""
    from django.utils.translation import pgettext

    labels = {
        "company": pgettext("report copy", "Company copy"),
        "customer": pgettext("report copy", "Customer copy"),
        "archive": pgettext("report copy", "Archive copy"),
    }
    labour = list(report.labour.select_related("engineer").order_by("id"))
    return {
        "report": report,
        "copies": [labels[c] for c in COPIES],
        "labour": labour,
        "total_hours": sum((row.hours for row in labour), start=0),
        "parts": list(report.parts.select_related("part").order_by("id")),
        "customer_signature": _data_url(report.customer_signature),
        "manager_signature": _data_url(report.manager_signature),
    }


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report in three labelled copies; portal users get their company's effective ones."""
    report = _visible(request, pk)
    content = render_pdf("field/pdf/report.html", pdf_context(report), request)
    name = f"{report.number}-r{report.revision}.pdf"
    return pdf_response(content, name)


@require_http_methods(["GET", "POST"])
def report_confirm_public(request: HttpRequest, token: str) -> HttpResponse:
    """The page of the one-time link: the report read-only, and a button to confirm it."""
    confirmation = svc.confirmation_for_token(token)
    if confirmation is None:
        raise Http404
    report = confirmation.report
    usable = svc._usable(confirmation)
    form = forms.PublicConfirmForm(
        request.POST or None, initial={"signer_name": confirmation.contact.name}
    )
    if request.method == "POST" and usable and form.is_valid():
        try:
            svc.confirm_by_link(
                token=token,
                signer_name=form.cleaned_data["signer_name"],
                actor=request.user if request.user.is_authenticated else None,
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, _messages(exc))
        else:
            done = {
                "report": report,
                "done": True,
                "company_name": settings.AFTERSALES_COMPANY_NAME,
            }
            return render(request, "field/report_confirm_public.html", done)
    context = {
        "report": report,
        "company_name": settings.AFTERSALES_COMPANY_NAME,
        "form": form,
        "usable": usable,
        "labour": list(report.labour.select_related("engineer").order_by("id")),
        "parts": list(report.parts.select_related("part").order_by("id")),
    }
    status = 200 if usable else 410
    return render(request, "field/report_confirm_public.html", context, status=status)


# --- Panels on the request pages ------------------------------------------------------------


def request_panel(request: HttpRequest, obj: ServiceRequest) -> dict[str, Any] | None:
    """The request page's panel: its reports and the button to write one."""
    user: Any = request.user
    if not user.has_perm("field.view_servicereport"):
        return None
    reports = list(
        ServiceReport.objects.visible_to(user)
        .filter(request=obj)
        .select_related("author")
        .order_by("number", "revision")
    )
    visits = list(
        Visit.objects.filter(request=obj).prefetch_related("engineers").order_by("-window_start")
    )
    on_visit = any(user.pk in {e.pk for e in v.engineers.all()} for v in visits)
    can_write = user.has_perm("field.add_servicereport") and (obj.owner_id == user.pk or on_visit)
    return {"reports": reports, "visits": visits, "can_write": can_write}


def portal_panel(request: HttpRequest, obj: ServiceRequest) -> dict[str, Any] | None:
    """The portal request page's panel: the effective reports, to download (never costs)."""
    reports = list(
        ServiceReport.objects.visible_to(request.user).filter(request=obj).order_by("number")
    )
    return {"reports": reports} if reports else None
