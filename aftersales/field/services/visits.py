"""Use cases of visits: the appointment agreed with the customer, check-in on arrival (which
reports the request's arrival, so its on-site clock is met), check-out on departure, and a
follow-up visit when the work is not finished."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.core import notifications
from aftersales.core.clock import now as clock_now
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record
from aftersales.field.choices import VisitStatus
from aftersales.field.models.trips import TripPlan
from aftersales.field.models.visits import Visit
from aftersales.service import services as requests
from aftersales.service.choices import OPEN, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.transitions import TRANSITIONS, holds

NOT_YET_SENT = frozenset({Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS})


def visit_url(visit: Visit) -> str:
    """The visit's page."""
    return f"/visits/{visit.pk}/"


def may_schedule(user: Any, request: ServiceRequest) -> bool:
    """Who may dispatch a request agrees its visits with the customer."""
    return not scope_of(user).is_portal and holds(user, TRANSITIONS["dispatch"].who, request)


def may_check(user: Any, visit: Visit) -> bool:
    """The visit's engineers check in and out (their manager may do it for them)."""
    scope = scope_of(user)
    if scope.is_portal:
        return False
    if any(e.pk == user.pk for e in visit.engineers.all()):  # prefetched on lists
        return True
    return visit.request.department_id in scope.managed_department_ids


def _lock(visit: Visit, expected_version: int | None) -> Visit:
    current = Visit.objects.select_for_update().select_related("request").get(pk=visit.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this visit in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, "status": current.status},
        )
    return current


def _save(visit: Visit, fields: list[str]) -> None:
    visit.version += 1
    visit.save(update_fields=sorted({*fields, "version", "updated_at"}))


def _check_window(start: dt.datetime | None, end: dt.datetime | None, prefix: str = "") -> None:
    errors: dict[str, str] = {}
    if start is None:
        errors[f"{prefix}window_start"] = _("Enter the start of the appointment.")
    if end is None:
        errors[f"{prefix}window_end"] = _("Enter the end of the appointment.")
    elif start is not None and end <= start:
        errors[f"{prefix}window_end"] = _("The appointment must end after it starts.")
    if errors:
        raise ValidationError(errors)


def _check_engineers(engineers: list[Any]) -> None:
    if not engineers:
        raise ValidationError({"engineers": _("Choose at least one engineer.")})
    for engineer in engineers:
        scope = scope_of(engineer)
        if not engineer.is_active or scope.is_portal or Role.ENGINEER not in scope.roles:
            raise ValidationError(
                {"engineers": _("%(name)s is not an active engineer.") % {"name": engineer}}
            )


def _check_position(lat: Decimal | None, lng: Decimal | None, prefix: str) -> None:
    if (lat is None) != (lng is None):
        raise ValidationError({f"{prefix}lat": _("Give both latitude and longitude, or neither.")})
    if lat is not None and not Decimal("-90") <= lat <= Decimal("90"):
        raise ValidationError({f"{prefix}lat": _("A latitude lies between -90 and 90.")})
    if lng is not None and not Decimal("-180") <= lng <= Decimal("180"):
        raise ValidationError({f"{prefix}lng": _("A longitude lies between -180 and 180.")})


def _history(visit: Visit, *, actor: Any, action: str, changes: dict[str, Any], message: str = ""):
    record(actor=actor, action=action, obj=visit, changes=changes, message=message)
    record(
        actor=actor,
        action=f"visit_{action}",
        obj=visit.request,
        changes={"visit": [None, {"id": visit.pk, "repr": str(visit)}], **changes},
        message=message,
    )


def schedule_visit(
    *,
    actor: Any,
    request: ServiceRequest,
    engineers: Iterable[Any],
    window_start: dt.datetime,
    window_end: dt.datetime,
    note: str = "",
    trip_plan: TripPlan | None = None,
) -> Visit:
    """Record the appointment agreed with the customer: when, and who goes."""
    chosen = list(engineers)
    _check_window(window_start, window_end)
    _check_engineers(chosen)
    with transaction.atomic():
        current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
        if not ServiceRequest.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if not may_schedule(actor, current):
            raise PermissionDenied(_("You may not schedule visits for this request."))
        if current.status not in OPEN:
            raise Conflict(_("A finished request needs no visit."), code="closed")
        if trip_plan is not None and not trip_plan.requests.filter(pk=current.pk).exists():
            raise ValidationError({"trip_plan": _("This trip plan is for other requests.")})
        visit = Visit.objects.create(
            request=current,
            window_start=window_start,
            window_end=window_end,
            appointment_note=note,
            trip_plan=trip_plan,
        )
        visit.engineers.set(chosen)
        _history(
            visit,
            actor=actor,
            action="scheduled",
            changes={
                "window_start": [None, window_start],
                "window_end": [None, window_end],
                "engineers": [None, [str(e) for e in chosen]],
            },
            message=note,
        )
        others = [e.pk for e in chosen if e.pk != getattr(actor, "pk", None)]
        if others:
            notifications.notify(
                users=others,
                kind="visit_scheduled",
                params={
                    "number": current.number,
                    "start": window_start.isoformat(),
                },
                target=visit,
                url=visit_url(visit),
            )
        return visit


def check_in(
    *,
    actor: Any,
    visit: Visit,
    expected_version: int,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    note: str = "",
) -> Visit:
    """The engineers arrived: the first arrival of a dispatched request is reported on it,
    which meets the request's on-site clock."""
    _check_position(lat, lng, "arrival_")
    with transaction.atomic():
        current = _lock(visit, expected_version)
        if not Visit.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if not may_check(actor, current):
            raise PermissionDenied(_("Only the engineers of the visit check in."))
        if current.status != VisitStatus.PLANNED:
            raise Conflict(
                _("This visit is %(status)s: only a planned visit checks in.")
                % {"status": current.get_status_display()},
                code="invalid_transition",
            )
        request = ServiceRequest.objects.select_for_update().get(pk=current.request_id)
        if request.status in NOT_YET_SENT:
            raise Conflict(
                _("%(number)s is not dispatched yet: its trip plan must be approved first.")
                % {"number": request.number},
                code="not_dispatched",
            )
        if request.status not in OPEN:
            raise Conflict(_("The request is finished."), code="closed")
        now = clock_now()
        if request.status == Status.DISPATCHED:
            reporter = actor if holds(actor, TRANSITIONS["arrive"].who, request) else request.owner
            if reporter is None:
                raise Conflict(_("The request has no owner."), code="invalid_transition")
            requests.arrive(actor=reporter, request=request, expected_version=request.version)
        current.status = VisitStatus.ON_SITE
        current.arrived_at = now
        current.arrival_lat, current.arrival_lng, current.arrival_note = lat, lng, note
        current.checked_in_by = actor
        _save(
            current,
            ["status", "arrived_at", "arrival_lat", "arrival_lng", "arrival_note", "checked_in_by"],
        )
        changes: dict[str, Any] = {
            "status": [VisitStatus.PLANNED, VisitStatus.ON_SITE],
            "arrived_at": [None, now],
        }
        if lat is not None:
            changes["arrival_position"] = [None, f"{lat},{lng}"]
        _history(current, actor=actor, action="check_in", changes=changes, message=note)
        return current


def check_out(
    *,
    actor: Any,
    visit: Visit,
    expected_version: int,
    finished: bool,
    lat: Decimal | None = None,
    lng: Decimal | None = None,
    note: str = "",
    next_start: dt.datetime | None = None,
    next_end: dt.datetime | None = None,
) -> Visit:
    """The engineers leave. Work not finished gets a follow-up visit with the same
    engineers (by default the same hours the next day); returns the visit checked out."""
    _check_position(lat, lng, "departure_")
    if not finished and not note.strip():
        raise ValidationError({"note": _("Say what is left to do.")})
    with transaction.atomic():
        current = _lock(visit, expected_version)
        if not Visit.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if not may_check(actor, current):
            raise PermissionDenied(_("Only the engineers of the visit check out."))
        if current.status != VisitStatus.ON_SITE:
            raise Conflict(
                _("This visit is %(status)s: only a visit on site checks out.")
                % {"status": current.get_status_display()},
                code="invalid_transition",
            )
        now = clock_now()
        target = VisitStatus.DONE if finished else VisitStatus.UNFINISHED
        current.status = target
        current.left_at = now
        current.departure_lat, current.departure_lng, current.departure_note = lat, lng, note
        current.checked_out_by = actor
        _save(
            current,
            [
                "status",
                "left_at",
                "departure_lat",
                "departure_lng",
                "departure_note",
                "checked_out_by",
            ],
        )
        changes: dict[str, Any] = {"status": [VisitStatus.ON_SITE, target], "left_at": [None, now]}
        if lat is not None:
            changes["departure_position"] = [None, f"{lat},{lng}"]
        _history(current, actor=actor, action="check_out", changes=changes, message=note)
        if not finished:
            start = next_start or current.window_start + dt.timedelta(days=1)
            end = next_end or (start + (current.window_end - current.window_start))
            _check_window(start, end, prefix="next_")
            follow = Visit.objects.create(
                request=current.request,
                window_start=start,
                window_end=end,
                follow_up_of=current,
                trip_plan=current.trip_plan,
                appointment_note=note,
            )
            follow.engineers.set(list(current.engineers.all()))
            _history(
                follow,
                actor=actor,
                action="follow_up",
                changes={
                    "follow_up_of": [None, {"id": current.pk, "repr": str(current)}],
                    "window_start": [None, start],
                    "window_end": [None, end],
                },
                message=note,
            )
        return current


def cancel_visit(*, actor: Any, visit: Visit, expected_version: int, reason: str) -> Visit:
    """Call off a planned visit (the customer moved the appointment, say)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the visit is called off.")})
    with transaction.atomic():
        current = _lock(visit, expected_version)
        if not Visit.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if not may_schedule(actor, current.request):
            raise PermissionDenied(_("You may not call off this visit."))
        if current.status != VisitStatus.PLANNED:
            raise Conflict(_("Only a planned visit can be called off."), code="invalid_transition")
        current.status = VisitStatus.CANCELLED
        _save(current, ["status"])
        _history(
            current,
            actor=actor,
            action="cancel",
            changes={"status": [VisitStatus.PLANNED, VisitStatus.CANCELLED]},
            message=reason,
        )
        return current
