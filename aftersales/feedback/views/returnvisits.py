"""Return-visit pages: the lists (due, overdue, done), one visit with its record form, and
the key-account schedules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.accounts.models import User
from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.forms import RecordVisitForm, ScheduleForm, VisitFilterForm
from aftersales.feedback.models import ReturnVisit, VisitSchedule
from aftersales.feedback.services import returnvisits as service
from aftersales.feedback.services.common import today

PAGE_SIZE = 50
TABS = [
    ("due", gettext_lazy("Due")),
    ("overdue", gettext_lazy("Overdue")),
    ("done", gettext_lazy("Done")),
]


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm("feedback.view_returnvisit"):
        raise Http404
    return user


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


@login_required
@require_http_methods(["GET"])
def visit_list(request: HttpRequest) -> HttpResponse:
    """Return visits due, overdue (by due date) or done, with filters; htmx gets the rows."""
    user = _staff(request)
    tab = request.GET.get("tab", "due")
    if tab not in dict(TABS):
        tab = "due"
    day = today()
    base = ReturnVisit.objects.visible_to(user)
    queryset = {
        "due": base.filter(status=ReturnVisitStatus.DUE, due_on__gte=day).order_by("due_on", "id"),
        "overdue": base.filter(status=ReturnVisitStatus.DUE, due_on__lt=day).order_by(
            "due_on", "id"
        ),
        "done": base.filter(status=ReturnVisitStatus.DONE).order_by("-done_at", "-id"),
    }[tab]
    filters = VisitFilterForm(request.GET)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["company"]:
            queryset = queryset.filter(
                Q(company__name__icontains=data["company"])
                | Q(company__name_en__icontains=data["company"])
                | Q(company__code__iexact=data["company"])
            )
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["rating"]:
            queryset = queryset.filter(rating=data["rating"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
    page = _page(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        queryset.select_related("company", "request", "engineer", "done_by", "department")[
            start : start + PAGE_SIZE + 1
        ]
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "section": "return-visits",
        "tabs": TABS,
        "tab": tab,
        "filters": filters,
        "rows": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "page": page,
        "query": query.urlencode(),
        "today": day,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "feedback/_visit_rows.html", context)
    return render(request, "feedback/visit_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One return visit: what it is about, its history, and the record form while due."""
    user = _staff(request)
    visit = get_object_or_404(
        ReturnVisit.objects.visible_to(user).select_related(
            "company", "request", "engineer", "done_by", "report", "schedule"
        ),
        pk=pk,
    )
    workers = service.workers_of(visit)
    worker_users = User.objects.filter(pk__in=workers).order_by("full_name", "username")
    may_record = (
        visit.status == ReturnVisitStatus.DUE
        and user.has_perm("feedback.change_returnvisit")
        and user.pk not in workers
    )
    form = RecordVisitForm(
        request.POST or None,
        workers=worker_users,
        initial={"version": visit.version},
        prefix="record",
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.record_return_visit(
                    actor=user,
                    visit=visit,
                    expected_version=data["version"],
                    method=data["method"],
                    rating=data["rating"],
                    praised=data["praised"],
                    solved=data["solved"],
                    comments=data["comments"],
                )
            except Conflict as exc:
                messages.error(request, exc.message)
                return redirect("feedback:visit", pk=visit.pk)
            except DjangoPermissionDenied as exc:
                messages.error(request, str(exc))
                status = 403
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The return visit is recorded."))
                return redirect("feedback:visit", pk=visit.pk)
        else:
            status = 400
        if status == 400:
            messages.error(request, _("Please correct the errors below."))
    context = {
        "section": "return-visits",
        "visit": visit,
        "form": form,
        "may_record": may_record,
        "is_worker": user.pk in workers,
        "praised": list(visit.praised.all()),
        "history": list(history_for(visit)[:50]),
    }
    return render(request, "feedback/visit_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def schedules(request: HttpRequest) -> HttpResponse:
    """Key-account visit schedules, and the form to set one."""
    user = _staff(request)
    may_edit = user.has_perm("feedback.change_visitschedule")
    form = ScheduleForm(request.POST or None, user=user, initial={"interval_months": 3})
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.save_schedule(actor=user, **data)
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The visit schedule is saved."))
                return redirect("feedback:schedules")
        status = 400
        messages.error(request, _("Please correct the errors below."))
    rows = list(
        VisitSchedule.objects.visible_to(user)
        .select_related("company", "company__service_department")
        .order_by("next_due_on", "id")[:200]
    )
    return render(
        request,
        "feedback/schedules.html",
        {"section": "return-visits", "rows": rows, "form": form, "may_edit": may_edit},
        status=status,
    )
