"""Use cases of trip plans (出差计划): plan, submit, approve or reject step by step, cancel,
depart and return. The last approval dispatches the plan's requests.

Who may plan a trip is who may dispatch its requests (their owner, the department's manager,
the service director): approving the plan dispatches them in the planner's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.roles import scope_of
from aftersales.core import notifications
from aftersales.core.clock import now as clock_now
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, snapshot
from aftersales.core.numbering import next_number
from aftersales.field.models.trips import (
    DEFAULT_STEPS,
    LIVE_STATES,
    ApprovalChain,
    ChainScope,
    Decision,
    StepRole,
    TripApproval,
    TripPlan,
    TripStatus,
)
from aftersales.service import services as requests
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.service.transitions import TRANSITIONS, holds

EDITABLE = [
    "engineers",
    "site",
    "scope",
    "departure_at",
    "return_at",
    "work_content",
    "tools",
    "parts",
    "documents",
    "remarks",
]
TEXT_FIELDS = ["work_content", "tools", "parts", "documents", "remarks"]
HISTORY_FIELDS = [
    "number",
    "department",
    "company",
    "site",
    "scope",
    "departure_at",
    "return_at",
    "work_content",
    "tools",
    "parts",
    "documents",
    "remarks",
]
DISPATCHABLE = TRANSITIONS["dispatch"].sources
# Roles that hold each step (besides the department manager step's own rule).
STEP_ROLES: dict[str, str] = {
    StepRole.BUSINESS_MANAGER: Role.BUSINESS_MANAGER,
    StepRole.OFFICE: Role.OFFICE,
    StepRole.VP: Role.VP,
}


def plan_url(plan: TripPlan) -> str:
    """The plan's page."""
    return f"/trips/{plan.pk}/"


# --- Reading ----------------------------------------------------------------------------------


def chain_steps(*, department_id: int, scope: str) -> list[str]:
    """The approvers a plan of ``department_id`` and ``scope`` needs now, in order: the
    department's own chain for the trip kind, else its chain for every trip, else the
    default chains, else the built-in default."""
    chains = {
        (c.department_id, c.scope): c
        for c in ApprovalChain.objects.filter(
            Q(department_id=department_id) | Q(department__isnull=True)
        )
        .filter(scope__in=[scope, ChainScope.ANY])
        .prefetch_related("steps")
    }
    for key in [
        (department_id, scope),
        (department_id, ChainScope.ANY),
        (None, scope),
        (None, ChainScope.ANY),
    ]:
        chain = chains.get(key)
        if chain is not None:
            steps = [s.role for s in sorted(chain.steps.all(), key=lambda s: s.position)]
            if steps:
                return steps
    return list(DEFAULT_STEPS)


def current_step(plan: TripPlan) -> TripApproval | None:
    """The first undecided step of the plan's current submission."""
    if plan.status != TripStatus.SUBMITTED:
        return None
    return (
        TripApproval.objects.filter(plan=plan, round=plan.round, decision=Decision.PENDING)
        .order_by("position")
        .first()
    )


def may_decide(user: Any, plan: TripPlan, step: TripApproval | None) -> bool:
    """Whether ``user`` holds ``step`` of ``plan`` (the department manager step: the manager
    of the plan's department)."""
    if step is None:
        return False
    scope = scope_of(user)
    if scope.is_portal:
        return False
    if step.role == StepRole.DEPARTMENT_MANAGER:
        return (
            Role.DEPARTMENT_MANAGER in scope.roles
            and plan.department_id in scope.managed_department_ids
        )
    return STEP_ROLES[step.role] in scope.roles


def approvers_of(plan: TripPlan, step: TripApproval) -> list[int]:
    """The users who may decide ``step`` (to notify them)."""
    if step.role == StepRole.DEPARTMENT_MANAGER:
        manager = plan.department.manager_id
        return [manager] if manager else []
    return list(
        User.objects.filter(is_active=True, groups__name=STEP_ROLES[step.role]).values_list(
            "pk", flat=True
        )
    )


def may_plan(user: Any, request: ServiceRequest) -> bool:
    """Who may dispatch a request may plan its trip."""
    scope = scope_of(user)
    return not scope.is_portal and holds(user, TRANSITIONS["dispatch"].who, request)


def may_manage(user: Any, plan: TripPlan) -> bool:
    """The planner and the manager of the plan's department edit, submit and cancel it."""
    scope = scope_of(user)
    return (
        plan.planner_id == scope.user_id
        or plan.department_id in scope.managed_department_ids
        or scope.has_role(Role.SERVICE_DIRECTOR, Role.ADMIN)
    )


def may_travel(user: Any, plan: TripPlan) -> bool:
    """An engineer on the plan (or whoever manages it) reports departure and return."""
    return may_manage(user, plan) or plan.engineers.filter(pk=user.pk).exists()


# --- Helpers ----------------------------------------------------------------------------------


def _lock(plan: TripPlan, expected_version: int | None) -> TripPlan:
    current = TripPlan.objects.select_for_update().select_related("department").get(pk=plan.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this trip plan in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, "status": current.status},
        )
    return current


def _require_status(plan: TripPlan, allowed: Iterable[str], what: str) -> None:
    if plan.status not in set(allowed):
        raise Conflict(
            _("Cannot %(action)s a trip plan that is %(status)s.")
            % {"action": what, "status": plan.get_status_display()},
            code="invalid_transition",
        )


def _save(plan: TripPlan, fields: list[str]) -> None:
    plan.version += 1
    plan.save(update_fields=sorted({*fields, "version", "updated_at"}))


def _on_requests(
    plan: TripPlan, *, actor: Any, action: str, changes: dict[str, Any], message: str = ""
) -> None:
    """The same step on the timeline of each request of the plan."""
    for request in plan.requests.all():
        record(
            actor=actor,
            action=action,
            obj=request,
            changes={"trip_plan": [None, {"id": plan.pk, "repr": plan.number}], **changes},
            message=message,
        )


def _check_values(values: Mapping[str, Any], requests_: list[ServiceRequest]) -> None:
    errors: dict[str, str] = {}
    departure, back = values.get("departure_at"), values.get("return_at")
    if departure is None:
        errors["departure_at"] = _("Enter the planned departure.")
    if back is None:
        errors["return_at"] = _("Enter the planned return.")
    elif departure is not None and back <= departure:
        errors["return_at"] = _("The return must come after the departure.")
    if not str(values.get("work_content") or "").strip():
        errors["work_content"] = _("Describe the work to be done.")
    engineers = list(values.get("engineers") or [])
    if not engineers:
        errors["engineers"] = _("Choose at least one engineer.")
    for engineer in engineers:
        scope = scope_of(engineer)
        if not engineer.is_active or scope.is_portal or Role.ENGINEER not in scope.roles:
            errors["engineers"] = _("%(name)s is not an active engineer.") % {"name": engineer}
    site = values.get("site")
    if site is not None and requests_ and site.company_id != requests_[0].company_id:
        errors["site"] = _("This site belongs to another customer.")
    if errors:
        raise ValidationError(errors)


# --- Use cases --------------------------------------------------------------------------------


def create_plan(
    *, actor: Any, requests: Iterable[ServiceRequest], data: Mapping[str, Any]
) -> TripPlan:
    """Plan a trip for one or more requests of one customer and department (a draft).

    ``data`` holds the plan's fields (``EDITABLE``); the engineers are a list of users.
    """
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    chosen = list(requests)
    if not chosen:
        raise ValidationError({"requests": _("Choose at least one service request.")})
    with transaction.atomic():
        locked = list(
            ServiceRequest.objects.visible_to(actor)
            .select_for_update()
            .filter(pk__in=[r.pk for r in chosen])
            .order_by("pk")
        )
        if len(locked) != len({r.pk for r in chosen}):
            raise ValidationError({"requests": _("Unknown service request.")})
        for request in locked:
            if not may_plan(actor, request):
                raise PermissionDenied(
                    _("You may not plan a trip for %(number)s.") % {"number": request.number}
                )
            if request.status not in DISPATCHABLE:
                raise ValidationError(
                    {
                        "requests": _(
                            "%(number)s is %(status)s: only accepted requests or "
                            "requests in progress are sent on a trip."
                        )
                        % {"number": request.number, "status": request.get_status_display()}
                    }
                )
            if request.trip_plans.filter(status__in=LIVE_STATES).exists():
                raise ValidationError(
                    {
                        "requests": _("%(number)s is already on a trip plan.")
                        % {"number": request.number}
                    }
                )
        if len({r.company_id for r in locked}) > 1:
            raise ValidationError({"requests": _("A trip plan serves one customer.")})
        if len({r.department_id for r in locked}) > 1:
            raise ValidationError({"requests": _("The requests belong to different departments.")})
        first = locked[0]
        if first.department_id is None:
            raise ValidationError({"requests": _("The request has no department yet.")})
        _check_values(data, locked)
        values = {k: v for k, v in data.items() if k != "engineers"}
        plan = TripPlan(
            number=next_number("CC"),
            department_id=first.department_id,
            planner=actor,
            company_id=first.company_id,
            **values,
        )
        if plan.site_id is None and first.site_id:
            plan.site_id = first.site_id
        plan.full_clean(exclude=["planner", "department", "company"])
        plan.save(force_insert=True)
        plan.requests.set(locked)
        plan.engineers.set(list(data["engineers"]))
        record(
            actor=actor,
            action="created",
            obj=plan,
            changes={
                **{k: [None, v] for k, v in snapshot(plan, HISTORY_FIELDS).items()},
                "requests": [None, [r.number for r in locked]],
                "engineers": [None, [str(e) for e in data["engineers"]]],
            },
        )
        _on_requests(plan, actor=actor, action="trip_planned", changes={})
        return plan


def update_plan(
    *, actor: Any, plan: TripPlan, expected_version: int, changes: Mapping[str, Any]
) -> TripPlan:
    """Change a draft plan (also after a rejection, before submitting it again)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    with transaction.atomic():
        current = _lock(plan, expected_version)
        _visible(actor, current)
        if not may_manage(actor, current):
            raise PermissionDenied(_("You may not change this trip plan."))
        _require_status(current, [TripStatus.DRAFT], _("change"))
        plain = [k for k in changes if k != "engineers"]
        before = snapshot(current, plain)
        old_engineers = sorted(str(e) for e in current.engineers.all())
        merged = {
            **{k: getattr(current, k) for k in EDITABLE if k != "engineers"},
            "engineers": list(current.engineers.all()),
            **changes,
        }
        _check_values(merged, list(current.requests.all()))
        for name in plain:
            setattr(current, name, changes[name])
        current.full_clean(exclude=["planner", "department", "company"])
        changed = diff(before, snapshot(current, plain))
        if "engineers" in changes:
            new_engineers = sorted(str(e) for e in changes["engineers"])
            if new_engineers != old_engineers:
                current.engineers.set(list(changes["engineers"]))
                changed["engineers"] = [old_engineers, new_engineers]
        if not changed:
            return current
        _save(current, plain)
        record(actor=actor, action="updated", obj=current, changes=changed)
        return current


def _visible(actor: Any, plan: TripPlan) -> None:
    if not TripPlan.objects.visible_to(actor).filter(pk=plan.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


def submit_plan(*, actor: Any, plan: TripPlan, expected_version: int) -> TripPlan:
    """Send a draft into approval: the chain's steps are copied onto the plan now."""
    with transaction.atomic():
        current = _lock(plan, expected_version)
        _visible(actor, current)
        if not may_manage(actor, current):
            raise PermissionDenied(_("You may not submit this trip plan."))
        _require_status(current, [TripStatus.DRAFT], _("submit"))
        steps = chain_steps(department_id=current.department_id, scope=current.scope)
        current.round += 1
        current.status = TripStatus.SUBMITTED
        current.submitted_at = clock_now()
        current.rejection_comment = ""
        TripApproval.objects.bulk_create(
            [
                TripApproval(plan=current, round=current.round, position=i, role=role)
                for i, role in enumerate(steps, start=1)
            ]
        )
        _save(current, ["round", "status", "submitted_at", "rejection_comment"])
        record(
            actor=actor,
            action="submit",
            obj=current,
            changes={"status": [TripStatus.DRAFT, current.status], "chain": [None, steps]},
        )
        _on_requests(current, actor=actor, action="trip_submitted", changes={})
        _notify_next(current)
        return current


def _notify_next(plan: TripPlan) -> None:
    step = current_step(plan)
    if step is None:
        return
    notifications.notify(
        users=approvers_of(plan, step),
        kind="trip_approval",
        params={"number": plan.number, "step": step.role},
        target=plan,
        url=plan_url(plan),
    )


def decide(
    *,
    actor: Any,
    plan: TripPlan,
    expected_version: int,
    approve: bool,
    comment: str = "",
) -> TripPlan:
    """The current step approves (the next approver is told; after the last one the
    requests are dispatched) or rejects (the plan goes back to its planner as a draft)."""
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the plan is rejected.")})
    with transaction.atomic():
        current = _lock(plan, expected_version)
        _visible(actor, current)
        _require_status(current, [TripStatus.SUBMITTED], _("decide on"))
        step = current_step(current)
        if not may_decide(actor, current, step):
            raise PermissionDenied(
                _("This step waits for the %(role)s.")
                % {"role": step.get_role_display() if step else "—"}
            )
        assert step is not None
        now = clock_now()
        step.decision = Decision.APPROVED if approve else Decision.REJECTED
        step.decided_by = actor
        step.decided_at = now
        step.comment = comment
        step.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        role = step.get_role_display()
        if not approve:
            current.status = TripStatus.DRAFT
            current.rejection_comment = comment
            _save(current, ["status", "rejection_comment"])
            record(
                actor=actor,
                action="reject",
                obj=current,
                changes={"status": [TripStatus.SUBMITTED, TripStatus.DRAFT], "step": [None, role]},
                message=comment,
            )
            _on_requests(current, actor=actor, action="trip_rejected", changes={}, message=comment)
            notifications.notify(
                users=[current.planner_id],
                kind="trip_rejected",
                params={"number": current.number, "step": step.role},
                target=current,
                url=plan_url(current),
            )
            return current
        record(
            actor=actor,
            action="approve_step",
            obj=current,
            changes={"step": [None, role]},
            message=comment,
        )
        _on_requests(
            current,
            actor=actor,
            action="trip_step_approved",
            changes={"step": [None, role]},
            message=comment,
        )
        if current_step(current) is not None:
            _save(current, [])
            _notify_next(current)
            return current
        current.status = TripStatus.APPROVED
        current.approved_at = now
        _save(current, ["status", "approved_at"])
        record(
            actor=actor,
            action="approve",
            obj=current,
            changes={"status": [TripStatus.SUBMITTED, TripStatus.APPROVED]},
        )
        _dispatch_requests(current)
        notifications.notify(
            users=[current.planner_id, *current.engineers.values_list("pk", flat=True)],
            kind="trip_approved",
            params={"number": current.number},
            target=current,
            url=plan_url(current),
        )
        return current


def _dispatch_requests(plan: TripPlan) -> None:
    """Dispatch each request of an approved plan, in the name of its planner (who may, as
    checked when planning) or else its owner; requests already sent are left as they are."""
    for request in plan.requests.order_by("pk"):
        if request.status in {Status.DISPATCHED, Status.ON_SITE}:
            continue
        if request.status not in DISPATCHABLE:
            raise Conflict(
                _("%(number)s is %(status)s and cannot be dispatched; resume or re-plan it.")
                % {"number": request.number, "status": request.get_status_display()},
                code="invalid_transition",
            )
        actor = plan.planner if may_plan(plan.planner, request) else request.owner
        if actor is None or not may_plan(actor, request):
            raise Conflict(
                _("Nobody may dispatch %(number)s: it has no owner.") % {"number": request.number},
                code="invalid_transition",
            )
        requests.dispatch(actor=actor, request=request, expected_version=request.version)


def cancel_plan(*, actor: Any, plan: TripPlan, expected_version: int, reason: str) -> TripPlan:
    """Cancel a plan before it is approved."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is cancelled.")})
    with transaction.atomic():
        current = _lock(plan, expected_version)
        _visible(actor, current)
        if not may_manage(actor, current):
            raise PermissionDenied(_("You may not cancel this trip plan."))
        _require_status(current, [TripStatus.DRAFT, TripStatus.SUBMITTED], _("cancel"))
        old = current.status
        current.status = TripStatus.CANCELLED
        TripApproval.objects.filter(
            plan=current, round=current.round, decision=Decision.PENDING
        ).delete()
        _save(current, ["status"])
        record(
            actor=actor,
            action="cancel",
            obj=current,
            changes={"status": [old, current.status]},
            message=reason,
        )
        _on_requests(current, actor=actor, action="trip_cancelled", changes={}, message=reason)
        return current


def _travel(
    *, actor: Any, plan: TripPlan, expected_version: int, action: str, at: dt.datetime | None
) -> TripPlan:
    source, target, stamp = {
        "depart": (TripStatus.APPROVED, TripStatus.DEPARTED, "departed_at"),
        "return": (TripStatus.DEPARTED, TripStatus.RETURNED, "returned_at"),
    }[action]
    with transaction.atomic():
        current = _lock(plan, expected_version)
        _visible(actor, current)
        if not may_travel(actor, current):
            raise PermissionDenied(_("Only the engineers of the trip report it."))
        label = _("report the departure of") if action == "depart" else _("report the return of")
        _require_status(current, [source], label)
        now = clock_now()
        when = at or now
        if when > now + requests.FUTURE_TOLERANCE:
            raise ValidationError({"at": _("The time cannot be in the future.")})
        if action == "return" and current.departed_at and when < current.departed_at:
            raise ValidationError({"at": _("The return cannot come before the departure.")})
        current.status = target
        setattr(current, stamp, when)
        _save(current, ["status", stamp])
        record(
            actor=actor,
            action=action,
            obj=current,
            changes={"status": [source, target], stamp: [None, when]},
        )
        return current


def depart(
    *, actor: Any, plan: TripPlan, expected_version: int, at: dt.datetime | None = None
) -> TripPlan:
    """The engineers set off (出差登记: the departure time of the register)."""
    return _travel(
        actor=actor, plan=plan, expected_version=expected_version, action="depart", at=at
    )


def return_home(
    *, actor: Any, plan: TripPlan, expected_version: int, at: dt.datetime | None = None
) -> TripPlan:
    """The engineers are back."""
    return _travel(
        actor=actor, plan=plan, expected_version=expected_version, action="return", at=at
    )


# --- The dispatch guard -----------------------------------------------------------------------


def require_approved_plan(*, request: Any, action: str, actor: Any) -> None:
    """Transition guard: a request is dispatched only under an approved trip plan."""
    if action != "dispatch":
        return
    from aftersales.field.models.trips import APPROVED_STATES

    if not TripPlan.objects.filter(requests=request, status__in=APPROVED_STATES).exists():
        raise ValidationError(
            _("A request is dispatched by approving its trip plan; plan the trip first.")
        )
