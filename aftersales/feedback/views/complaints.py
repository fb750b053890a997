"""Complaint pages (the three steps, the departments' parts, the opinion form and its PDF)
and suggestion pages (routing and the department's answer)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.core.pdf import pdf_response, render_pdf
from aftersales.feedback import forms
from aftersales.feedback.choices import ComplaintStep, SuggestionStatus
from aftersales.feedback.models import Complaint, ComplaintPart, ReturnVisit, Suggestion
from aftersales.feedback.services import complaints as service
from aftersales.feedback.services.common import in_department
from aftersales.service.choices import RequestType
from aftersales.service.models import ServiceRequest

PAGE_SIZE = 50


def _staff(request: HttpRequest, perm: str) -> Any:
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm(perm):
        raise Http404
    return user


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    """Complaints by step; the 24-hour confirmation shown for each."""
    user = _staff(request, "feedback.view_complaint")
    step = request.GET.get("step", "")
    queryset = Complaint.objects.visible_to(user).select_related(
        "request", "request__company", "request__owner"
    )
    if step == "open":
        queryset = queryset.exclude(step=ComplaintStep.DONE)
    elif step in ComplaintStep.values:
        queryset = queryset.filter(step=step)
    page = _page(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset.order_by("-created_at", "-id")[start : start + PAGE_SIZE + 1])
    return render(
        request,
        "feedback/complaint_list.html",
        {
            "section": "complaints",
            "rows": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page": page,
            "step": step,
            "steps": ComplaintStep.choices,
        },
    )


def _complaint_request(user: Any, pk: int) -> ServiceRequest:
    visible = ServiceRequest.objects.visible_to(user).filter(pk=pk)
    parts = Complaint.objects.visible_to(user).filter(request_id=pk)
    if not visible.exists() and not parts.exists():
        raise Http404
    return get_object_or_404(
        ServiceRequest.objects.select_related("company", "contact", "owner", "department"),
        pk=pk,
        request_type=RequestType.COMPLAINT,
    )


STEP_FORMS: dict[str, type[django_forms.Form]] = {
    "confirm": forms.ConfirmComplaintForm,
    "plan": forms.PlanComplaintForm,
    "execute": forms.ExecuteComplaintForm,
    "opinion": forms.OpinionForm,
}


def _call(action: str, user: Any, complaint: Complaint, form: Any) -> None:
    data = dict(form.cleaned_data)
    version = data.pop("version")
    if action == "plan":
        service.plan_complaint(
            actor=user,
            complaint=complaint,
            expected_version=version,
            severity=data["severity"],
            plan=data["plan"],
            parts=form.parts(),
        )
    elif action == "confirm":
        service.confirm_complaint(actor=user, complaint=complaint, expected_version=version, **data)
    elif action == "execute":
        service.execute_complaint(actor=user, complaint=complaint, expected_version=version, **data)
    else:
        service.update_opinion(actor=user, complaint=complaint, expected_version=version, **data)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One complaint's steps (``pk`` is the request's): each step a POST form."""
    user = _staff(request, "feedback.view_complaint")
    req = _complaint_request(user, pk)
    complaint = Complaint.objects.filter(request=req).first()
    may_work = user.has_perm("feedback.change_complaint") and (
        ServiceRequest.objects.visible_to(user).filter(pk=req.pk).exists()
    )
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not may_work:
            raise Http404
        if action == "open":
            try:
                service.complaint_for(actor=user, request=req)
            except DjangoValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("feedback:complaint", pk=req.pk)
        if complaint is None or action not in STEP_FORMS:
            raise Http404
        form = STEP_FORMS[action](request.POST, prefix=action)
        if form.is_valid():
            try:
                _call(action, user, complaint, form)
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("feedback:complaint", pk=req.pk)
            except DjangoPermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("feedback:complaint", pk=req.pk)
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("feedback:complaint", pk=req.pk)
        messages.error(request, _("Please correct the errors below."))
        bound[action] = form
        status = 400
    step_forms = {}
    if complaint is not None:
        initial = {"version": complaint.version}
        for name, form_class in STEP_FORMS.items():
            extra = (
                {"opinion": complaint.opinion, "demand": complaint.demand}
                if name == "opinion"
                else {}
            )
            step_forms[name] = bound.get(name) or form_class(
                initial={**initial, **extra}, prefix=name
            )
    parts = list(complaint.parts.select_related("department", "done_by")) if complaint else []
    part_rows = [
        {
            "part": p,
            "may_complete": p.done_at is None and in_department(user, p.department_id),
            "form": forms.PartDoneForm(prefix=f"part{p.pk}"),
        }
        for p in parts
    ]
    visit = ReturnVisit.objects.filter(request=req, round=req.reopen_count).first()
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "section": "complaints",
            "req": req,
            "complaint": complaint,
            "forms": step_forms,
            "may_work": may_work,
            "parts": part_rows,
            "visit": visit,
            "history": list(history_for(complaint)[:50]) if complaint else [],
        },
        status=status,
    )


@login_required
@require_POST
def part_done(request: HttpRequest, pk: int) -> HttpResponse:
    """A department marks its part of a complaint's plan done."""
    user = _staff(request, "feedback.view_complaint")
    part = get_object_or_404(
        ComplaintPart.objects.select_related("complaint").filter(
            complaint__in=Complaint.objects.visible_to(user).values("pk")
        ),
        pk=pk,
    )
    form = forms.PartDoneForm(request.POST, prefix=f"part{part.pk}")
    if not form.is_valid():
        messages.error(request, _("Say what your department did."))
    else:
        try:
            service.complete_part(actor=user, part=part, result=form.cleaned_data["result"])
        except (Conflict, DjangoPermissionDenied, DjangoValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(_messages(exc)))
        else:
            messages.success(request, _("Your department's part is marked done."))
    return redirect("feedback:complaint", pk=part.complaint.request_id)


def _messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", [str(exc)]))


@login_required
@require_GET
def opinion_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer opinion form (顾客意见书) with the handling record, as PDF."""
    user = _staff(request, "feedback.view_complaint")
    req = _complaint_request(user, pk)
    complaint = get_object_or_404(Complaint, request=req)
    parts = list(complaint.parts.select_related("department", "done_by"))
    visit = ReturnVisit.objects.filter(request=req).order_by("-round").first()
    content = render_pdf(
        "feedback/pdf/opinion_form.html",
        {"req": req, "complaint": complaint, "parts": parts, "visit": visit},
        request,
    )
    return pdf_response(content, f"{req.number}-opinion.pdf", inline=True)


# --- Suggestions ----------------------------------------------------------------------------


@login_required
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """Suggestions: routed to my department and waiting, or all I may see."""
    user = _staff(request, "feedback.view_suggestion")
    status = request.GET.get("status", SuggestionStatus.ROUTED)
    queryset = Suggestion.objects.visible_to(user).select_related(
        "request", "request__company", "department"
    )
    if status in SuggestionStatus.values:
        queryset = queryset.filter(status=status)
    page = _page(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset.order_by("-routed_at", "-id")[start : start + PAGE_SIZE + 1])
    unrouted = []
    if user.has_perm("feedback.change_suggestion"):
        unrouted = list(
            ServiceRequest.objects.visible_to(user)
            .filter(request_type=RequestType.SUGGESTION, suggestion__isnull=True)
            .select_related("company")
            .order_by("-received_at")[:PAGE_SIZE]
        )
    return render(
        request,
        "feedback/suggestion_list.html",
        {
            "section": "complaints",
            "rows": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page": page,
            "status": status,
            "statuses": SuggestionStatus.choices,
            "unrouted": unrouted,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One suggestion (``pk`` is the request's): route it, or answer it as the department."""
    user = _staff(request, "feedback.view_suggestion")
    suggestion = (
        Suggestion.objects.visible_to(user)
        .filter(request_id=pk)
        .select_related("department")
        .first()
    )
    if suggestion is None:
        req = get_object_or_404(
            ServiceRequest.objects.visible_to(user), pk=pk, request_type=RequestType.SUGGESTION
        )
    else:
        req = suggestion.request
    may_route = user.has_perm("feedback.change_suggestion") and (
        suggestion is None or suggestion.status == SuggestionStatus.ROUTED
    )
    may_answer = (
        suggestion is not None
        and suggestion.status == SuggestionStatus.ROUTED
        and in_department(user, suggestion.department_id)
    )
    route_form = forms.RouteSuggestionForm(prefix="route")
    answer_form = forms.AnswerSuggestionForm(
        initial={"version": suggestion.version if suggestion else 1}, prefix="answer"
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "route" and may_route:
                route_form = forms.RouteSuggestionForm(request.POST, prefix="route")
                if route_form.is_valid():
                    service.route_suggestion(actor=user, request=req, **route_form.cleaned_data)
                    messages.success(request, _("The suggestion is routed."))
                    return redirect("feedback:suggestion", pk=req.pk)
            elif action == "answer" and may_answer and suggestion is not None:
                answer_form = forms.AnswerSuggestionForm(request.POST, prefix="answer")
                if answer_form.is_valid():
                    service.answer_suggestion(
                        actor=user,
                        suggestion=suggestion,
                        expected_version=answer_form.cleaned_data["version"],
                        answer=answer_form.cleaned_data["answer"],
                    )
                    messages.success(request, _("The answer is sent to the customer."))
                    return redirect("feedback:suggestion", pk=req.pk)
            else:
                raise Http404
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("feedback:suggestion", pk=req.pk)
        except DjangoValidationError as exc:
            add_service_errors(route_form if action == "route" else answer_form, exc)
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "feedback/suggestion_detail.html",
        {
            "section": "complaints",
            "req": req,
            "suggestion": suggestion,
            "may_route": may_route,
            "may_answer": may_answer,
            "route_form": route_form,
            "answer_form": answer_form,
            "history": list(history_for(suggestion)[:50]) if suggestion else [],
        },
        status=status,
    )
