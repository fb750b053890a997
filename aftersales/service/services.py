"""Use cases of service requests. Each transition is one function, one history row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.roles import scope_of
from aftersales.core import notifications
from aftersales.core.clock import now as clock_now
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, snapshot
from aftersales.core.models import Attachment
from aftersales.core.numbering import next_number
from aftersales.core.services import add_attachment
from aftersales.customers.models import Company
from aftersales.service import search, signals
from aftersales.service.choices import (
    WAITING,
    CancelReason,
    Channel,
    MessageKind,
    Status,
)
from aftersales.service.models import Expert, Message, ServiceRequest
from aftersales.service.transitions import ACTIONS, TRANSITIONS, holds
from aftersales.sla import services as sla
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock

EDITABLE = [
    "title",
    "description",
    "category",
    "priority",
    "request_type",
    "contact",
    "site",
    "equipment",
]
# Changing these re-targets the request's clocks.
SLA_FIELDS = {"priority", "request_type", "site"}
# A little tolerance for clocks of client machines registering "now".
FUTURE_TOLERANCE = dt.timedelta(minutes=2)


def _url(request: ServiceRequest) -> str:
    return f"/requests/{request.pk}/"


def _lock(request: ServiceRequest, expected_version: int | None) -> ServiceRequest:
    """Reload and lock the request; a stale ``expected_version`` changes nothing (409)."""
    current = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this request in the meantime. Reload and try again."),
            code="stale_version",
            current={
                "version": current.version,
                **snapshot(current, ["status", "owner", "priority", "title", "description"]),
            },
        )
    return current


def _require_visible(actor: Any, request: ServiceRequest) -> None:
    if not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


def _require(actor: Any, action: str, request: ServiceRequest) -> None:
    who = TRANSITIONS[action].who if action in TRANSITIONS else ACTIONS[action]
    if not holds(actor, who, request):
        raise PermissionDenied(_("You may not do this on this request."))


def _clocks(request: ServiceRequest) -> list[Clock]:
    return list(Clock.objects.filter(request=request).order_by("kind"))


def _refresh_sla(request: ServiceRequest, clocks: list[Clock], now: dt.datetime) -> list[str]:
    request.next_due_at, request.sla_state = sla.summarise(clocks, now)
    return ["next_due_at", "sla_state", "calendar_missing"]


def _save(request: ServiceRequest, fields: list[str]) -> None:
    request.version += 1
    request.save(update_fields=sorted({*fields, "version", "updated_at"}))


def _region(request: ServiceRequest) -> str:
    if request.site_id and request.site and request.site.region_class:
        return request.site.region_class
    return request.company.region_class


def _policies(request: ServiceRequest) -> dict[str, Any]:
    return sla.select_policies(
        tier=request.company.tier,
        request_type=request.request_type,
        priority=request.priority,
        region=_region(request),
    )


def _check_links(request: ServiceRequest) -> None:
    errors: dict[str, str] = {}
    for name in ("contact", "site", "equipment"):
        obj = getattr(request, name)
        if obj is not None and obj.company_id != request.company_id:
            errors[name] = _("This belongs to another customer.")
    if errors:
        raise ValidationError(errors)


def _search_document(request: ServiceRequest) -> str:
    return search.document(
        [
            request.number,
            request.title,
            request.description,
            request.company.name,
            request.company.name_en,
            request.equipment.serial_number if request.equipment else "",
        ]
    )


# --- Registration ---------------------------------------------------------------------------


def register_request(*, actor: Any, data: Mapping[str, Any]) -> ServiceRequest:
    """Register a call, visit, letter or portal ticket (顾客服务登记); starts the SLA clocks.

    ``data`` holds the model fields; ``owner`` in it accepts the request at once for that
    owner. A portal user registers for their own company, now, through the portal.
    """
    scope = scope_of(actor)
    now = clock_now()
    values = dict(data)
    owner = values.pop("owner", None)
    if scope.is_portal:
        company = Company.objects.filter(pk=scope.company_id or 0).first()
        if company is None:
            raise PermissionDenied(_("Your portal account is not linked to a customer."))
        values.update(
            company=company,
            channel=Channel.PORTAL,
            received_at=now,
            contact=getattr(actor, "contact", None),
        )
        owner = None
    elif not actor.has_perm("service.add_servicerequest"):
        raise PermissionDenied(_("You do not have permission to do this."))
    received = values.get("received_at") or now
    if received > now + FUTURE_TOLERANCE:
        raise ValidationError({"received_at": _("The time received cannot be in the future.")})
    values["received_at"] = received
    with transaction.atomic():
        company = values["company"]
        if not Company.objects.visible_to(actor).filter(pk=company.pk).exists():
            raise ValidationError({"company": _("Unknown customer.")})
        request = ServiceRequest(created_by=actor, status=Status.NEW, **values)
        # Until someone accepts it, a new request sits with the department that serves the
        # customer, so that department's manager and engineers see it in their queue.
        request.department_id = company.service_department_id
        _check_links(request)
        request.number = next_number("SR")
        request.search_document = _search_document(request)
        request.full_clean(exclude=["owner", "created_by"])
        request.save(force_insert=True)
        record(
            actor=actor,
            action="created",
            obj=request,
            changes={
                k: [None, v]
                for k, v in snapshot(
                    request,
                    [
                        "number",
                        "channel",
                        "request_type",
                        "priority",
                        "company",
                        "contact",
                        "site",
                        "equipment",
                        "title",
                        "received_at",
                        "category",
                    ],
                ).items()
            },
        )
        cal = sla.load_calendar()
        clocks = sla.start_clocks(request=request, policies=_policies(request), cal=cal)
        _refresh_sla(request, clocks, now)
        request.save(update_fields=["next_due_at", "sla_state", "calendar_missing"])
        if owner is not None:
            request = accept_request(
                actor=actor, request=request, expected_version=None, owner=owner
            )
        return request


def update_request(
    *, actor: Any, request: ServiceRequest, expected_version: int, changes: Mapping[str, Any]
) -> ServiceRequest:
    """Correct a request's details; priority, type or site changes re-target its clocks."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    with transaction.atomic():
        current = _lock(request, expected_version)
        _require_visible(actor, current)
        _require(actor, "update", current)
        if current.status in {Status.CLOSED, Status.CANCELLED}:
            raise Conflict(_("A closed or cancelled request cannot be edited."), code="closed")
        before = snapshot(current, list(changes))
        for name, value in changes.items():
            setattr(current, name, value)
        changed = diff(before, snapshot(current, list(changes)))
        if not changed:
            return current
        _check_links(current)
        current.full_clean(exclude=["owner", "created_by"])
        fields = [*changes, "search_document"]
        current.search_document = _search_document(current)
        if SLA_FIELDS & set(changed):
            fields += _retarget(current)
        _save(current, fields)
        record(actor=actor, action="updated", obj=current, changes=changed)
        return current


def _retarget(request: ServiceRequest) -> list[str]:
    """Apply the policies that now match, keeping the time each clock has used."""
    now = clock_now()
    cal = sla.load_calendar()
    clocks = {c.kind: c for c in _clocks(request)}
    policies = _policies(request)
    for kind, clock in clocks.items():
        policy = policies.get(kind)
        if policy is None:
            sla.stop(clocks=[clock], at=now)
            continue
        minutes, mode = policy.target(kind)
        if clock.met_at or clock.stopped_at:
            continue
        running = clock.running_since is not None
        if running:
            sla.pause(clocks=[clock], cal=cal, at=now)
        clock.policy, clock.target_minutes, clock.mode = policy, minutes, mode
        clock.warn_percent = policy.warn_percent
        clock.escalation_interval_minutes = policy.escalation_interval_minutes
        clock.save(
            update_fields=[
                "policy",
                "target_minutes",
                "mode",
                "warn_percent",
                "escalation_interval_minutes",
            ]
        )
        if running:
            sla.resume(clocks=[clock], cal=cal, at=now, request=request)
    new = {k: p for k, p in policies.items() if k not in clocks}
    if new:
        started = sla.start_clocks(request=request, policies=new, cal=cal)
        if request.status in WAITING:
            sla.pause(clocks=started, cal=cal, at=now)
    return _refresh_sla(request, _clocks(request), now)


# --- Transitions ----------------------------------------------------------------------------


def _transition(
    *,
    actor: Any,
    request: ServiceRequest,
    action: str,
    expected_version: int | None,
    reason: str = "",
) -> tuple[ServiceRequest, str, list[Clock], sla.WorkingCalendar, dt.datetime]:
    """Lock, check visibility, role and source status; set the target status."""
    current = _lock(request, expected_version)
    _require_visible(actor, current)
    rule = TRANSITIONS[action]
    if current.status not in rule.sources:
        raise Conflict(
            _("Cannot %(action)s a request that is %(status)s.")
            % {"action": _action_label(action), "status": current.get_status_display()},
            code="invalid_transition",
        )
    _require(actor, action, current)
    signals.check_guards(request=current, action=action, actor=actor)
    old = current.status
    current.status = rule.target or current.resume_status or Status.IN_PROGRESS
    return current, old, _clocks(current), sla.load_calendar(), clock_now()


def _finish(
    *,
    actor: Any,
    request: ServiceRequest,
    action: str,
    old: str,
    clocks: list[Clock],
    now: dt.datetime,
    fields: list[str],
    changes: dict[str, Any] | None = None,
    message: str = "",
) -> ServiceRequest:
    fields = [*fields, "status", *_refresh_sla(request, clocks, now)]
    _save(request, fields)
    record(
        actor=actor,
        action=action,
        obj=request,
        changes={"status": [old, request.status], **(changes or {})},
        message=message,
    )
    signals.status_changed.send(
        sender=ServiceRequest, request=request, action=action, old_status=old, actor=actor
    )
    return request


def _action_label(action: str) -> str:
    labels = {
        "accept": _("accept"),
        "start": _("start work on"),
        "dispatch": _("dispatch"),
        "arrive": _("report arrival on"),
        "wait_customer": _("put on hold"),
        "wait_parts": _("put on hold"),
        "wait_supplier": _("put on hold"),
        "resume": _("resume"),
        "resolve": _("resolve"),
        "confirm": _("confirm"),
        "reject": _("reject the resolution of"),
        "close": _("close"),
        "reopen": _("reopen"),
        "cancel": _("cancel"),
        "merge": _("merge"),
    }
    return str(labels.get(action, action))


def _check_owner(owner: Any) -> None:
    scope = scope_of(owner)
    if not owner.is_active or scope.is_portal or not scope.roles:
        raise ValidationError({"owner": _("The owner must be an active member of staff.")})


def accept_request(
    *, actor: Any, request: ServiceRequest, expected_version: int | None, owner: Any = None
) -> ServiceRequest:
    """Accept a new request; the actor (or ``owner``) becomes its accountable owner."""
    with transaction.atomic():
        current, old, clocks, _cal, now = _transition(
            actor=actor, request=request, action="accept", expected_version=expected_version
        )
        owner = owner or actor
        _check_owner(owner)
        current.owner = owner
        if owner.department_id:
            current.department_id = owner.department_id
        current.accepted_at = now
        result = _finish(
            actor=actor,
            request=current,
            action="accept",
            old=old,
            clocks=clocks,
            now=now,
            fields=["owner", "department", "accepted_at"],
            changes={"owner": [None, {"id": owner.pk, "repr": str(owner)}]},
        )
        if owner.pk != getattr(actor, "pk", None):
            _notify_owner(result)
        return result


def _notify_owner(request: ServiceRequest) -> None:
    assert request.owner_id is not None
    notifications.notify(
        users=[request.owner_id],
        kind="request_assigned",
        params={"number": request.number, "title": request.title},
        target=request,
        url=_url(request),
    )


def _stamped(
    *,
    actor: Any,
    request: ServiceRequest,
    action: str,
    expected_version: int | None,
    stamp: str | None,
    message: str = "",
) -> ServiceRequest:
    """A transition whose only effect besides the status is a milestone time (``stamp``)."""
    with transaction.atomic():
        current, old, clocks, _cal, now = _transition(
            actor=actor, request=request, action=action, expected_version=expected_version
        )
        if stamp:
            setattr(current, stamp, now)
        return _finish(
            actor=actor,
            request=current,
            action=action,
            old=old,
            clocks=clocks,
            now=now,
            fields=[stamp] if stamp else [],
            message=message,
        )


def start_work(*, actor: Any, request: ServiceRequest, expected_version: int) -> ServiceRequest:
    """The owner starts working on an accepted request."""
    return _stamped(
        actor=actor, request=request, action="start", expected_version=expected_version, stamp=None
    )


def dispatch(*, actor: Any, request: ServiceRequest, expected_version: int) -> ServiceRequest:
    """Send engineers to site; the on-site clock keeps running until they arrive."""
    return _stamped(
        actor=actor,
        request=request,
        action="dispatch",
        expected_version=expected_version,
        stamp="dispatched_at",
    )


def arrive(
    *, actor: Any, request: ServiceRequest, expected_version: int, at: dt.datetime | None = None
) -> ServiceRequest:
    """The engineer reports arrival on site: the arrival clock is met."""
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action="arrive", expected_version=expected_version
        )
        arrived = at or now
        if arrived > now + FUTURE_TOLERANCE or (
            current.dispatched_at and arrived < current.dispatched_at
        ):
            raise ValidationError({"at": _("The arrival time must lie between dispatch and now.")})
        current.on_site_at = arrived
        sla.meet(clocks=clocks, kinds=[TargetKind.ARRIVAL], cal=cal, at=arrived)
        return _finish(
            actor=actor,
            request=current,
            action="arrive",
            old=old,
            clocks=clocks,
            now=now,
            fields=["on_site_at"],
        )


def wait(
    *, actor: Any, request: ServiceRequest, expected_version: int, status: str, reason: str
) -> ServiceRequest:
    """Put a request on hold for the customer, parts or a supplier: its clocks pause."""
    action = {
        Status.WAITING_CUSTOMER: "wait_customer",
        Status.WAITING_PARTS: "wait_parts",
        Status.WAITING_SUPPLIER: "wait_supplier",
    }.get(status)  # type: ignore[call-overload]
    if action is None:
        raise ValidationError({"status": _("Choose what the request waits for.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the request is waiting for.")})
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action=action, expected_version=expected_version
        )
        current.resume_status = old
        sla.pause(clocks=clocks, cal=cal, at=now)
        return _finish(
            actor=actor,
            request=current,
            action=action,
            old=old,
            clocks=clocks,
            now=now,
            fields=["resume_status"],
            message=reason,
        )


def resume(*, actor: Any, request: ServiceRequest, expected_version: int | None) -> ServiceRequest:
    """End a waiting state: back to the working status it left, clocks running again."""
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action="resume", expected_version=expected_version
        )
        current.resume_status = ""
        sla.resume(clocks=clocks, cal=cal, at=now, request=current)
        return _finish(
            actor=actor,
            request=current,
            action="resume",
            old=old,
            clocks=clocks,
            now=now,
            fields=["resume_status"],
        )


def resolve(
    *, actor: Any, request: ServiceRequest, expected_version: int, resolution: str
) -> ServiceRequest:
    """Resolve: the resolution is sent to the customer as a reply; resolution clock met.

    A request solved without a visit meets its arrival promise too: nobody needs to come.
    """
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe the cause and the fix.")})
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action="resolve", expected_version=expected_version
        )
        current.resolution = resolution
        current.resolved_at = now
        Message.objects.create(
            request=current, kind=MessageKind.REPLY, author=actor, body=resolution
        )
        if current.first_response_at is None:
            current.first_response_at = now
        sla.meet(
            clocks=clocks,
            kinds=[TargetKind.RESPONSE, TargetKind.ARRIVAL, TargetKind.RESOLUTION],
            cal=cal,
            at=now,
        )
        return _finish(
            actor=actor,
            request=current,
            action="resolve",
            old=old,
            clocks=clocks,
            now=now,
            fields=["resolution", "resolved_at", "first_response_at"],
            message=resolution,
        )


def confirm_resolution(
    *, actor: Any, request: ServiceRequest, expected_version: int | None, comment: str = ""
) -> ServiceRequest:
    """The customer (or staff recording the customer's word) confirms the resolution."""
    return _stamped(
        actor=actor,
        request=request,
        action="confirm",
        expected_version=expected_version,
        stamp="confirmed_at",
        message=comment,
    )


def reject_resolution(
    *, actor: Any, request: ServiceRequest, expected_version: int | None, reason: str
) -> ServiceRequest:
    """The customer rejects the resolution with a reason: the request is reopened."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the problem is not solved.")})
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action="reject", expected_version=expected_version
        )
        _reopen_fields(current, clocks, cal, now)
        Message.objects.create(request=current, kind=MessageKind.REPLY, author=actor, body=reason)
        return _finish(
            actor=actor,
            request=current,
            action="reject",
            old=old,
            clocks=clocks,
            now=now,
            fields=["resolved_at", "confirmed_at", "reopened_at", "reopen_count"],
            message=reason,
        )


def _reopen_fields(
    request: ServiceRequest, clocks: list[Clock], cal: Any, now: dt.datetime
) -> None:
    request.resolved_at = None
    request.confirmed_at = None
    request.reopened_at = now
    request.reopen_count += 1
    sla.unmeet(clocks=clocks, kinds=[TargetKind.RESOLUTION], cal=cal, at=now, request=request)


def close(*, actor: Any, request: ServiceRequest, expected_version: int) -> ServiceRequest:
    """Close a resolved or confirmed request."""
    return _stamped(
        actor=actor,
        request=request,
        action="close",
        expected_version=expected_version,
        stamp="closed_at",
    )


def reopen(
    *, actor: Any, request: ServiceRequest, expected_version: int, reason: str
) -> ServiceRequest:
    """Reopen a resolved, confirmed or closed request within the reopen window."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the request is reopened.")})
    with transaction.atomic():
        current, old, clocks, cal, now = _transition(
            actor=actor, request=request, action="reopen", expected_version=expected_version
        )
        since = current.closed_at or current.resolved_at
        window = dt.timedelta(days=settings.AFTERSALES_REOPEN_WINDOW_DAYS)
        if since is not None and now - since > window:
            raise Conflict(
                _("This request was finished more than %(days)d days ago; register a new one.")
                % {"days": settings.AFTERSALES_REOPEN_WINDOW_DAYS},
                code="reopen_window_passed",
            )
        current.closed_at = None
        _reopen_fields(current, clocks, cal, now)
        return _finish(
            actor=actor,
            request=current,
            action="reopen",
            old=old,
            clocks=clocks,
            now=now,
            fields=["closed_at", "resolved_at", "confirmed_at", "reopened_at", "reopen_count"],
            message=reason,
        )


def cancel(
    *, actor: Any, request: ServiceRequest, expected_version: int, reason: str, note: str = ""
) -> ServiceRequest:
    """Cancel a duplicate or invalid request; its clocks stop."""
    if reason not in CancelReason.values:
        raise ValidationError({"reason": _("Choose duplicate or invalid.")})
    with transaction.atomic():
        current, old, clocks, _cal, now = _transition(
            actor=actor, request=request, action="cancel", expected_version=expected_version
        )
        current.cancelled_at = now
        current.cancel_reason = reason
        sla.stop(clocks=clocks, at=now)
        return _finish(
            actor=actor,
            request=current,
            action="cancel",
            old=old,
            clocks=clocks,
            now=now,
            fields=["cancelled_at", "cancel_reason"],
            changes={"cancel_reason": ["", reason]},
            message=note,
        )


def merge(
    *,
    actor: Any,
    request: ServiceRequest,
    expected_version: int,
    into: ServiceRequest,
    note: str = "",
) -> ServiceRequest:
    """Merge a duplicate into the surviving request of the same customer.

    The duplicate keeps its history and conversation and points to the survivor; the
    survivor gets a history row and an internal note naming the duplicate.
    """
    if into.pk == request.pk:
        raise ValidationError({"into": _("A request cannot be merged into itself.")})
    with transaction.atomic():
        survivor = ServiceRequest.objects.select_for_update().get(pk=into.pk)
        if not ServiceRequest.objects.visible_to(actor).filter(pk=survivor.pk).exists():
            raise ValidationError({"into": _("Unknown request.")})
        if survivor.status == Status.CANCELLED:
            raise ValidationError({"into": _("The surviving request is cancelled.")})
        current, old, clocks, _cal, now = _transition(
            actor=actor, request=request, action="merge", expected_version=expected_version
        )
        if survivor.company_id != current.company_id:
            raise ValidationError({"into": _("Both requests must be of the same customer.")})
        current.merged_into = survivor
        current.cancelled_at = now
        current.cancel_reason = CancelReason.DUPLICATE
        sla.stop(clocks=clocks, at=now)
        result = _finish(
            actor=actor,
            request=current,
            action="merge",
            old=old,
            clocks=clocks,
            now=now,
            fields=["merged_into", "cancelled_at", "cancel_reason"],
            changes={"merged_into": [None, {"id": survivor.pk, "repr": survivor.number}]},
            message=note,
        )
        Message.objects.create(
            request=survivor,
            kind=MessageKind.NOTE,
            author=actor,
            body=_("%(number)s was merged into this request.") % {"number": current.number}
            + (f"\n{note}" if note else ""),
        )
        record(
            actor=actor,
            action="merged_in",
            obj=survivor,
            changes={"merged_requests": [None, {"id": current.pk, "repr": current.number}]},
        )
        return result


# --- Owner and experts ----------------------------------------------------------------------


def assign(
    *, actor: Any, request: ServiceRequest, expected_version: int, owner: Any, reason: str
) -> ServiceRequest:
    """Hand the request to a new accountable owner (首席负责制): explicit, with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the owner changes.")})
    with transaction.atomic():
        current = _lock(request, expected_version)
        _require_visible(actor, current)
        _require(actor, "assign", current)
        if current.status == Status.NEW:
            raise Conflict(
                _("Accept the request first; acceptance names its owner."),
                code="invalid_transition",
            )
        if current.status in {Status.CLOSED, Status.CANCELLED}:
            raise Conflict(
                _("A closed or cancelled request cannot change owner."), code="invalid_transition"
            )
        _check_owner(owner)
        if owner.pk == current.owner_id:
            raise ValidationError({"owner": _("This person already owns the request.")})
        before = snapshot(current, ["owner", "department"])
        current.owner = owner
        if owner.department_id:
            current.department_id = owner.department_id
        _save(current, ["owner", "department"])
        record(
            actor=actor,
            action="reassign",
            obj=current,
            changes=diff(before, snapshot(current, ["owner", "department"])),
            message=reason,
        )
        _notify_owner(current)
        return current


def invite_expert(*, actor: Any, request: ServiceRequest, expert: Any, reason: str = "") -> Expert:
    """Invite an expert to consult (专家会诊): they see the request and add notes."""
    with transaction.atomic():
        current = _lock(request, None)
        _require_visible(actor, current)
        _require(actor, "invite_expert", current)
        _check_owner(expert)
        if expert.pk == current.owner_id:
            raise ValidationError({"expert": _("The owner is already on the request.")})
        if Expert.objects.filter(request=current, user=expert).exists():
            raise ValidationError({"expert": _("This expert is already consulted.")})
        invitation = Expert.objects.create(
            request=current, user=expert, invited_by=actor, invited_at=clock_now(), reason=reason
        )
        record(
            actor=actor,
            action="expert_invited",
            obj=current,
            changes={"experts": [None, {"id": expert.pk, "repr": str(expert)}]},
            message=reason,
        )
        notifications.notify(
            users=[expert.pk],
            kind="expert_invited",
            params={"number": current.number, "title": current.title},
            target=current,
            url=_url(current),
        )
        return invitation


# --- Conversation ---------------------------------------------------------------------------


def add_reply(*, actor: Any, request: ServiceRequest, body: str) -> Message:
    """A reply the customer sees. Staff's first reply meets the first-response promise; a
    customer's reply to a request waiting for them resumes it."""
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    with transaction.atomic():
        current = _lock(request, None)
        _require_visible(actor, current)
        _require(actor, "reply", current)
        if current.status in {Status.CLOSED, Status.CANCELLED}:
            raise Conflict(_("A closed or cancelled request takes no more replies."), code="closed")
        message = Message.objects.create(
            request=current, kind=MessageKind.REPLY, author=actor, body=body
        )
        now = message.created_at
        if scope_of(actor).is_portal:
            record(actor=actor, action="customer_reply", obj=current, message=body)
            if current.owner_id:
                notifications.notify(
                    users=[current.owner_id],
                    kind="customer_replied",
                    params={"number": current.number},
                    target=current,
                    url=_url(current),
                )
            if current.status == Status.WAITING_CUSTOMER:
                _resume_for_customer(actor, current)
            return message
        record(actor=actor, action="reply", obj=current, message=body)
        if current.first_response_at is None:
            current.first_response_at = now
            clocks = _clocks(current)
            sla.meet(clocks=clocks, kinds=[TargetKind.RESPONSE], cal=sla.load_calendar(), at=now)
            _save(current, ["first_response_at", *_refresh_sla(current, clocks, now)])
        return message


def _resume_for_customer(actor: Any, request: ServiceRequest) -> None:
    """The customer answered: the request goes back to work (history says who and why)."""
    clocks = _clocks(request)
    now = clock_now()
    old = request.status
    request.status = request.resume_status or Status.IN_PROGRESS
    request.resume_status = ""
    sla.resume(clocks=clocks, cal=sla.load_calendar(), at=now, request=request)
    _finish(
        actor=actor,
        request=request,
        action="resume",
        old=old,
        clocks=clocks,
        now=now,
        fields=["resume_status"],
        message=_("The customer replied."),
    )


def add_note(*, actor: Any, request: ServiceRequest, body: str) -> Message:
    """An internal note (staff and consulted experts only)."""
    if not body.strip():
        raise ValidationError({"body": _("Write a note.")})
    with transaction.atomic():
        current = ServiceRequest.objects.get(pk=request.pk)
        _require_visible(actor, current)
        _require(actor, "note", current)
        message = Message.objects.create(
            request=current, kind=MessageKind.NOTE, author=actor, body=body
        )
        record(actor=actor, action="note", obj=current, message=body)
        return message


def attach(
    *, actor: Any, request: ServiceRequest, upload: UploadedFile, message: Message | None = None
) -> Attachment:
    """Attach a file to the request, or to one of its messages."""
    with transaction.atomic():
        current = ServiceRequest.objects.get(pk=request.pk)
        _require_visible(actor, current)
        _require(actor, "attach", current)
        target: Any = current
        if message is not None:
            if message.request_id != current.pk:
                raise ValidationError({"message": _("The message belongs to another request.")})
            if scope_of(actor).is_portal and message.kind != MessageKind.REPLY:
                raise PermissionDenied(_("You may not do this on this request."))
            target = message
        attachment = add_attachment(actor=actor, target=target, upload=upload)
        if target is not current:
            record(
                actor=actor,
                action="attachment_added",
                obj=current,
                changes={"attachment": [None, attachment.original_name]},
            )
        return attachment
