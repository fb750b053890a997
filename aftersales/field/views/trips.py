"""Trip plan pages: the list with what waits for me, the departures register (出差登记) with
filters and export, planning with engineer suggestions, the plan with its approval steps, and
read-only pages of the approval chains and engineers' skills."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.customers.models import Company, Site
from aftersales.field.models.trips import (
    APPROVED_STATES,
    LIVE_STATES,
    ApprovalChain,
    ApprovalChainStep,
    EngineerSkill,
    TripApproval,
    TripPlan,
    TripScope,
    TripStatus,
)
from aftersales.field.services import trips as services
from aftersales.field.services.dispatch_help import suggest_engineers
from aftersales.insight.exports import FORMATS, table_response
from aftersales.service.models import ServiceRequest

PAGE_SIZE = 50
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if scope_of(user).is_portal or not scope_of(user).roles:
        raise Http404
    return user


def engineer_choices() -> QuerySet[User]:
    """Active engineers."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.ENGINEER)
        .distinct()
        .order_by("username")
    )


class PlanForm(forms.Form):
    """The plan's fields (the requests come from the address)."""

    engineers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Engineers"), queryset=User.objects.none()
    )
    scope = forms.ChoiceField(label=gettext_lazy("Trip"), choices=TripScope.choices)
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site"), queryset=Site.objects.none(), required=False
    )
    departure_at = forms.DateTimeField(label=gettext_lazy("Planned departure"), widget=DATETIME)
    return_at = forms.DateTimeField(label=gettext_lazy("Planned return"), widget=DATETIME)
    work_content = forms.CharField(
        label=gettext_lazy("Work content"), widget=forms.Textarea(attrs={"rows": 3})
    )
    tools = forms.CharField(
        label=gettext_lazy("Tools to take"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    parts = forms.CharField(
        label=gettext_lazy("Parts to take"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    documents = forms.CharField(
        label=gettext_lazy("Documents to take"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, company_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineers"].queryset = engineer_choices()  # type: ignore[attr-defined]
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            company_id=company_id
        )

    def values(self) -> dict[str, Any]:
        """The cleaned values the service takes."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DecisionForm(forms.Form):
    """Approve or reject the current step."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    """Cancel with a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VersionForm(forms.Form):
    """A state change that needs nothing but the version."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RegisterFilter(forms.Form):
    """Filters of the departures register."""

    since = forms.DateField(
        label=gettext_lazy("Departing from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=gettext_lazy("Departing until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.all(), required=False
    )
    engineer = forms.ModelChoiceField(
        label=gettext_lazy("Engineer"), queryset=User.objects.none(), required=False
    )
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), queryset=Company.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *TripStatus.choices],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineer_choices()  # type: ignore[attr-defined]
        self.fields["customer"].queryset = (  # type: ignore[attr-defined]
            Company.objects.visible_to(user).order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end of the range comes before its start."))
        return data


def plans_with_rows(queryset: QuerySet[TripPlan]) -> QuerySet[TripPlan]:
    """What a row of a plan list shows, loaded in a fixed number of queries."""
    return queryset.select_related("company", "department", "planner", "site").prefetch_related(
        Prefetch("engineers", queryset=User.objects.order_by("username")),
        Prefetch("requests", queryset=ServiceRequest.objects.only("pk", "number", "title")),
    )


def _filtered(form: RegisterFilter, base: QuerySet[TripPlan]) -> QuerySet[TripPlan]:
    if not form.is_valid():
        return base.none()
    data = form.cleaned_data
    if data.get("since"):
        base = base.filter(departure_at__date__gte=data["since"])
    if data.get("until"):
        base = base.filter(departure_at__date__lte=data["until"])
    if data.get("department"):
        base = base.filter(department=data["department"])
    if data.get("engineer"):
        base = base.filter(engineers=data["engineer"])
    if data.get("customer"):
        base = base.filter(company=data["customer"])
    if data.get("status"):
        base = base.filter(status=data["status"])
    return base


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Trip plans I may see, and the ones waiting for my decision first."""
    user = _staff(request)
    visible = TripPlan.objects.visible_to(user)
    waiting_rows = list(
        TripApproval.objects.filter(
            plan__in=visible.filter(status=TripStatus.SUBMITTED).values("pk"),
            decision="pending",
        )
        .order_by("plan_id", "position")
        .select_related("plan__department")
    )
    firsts: dict[int, TripApproval] = {}
    for step in waiting_rows:
        if step.round == step.plan.round:
            firsts.setdefault(step.plan_id, step)
    mine = [pk for pk, step in firsts.items() if services.may_decide(user, step.plan, step)]
    form = RegisterFilter(request.GET or None, user=user)
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(plans_with_rows(_filtered(form, visible))[start : start + PAGE_SIZE + 1])
    waiting = list(plans_with_rows(visible.filter(pk__in=mine)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "field/trip_list.html",
        {
            "section": "trips",
            "filter": form,
            "rows": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "page": page,
            "query": query.urlencode() + "&" if query else "",
            "waiting": waiting,
            "steps": firsts,
        },
    )


def register_rows(plans: list[TripPlan]) -> tuple[list[str], list[list[Any]]]:
    """The register's table: header and rows (for the page and the downloads)."""
    header = [
        _("Number"),
        _("Departure"),
        _("Return"),
        _("Customer"),
        _("Site"),
        _("Work content"),
        _("Engineers"),
        _("Department"),
        _("Requests"),
        _("Status"),
        _("Remarks"),
    ]
    rows = [
        [
            p.number,
            timezone.localtime(p.departed_at or p.departure_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(p.returned_at or p.return_at).strftime("%Y-%m-%d %H:%M"),
            p.company.display_name,
            p.site.name if p.site else "",
            p.work_content,
            "、".join(str(e) for e in p.engineers.all()),
            str(p.department),
            "、".join(r.number for r in p.requests.all()),
            p.get_status_display(),
            p.remarks,
        ]
        for p in plans
    ]
    return header, rows


@login_required
@require_GET
def departures(request: HttpRequest) -> HttpResponse:
    """The register of departures: approved plans, filtered; ``?format=csv|xlsx`` downloads
    every matching row."""
    user = _staff(request)
    base = TripPlan.objects.visible_to(user).filter(status__in=APPROVED_STATES)
    form = RegisterFilter(request.GET or None, user=user)
    queryset = plans_with_rows(_filtered(form, base)).order_by("departure_at", "id")
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        header, table = register_rows(list(queryset))
        return table_response(fmt, header, table, "departures", _("Departures register"))
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    plans = list(queryset[start : start + PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "field/trip_register.html",
        {
            "section": "trips",
            "filter": form,
            "rows": plans[:PAGE_SIZE],
            "more": len(plans) > PAGE_SIZE,
            "page": page,
            "query": query.urlencode() + "&" if query else "",
        },
    )


def _requests_from(request: HttpRequest, user: Any) -> list[ServiceRequest]:
    ids = [
        int(v)
        for v in request.GET.getlist("request") + request.POST.getlist("request")
        if v.isdigit()
    ]
    found = list(
        ServiceRequest.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("company", "site", "equipment__product_model__line")
    )
    if not found:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest) -> HttpResponse:
    """Plan a trip for the requests named in the address (``?request=<id>``, repeatable)."""
    user = _staff(request)
    chosen = _requests_from(request, user)
    first = chosen[0]
    if request.method == "POST":
        form = PlanForm(request.POST, company_id=first.company_id)
        if form.is_valid():
            try:
                plan = services.create_plan(actor=user, requests=chosen, data=form.values())
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except DjangoPermissionDenied as exc:
                messages.error(request, str(exc))
                return redirect("service:detail", pk=first.pk)
            else:
                messages.success(
                    request, _("Trip plan %(number)s saved as a draft.") % {"number": plan.number}
                )
                return redirect("field:trip-detail", pk=plan.pk)
        messages.error(request, _("Please correct the errors below."))
    else:
        now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        form = PlanForm(
            initial={
                "departure_at": now + dt.timedelta(hours=1),
                "return_at": now + dt.timedelta(hours=9),
                "work_content": "\n".join(f"{r.number} {r.title}" for r in chosen),
                "site": first.site_id,
                "scope": TripScope.OUT_OF_TOWN,
            },
            company_id=first.company_id,
        )
    return _plan_form_page(request, form, chosen, None)


def _plan_form_page(
    request: HttpRequest,
    form: PlanForm,
    chosen: list[ServiceRequest],
    plan: TripPlan | None,
    status: int | None = None,
) -> HttpResponse:
    start = _initial_time(form, "departure_at")
    end = _initial_time(form, "return_at")
    others: list[ServiceRequest] = []
    first = chosen[0]
    if plan is None and first.department_id is not None:
        others = [
            r
            for r in ServiceRequest.objects.visible_to(request.user)
            .filter(
                company_id=first.company_id,
                department_id=first.department_id,
                status__in=services.DISPATCHABLE,
            )
            .exclude(pk__in=[r.pk for r in chosen])
            .exclude(trip_plans__status__in=LIVE_STATES)
            .select_related("owner")
            .order_by("received_at")[:20]
            if services.may_plan(request.user, r)
        ]
    suggestions = []
    if start and end and end > start:
        suggestions = suggest_engineers(request=chosen[0], start=start, end=end, exclude_plan=plan)
    return render(
        request,
        "field/trip_form.html",
        {
            "section": "trips",
            "form": form,
            "chosen": chosen,
            "others": others,
            "plan": plan,
            "suggestions": suggestions,
            "line": _line(chosen[0]),
        },
        status=status or (400 if form.is_bound and not form.is_valid() else 200),
    )


class PeriodForm(forms.Form):
    """The planned period, as the plan form sends it while being filled in."""

    departure_at = forms.DateTimeField()
    return_at = forms.DateTimeField()


@login_required
@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The suggested engineers for the requests and period being planned (htmx partial)."""
    user = _staff(request)
    chosen = _requests_from(request, user)
    period = PeriodForm(request.GET)
    rows: list[Any] = []
    if period.is_valid() and period.cleaned_data["return_at"] > period.cleaned_data["departure_at"]:
        rows = suggest_engineers(
            request=chosen[0],
            start=period.cleaned_data["departure_at"],
            end=period.cleaned_data["return_at"],
        )
    return render(
        request,
        "field/trip_suggestions.html",
        {"suggestions": rows, "line": _line(chosen[0])},
    )


def _line(request: ServiceRequest) -> Any:
    if request.equipment_id and request.equipment:
        return request.equipment.product_model.line
    return None


def _initial_time(form: PlanForm, name: str) -> Any:
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get(name)
    if form.is_bound:
        return None
    return form.initial.get(name)


def _visible_plan(request: HttpRequest, pk: int) -> TripPlan:
    user = _staff(request)
    return get_object_or_404(
        TripPlan.objects.visible_to(user).select_related(
            "company", "site", "department__manager", "planner"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft plan."""
    plan = _visible_plan(request, pk)
    user: Any = request.user
    chosen = list(plan.requests.select_related("equipment__product_model__line"))
    if request.method == "POST":
        form = PlanForm(request.POST, company_id=plan.company_id)
        if form.is_valid():
            try:
                services.update_plan(
                    actor=user,
                    plan=plan,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.values(),
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, DjangoPermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
                return redirect("field:trip-detail", pk=plan.pk)
            else:
                messages.success(request, _("Trip plan saved."))
                return redirect("field:trip-detail", pk=plan.pk)
        messages.error(request, _("Please correct the errors below."))
    else:
        if plan.status != TripStatus.DRAFT or not services.may_manage(user, plan):
            messages.error(request, _("Only a draft is changed, by its planner or manager."))
            return redirect("field:trip-detail", pk=plan.pk)
        form = PlanForm(
            initial={
                **{k: getattr(plan, k) for k in services.EDITABLE if k != "engineers"},
                "engineers": list(plan.engineers.all()),
                "site": plan.site_id,
                "version": plan.version,
            },
            company_id=plan.company_id,
        )
    return _plan_form_page(request, form, chosen, plan)


ACTIONS: dict[str, tuple[type[forms.Form], Any]] = {
    "submit": (VersionForm, services.submit_plan),
    "approve": (DecisionForm, None),
    "reject": (DecisionForm, None),
    "cancel": (ReasonForm, services.cancel_plan),
    "depart": (VersionForm, services.depart),
    "return": (VersionForm, services.return_home),
}


def _prefix(name: str) -> str:
    return "decide" if name in {"approve", "reject"} else name


def _plan_page(
    request: HttpRequest,
    plan: TripPlan,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    step = services.current_step(plan)
    initial = {"version": plan.version}
    allowed: list[str] = []
    manages = services.may_manage(user, plan)
    if plan.status == TripStatus.DRAFT and manages:
        allowed.append("submit")
    if step is not None and services.may_decide(user, plan, step):
        allowed += ["approve", "reject"]
    if plan.status in {TripStatus.DRAFT, TripStatus.SUBMITTED} and manages:
        allowed.append("cancel")
    if plan.status == TripStatus.APPROVED and services.may_travel(user, plan):
        allowed.append("depart")
    if plan.status == TripStatus.DEPARTED and services.may_travel(user, plan):
        allowed.append("return")
    forms_ = {
        name: (bound or {}).get(name) or ACTIONS[name][0](initial=initial, prefix=_prefix(name))
        for name in allowed
    }
    approvals = list(
        TripApproval.objects.filter(plan=plan)
        .select_related("decided_by")
        .order_by("-round", "position")
    )
    rounds: dict[int, list[TripApproval]] = {}
    for row in approvals:
        rounds.setdefault(row.round, []).append(row)
    return render(
        request,
        "field/trip_detail.html",
        {
            "section": "trips",
            "plan": plan,
            "step": step,
            "rounds": sorted(rounds.items(), reverse=True),
            "forms": forms_,
            "can_edit": plan.status == TripStatus.DRAFT and manages,
            "requests": list(plan.requests.select_related("company").order_by("pk")),
            "engineers": list(plan.engineers.order_by("username")),
            "visits": list(plan.visits.prefetch_related("engineers").order_by("window_start")),
            "history": list(history_for(plan).order_by("created_at", "id")),
        },
        status=status,
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan: its facts, requests, engineers, approval steps and the actions I may take."""
    return _plan_page(request, _visible_plan(request, pk))


@login_required
@require_POST
def plan_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Submit, approve, reject, cancel, depart or return."""
    plan = _visible_plan(request, pk)
    if name not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[name]
    form = form_class(request.POST, prefix=_prefix(name))
    # Approve and reject share one form (and its comment) on the page.
    key = "approve" if name == "reject" else name
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _plan_page(request, plan, {key: form}, status=400)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        if name in {"approve", "reject"}:
            services.decide(
                actor=request.user,
                plan=plan,
                expected_version=version,
                approve=name == "approve",
                comment=data.get("comment", ""),
            )
        else:
            call(actor=request.user, plan=plan, expected_version=version, **data)
    except DjangoValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, _("Please correct the errors below."))
        return _plan_page(request, plan, {key: form}, status=400)
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("field:trip-detail", pk=plan.pk)
    messages.success(request, _("Done."))
    return redirect("field:trip-detail", pk=plan.pk)


@login_required
@require_GET
def chains(request: HttpRequest) -> HttpResponse:
    """The approval chains as configured (administrators change them in the admin)."""
    _staff(request)
    rows = list(
        ApprovalChain.objects.select_related("department").prefetch_related(
            Prefetch("steps", queryset=ApprovalChainStep.objects.order_by("position"))
        )
    )
    return render(request, "field/trip_chains.html", {"section": "trips", "chains": rows})


@login_required
@require_GET
def skills(request: HttpRequest) -> HttpResponse:
    """Engineers' certifications per product line (kept in the admin)."""
    _staff(request)
    rows = list(
        EngineerSkill.objects.select_related("engineer", "product_line").filter(
            Q(engineer__is_active=True)
        )
    )
    return render(
        request,
        "field/trip_skills.html",
        {"section": "trips", "skills": rows, "today": timezone.localdate()},
    )
