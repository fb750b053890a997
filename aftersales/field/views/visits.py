"""Visit pages: the engineer's phone page of today's and upcoming visits with big check-in
and check-out buttons (the browser's geolocation fills the coordinates when allowed), a
visit's page, agreeing an appointment, and the panel on the staff request page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.models import User
from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.field.choices import VisitStatus
from aftersales.field.models.trips import LIVE_STATES, TripPlan
from aftersales.field.models.visits import Visit
from aftersales.field.services import trips as trip_services
from aftersales.field.services import visits as services
from aftersales.field.views.trips import DATETIME, engineer_choices
from aftersales.service.models import ServiceRequest

OPEN_VISITS = [VisitStatus.PLANNED, VisitStatus.ON_SITE]


class VisitForm(forms.Form):
    """The appointment agreed with the customer."""

    window_start = forms.DateTimeField(label=gettext_lazy("Appointment from"), widget=DATETIME)
    window_end = forms.DateTimeField(label=gettext_lazy("Appointment until"), widget=DATETIME)
    engineers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Engineers"), queryset=User.objects.none()
    )
    note = forms.CharField(
        label=gettext_lazy("Agreed with the customer"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engineers"].queryset = engineer_choices()  # type: ignore[attr-defined]


def _position(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=9,
        decimal_places=6,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "readonly": True}),
    )


class CheckInForm(forms.Form):
    """Arrival: a note, and the phone's position if the engineer allows it."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    lat = _position(gettext_lazy("Latitude"))
    lng = _position(gettext_lazy("Longitude"))
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CheckOutForm(CheckInForm):
    """Departure: finished or not; unfinished work gets a follow-up visit."""

    finished = forms.TypedChoiceField(
        label=gettext_lazy("Is the work finished?"),
        choices=[("yes", gettext_lazy("Finished")), ("no", gettext_lazy("Not finished"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    next_start = forms.DateTimeField(
        label=gettext_lazy("Follow-up from"), widget=DATETIME, required=False
    )
    next_end = forms.DateTimeField(
        label=gettext_lazy("Follow-up until"), widget=DATETIME, required=False
    )


class CancelForm(forms.Form):
    """Call off a planned visit."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if scope_of(user).is_portal or not scope_of(user).roles:
        raise Http404
    return user


def _with_rows(queryset: Any) -> Any:
    return queryset.select_related(
        "request__company", "request__site", "trip_plan"
    ).prefetch_related(Prefetch("engineers", queryset=User.objects.order_by("username")))


@login_required
@require_GET
def my_visits(request: HttpRequest) -> HttpResponse:
    """The engineer's visits of today and the coming days, for the phone."""
    user = _staff(request)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    mine = _with_rows(
        Visit.objects.visible_to(user).filter(engineers=user, status__in=OPEN_VISITS)
    ).order_by("window_start", "id")
    rows = list(mine.filter(window_end__gte=start)[:60]) + list(
        mine.filter(window_end__lt=start, status=VisitStatus.ON_SITE)[:10]
    )
    end_of_today = start + dt.timedelta(days=1)
    for visit in rows:
        visit.vforms = _forms_for(user, visit)
    context = {
        "section": "my-visits",
        "today": [v for v in rows if v.window_start < end_of_today],
        "upcoming": [v for v in rows if v.window_start >= end_of_today],
    }
    return render(request, "field/visit_mine.html", context)


def _forms_for(user: Any, visit: Visit, bound: dict[str, forms.Form] | None = None) -> dict:
    initial = {"version": visit.version}
    found: dict[str, forms.Form] = {}
    if not services.may_check(user, visit):
        return found
    if visit.status == VisitStatus.PLANNED:
        found["check_in"] = (bound or {}).get("check_in") or CheckInForm(
            initial=initial, prefix=f"in{visit.pk}"
        )
    if visit.status == VisitStatus.ON_SITE:
        found["check_out"] = (bound or {}).get("check_out") or CheckOutForm(
            initial=initial, prefix=f"out{visit.pk}"
        )
    return found


def _visible_visit(request: HttpRequest, pk: int) -> Visit:
    user = _staff(request)
    return get_object_or_404(_with_rows(Visit.objects.visible_to(user)), pk=pk)


def _visit_page(
    request: HttpRequest, visit: Visit, bound: dict[str, forms.Form] | None = None, status=200
) -> HttpResponse:
    user: Any = request.user
    found = _forms_for(user, visit, bound)
    if visit.status == VisitStatus.PLANNED and services.may_schedule(user, visit.request):
        found["cancel"] = (bound or {}).get("cancel") or CancelForm(
            initial={"version": visit.version}, prefix="cancel"
        )
    return render(
        request,
        "field/visit_detail.html",
        {
            "section": "my-visits",
            "visit": visit,
            "forms": found,
            "follow_ups": list(visit.follow_ups.order_by("window_start")),
            "history": list(history_for(visit).order_by("created_at", "id")),
        },
        status=status,
    )


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One visit, with check-in or check-out."""
    return _visit_page(request, _visible_visit(request, pk))


FORMS: dict[str, tuple[Any, str]] = {
    "check_in": (CheckInForm, "in"),
    "check_out": (CheckOutForm, "out"),
    "cancel": (CancelForm, "cancel"),
}


@login_required
@require_POST
def visit_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Check in, check out or call off; back to where the button was."""
    visit = _visible_visit(request, pk)
    if name not in FORMS:
        raise Http404
    form_class, prefix = FORMS[name]
    form = form_class(request.POST, prefix=prefix if name == "cancel" else f"{prefix}{visit.pk}")
    back = request.POST.get("back") == "mine"
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _visit_page(request, visit, {name: form}, status=400)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        if name == "check_in":
            services.check_in(actor=request.user, visit=visit, expected_version=version, **data)
        elif name == "check_out":
            services.check_out(actor=request.user, visit=visit, expected_version=version, **data)
        else:
            services.cancel_visit(
                actor=request.user, visit=visit, expected_version=version, reason=data["reason"]
            )
    except DjangoValidationError as exc:
        renamed = exc
        if hasattr(exc, "error_dict"):
            names = {
                "arrival_lat": "lat",
                "arrival_lng": "lng",
                "departure_lat": "lat",
                "departure_lng": "lng",
                "next_window_start": "next_start",
                "next_window_end": "next_end",
            }
            renamed = DjangoValidationError(
                {names.get(k, k): v for k, v in exc.message_dict.items()}
            )
        add_service_errors(form, renamed)
        messages.error(request, _("Please correct the errors below."))
        return _visit_page(request, visit, {name: form}, status=400)
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return redirect("field:visit-detail", pk=visit.pk)
    done = {
        "check_in": _("Checked in."),
        "check_out": _("Checked out."),
        "cancel": _("Visit called off."),
    }[name]
    messages.success(request, done)
    if back:
        return redirect("field:my-visits")
    return redirect("field:visit-detail", pk=visit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Agree a visit for a request with the customer."""
    user = _staff(request)
    obj = get_object_or_404(ServiceRequest.objects.visible_to(user), pk=pk)
    plan = obj.trip_plans.exclude(status="cancelled").order_by("-id").first()
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit = services.schedule_visit(
                    actor=user, request=obj, trip_plan=plan, **form.cleaned_data
                )
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except (Conflict, DjangoPermissionDenied) as exc:
                messages.error(request, getattr(exc, "message", None) or str(exc))
                return redirect("service:detail", pk=obj.pk)
            else:
                messages.success(request, _("Visit agreed."))
                return redirect("field:visit-detail", pk=visit.pk)
        messages.error(request, _("Please correct the errors below."))
    else:
        initial: dict[str, Any] = {}
        if plan is not None:
            initial = {
                "window_start": timezone.localtime(plan.departure_at),
                "window_end": timezone.localtime(plan.return_at),
                "engineers": list(plan.engineers.all()),
            }
        form = VisitForm(initial=initial)
    return render(
        request,
        "field/visit_form.html",
        {"section": "requests", "form": form, "obj": obj, "plan": plan},
        status=400 if form.is_bound else 200,
    )


def request_panel(request: HttpRequest, obj: ServiceRequest) -> dict[str, Any] | None:
    """The request page's trips and visits, with what the reader may do next."""
    user: Any = request.user
    if scope_of(user).is_portal:
        return None
    plans = list(
        TripPlan.objects.visible_to(user)
        .filter(requests=obj)
        .select_related("planner")
        .prefetch_related(Prefetch("engineers", queryset=User.objects.order_by("username")))
        .order_by("-id")
    )
    visits = list(
        _with_rows(Visit.objects.visible_to(user).filter(request=obj)).order_by("window_start")
    )
    live = any(p.status in LIVE_STATES for p in plans)
    return {
        "plans": plans,
        "visits": visits,
        "can_plan": not live
        and obj.status in trip_services.DISPATCHABLE
        and trip_services.may_plan(user, obj),
        "can_schedule": obj.status in {"dispatched", "on_site", "in_progress", "accepted"}
        and services.may_schedule(user, obj),
    }
