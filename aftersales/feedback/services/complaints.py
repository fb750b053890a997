"""Use cases of complaints (three steps, departments' parts, opinion form) and suggestions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, snapshot
from aftersales.feedback.choices import (
    COMPLAINT_TRANSITIONS,
    ComplaintStep,
    ReturnVisitStatus,
    Severity,
    SuggestionStatus,
)
from aftersales.feedback.models import Complaint, ComplaintPart, ReturnVisit, Suggestion
from aftersales.feedback.services.common import in_department, lock, require_perm
from aftersales.service.choices import RequestType
from aftersales.service.models import ServiceRequest

# The complaint promise of SPEC §4 when no SLA response clock runs for the request.
CONFIRM_WITHIN = dt.timedelta(hours=24)


def _url(request: Any) -> str:
    return f"/complaints/{request.pk}/"


def confirm_deadline(request: Any) -> dt.datetime:
    """The complaint's 24-hour promise: the request's response clock (the complaint SLA
    policy), else 24 h after it was received."""
    from aftersales.sla.choices import TargetKind
    from aftersales.sla.models import Clock

    due = (
        Clock.objects.filter(request=request, kind=TargetKind.RESPONSE)
        .values_list("due_at", flat=True)
        .first()
    )
    return due or request.received_at + CONFIRM_WITHIN


def complaint_for(*, actor: Any, request: ServiceRequest) -> Complaint:
    """The handling record of a complaint request (created on first need)."""
    if request.request_type != RequestType.COMPLAINT:
        raise ValidationError({"request_type": _("This request is not a complaint.")})
    existing = Complaint.objects.filter(request=request).first()
    if existing is not None:
        return existing
    complaint = Complaint(request=request, confirm_due_at=confirm_deadline(request))
    with transaction.atomic():
        complaint.save(force_insert=True)
        record(
            actor=actor,
            action="complaint_opened",
            obj=complaint,
            changes={"confirm_due_at": [None, complaint.confirm_due_at]},
        )
    return complaint


def _start(
    actor: Any, complaint: Complaint, action: str, expected_version: int | None
) -> tuple[Complaint, str]:
    require_perm(actor, "feedback.change_complaint")
    current = lock(Complaint, complaint.pk, expected_version)
    if not Complaint.objects.visible_to(actor).filter(pk=current.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    sources, target = COMPLAINT_TRANSITIONS[action]
    if current.step not in sources:
        raise Conflict(
            _("This complaint is at the step “%(step)s”.") % {"step": current.get_step_display()},
            code="invalid_step",
        )
    old = current.step
    current.step = target
    return current, old


def _save(actor: Any, complaint: Complaint, action: str, old: str, fields: list[str]) -> None:
    before = dict.fromkeys(fields)
    complaint.version += 1
    complaint.save(update_fields=sorted({*fields, "step", "version", "updated_at"}))
    changes = {"step": [old, complaint.step], **diff(before, snapshot(complaint, fields))}
    record(actor=actor, action=f"complaint_{action}", obj=complaint, changes=changes)
    record(
        actor=actor,
        action=f"complaint_{action}",
        obj=complaint.request,
        changes={"complaint_step": [old, complaint.step]},
    )


def confirm_complaint(
    *,
    actor: Any,
    complaint: Complaint,
    expected_version: int | None,
    problem: str,
    preliminary_solution: str,
) -> Complaint:
    """Step 1: the problem confirmed and a preliminary solution given to the customer (as a
    reply on the request); records whether it was within the 24-hour promise."""
    from aftersales.service import services as requests

    errors = {}
    if not problem.strip():
        errors["problem"] = _("Describe the problem as confirmed with the customer.")
    if not preliminary_solution.strip():
        errors["preliminary_solution"] = _("Give the customer a preliminary solution.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current, old = _start(actor, complaint, "confirm", expected_version)
        now = clock.now()
        current.problem = problem
        current.preliminary_solution = preliminary_solution
        current.confirmed_at = now
        current.confirmed_by = actor
        current.confirmed_in_time = now <= current.confirm_due_at
        requests.add_reply(
            actor=actor,
            request=current.request,
            body=_("Problem confirmed: %(problem)s\nPreliminary solution: %(solution)s")
            % {"problem": problem, "solution": preliminary_solution},
        )
        _save(
            actor,
            current,
            "confirm",
            old,
            [
                "problem",
                "preliminary_solution",
                "confirmed_at",
                "confirmed_by",
                "confirmed_in_time",
            ],
        )
        return current


def plan_complaint(
    *,
    actor: Any,
    complaint: Complaint,
    expected_version: int | None,
    severity: str,
    plan: str,
    parts: Sequence[dict[str, Any]],
) -> Complaint:
    """Step 2: a plan by severity, each department concerned given its part."""
    errors: dict[str, str] = {}
    if severity not in Severity.values:
        errors["severity"] = _("Choose how severe the complaint is.")
    if not plan.strip():
        errors["plan"] = _("Describe the plan.")
    departments = [p["department"] for p in parts]
    if not parts:
        errors["parts"] = _("Name at least one department concerned and its part.")
    elif len({d.pk for d in departments}) != len(departments):
        errors["parts"] = _("Each department is named once.")
    elif any(not str(p.get("task", "")).strip() for p in parts):
        errors["parts"] = _("Say what each department must do.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current, old = _start(actor, complaint, "plan", expected_version)
        current.severity = severity
        current.plan = plan
        current.planned_at = clock.now()
        current.planned_by = actor
        rows = ComplaintPart.objects.bulk_create(
            ComplaintPart(
                complaint=current,
                department=p["department"],
                task=p["task"],
                due_on=p.get("due_on"),
            )
            for p in parts
        )
        _save(actor, current, "plan", old, ["severity", "plan", "planned_at", "planned_by"])
        managers = [d.manager_id for d in departments if d.manager_id]
        if managers:
            notifications.notify(
                users=managers,
                kind="complaint_part",
                params={"number": current.request.number},
                target=current.request,
                url=_url(current.request),
            )
        del rows
        return current


def complete_part(*, actor: Any, part: ComplaintPart, result: str) -> ComplaintPart:
    """A department marks its part of the plan done (only that department)."""
    if not result.strip():
        raise ValidationError({"result": _("Say what your department did.")})
    with transaction.atomic():
        current = ComplaintPart.objects.select_for_update().get(pk=part.pk)
        if not in_department(actor, current.department_id):
            raise PermissionDenied(_("Only the department concerned can mark its part done."))
        if current.done_at is not None:
            raise Conflict(_("This part is already done."), code="already_done")
        current.result = result
        current.done_at = clock.now()
        current.done_by = actor
        current.save(update_fields=["result", "done_at", "done_by", "updated_at"])
        complaint = Complaint.objects.select_related("request").get(pk=current.complaint_id)
        for obj in (complaint, complaint.request):
            record(
                actor=actor,
                action="complaint_part_done",
                obj=obj,
                changes={"department": [None, str(current.department)]},
                message=result,
            )
        return current


def execute_complaint(
    *, actor: Any, complaint: Complaint, expected_version: int | None, execution: str
) -> Complaint:
    """Step 3: the plan carried out (every department's part done); a return visit follows
    (if it is already recorded, the complaint is done at once)."""
    if not execution.strip():
        raise ValidationError({"execution": _("Describe what was done.")})
    with transaction.atomic():
        current, old = _start(actor, complaint, "execute", expected_version)
        if current.parts.filter(done_at__isnull=True).exists():
            raise ValidationError(
                {"execution": _("Every department must first mark its part done.")}
            )
        current.execution = execution
        current.executed_at = clock.now()
        current.executed_by = actor
        fields = ["execution", "executed_at", "executed_by"]
        request = current.request
        if ReturnVisit.objects.filter(
            request=request, round=request.reopen_count, status=ReturnVisitStatus.DONE
        ).exists():
            current.step = ComplaintStep.DONE
            current.finished_at = current.executed_at
            fields.append("finished_at")
        _save(actor, current, "execute", old, fields)
        return current


def visit_recorded(*, actor: Any, request: Any) -> None:
    """The request's return visit is recorded: a complaint waiting for it is done."""
    complaint = (
        Complaint.objects.select_for_update()
        .filter(request_id=request.pk, step=ComplaintStep.RETURN_VISIT)
        .first()
    )
    if complaint is None:
        return
    old = complaint.step
    complaint.step = ComplaintStep.DONE
    complaint.finished_at = clock.now()
    _save(actor, complaint, "visit", old, ["finished_at"])


OPINION_FIELDS = ["opinion", "demand"]


def update_opinion(
    *, actor: Any, complaint: Complaint, expected_version: int | None, opinion: str, demand: str
) -> Complaint:
    """Keep the customer's opinion form (顾客意见书): their words and what they ask for."""
    require_perm(actor, "feedback.change_complaint")
    if not opinion.strip():
        raise ValidationError({"opinion": _("Write down the customer's opinion.")})
    with transaction.atomic():
        current = lock(Complaint, complaint.pk, expected_version)
        if not Complaint.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        before = snapshot(current, OPINION_FIELDS)
        current.opinion, current.demand = opinion, demand
        changes = diff(before, snapshot(current, OPINION_FIELDS))
        if changes:
            current.version += 1
            current.save(update_fields=[*OPINION_FIELDS, "version", "updated_at"])
            record(actor=actor, action="opinion_form_updated", obj=current, changes=changes)
        return current


# --- Suggestions ----------------------------------------------------------------------------


def route_suggestion(
    *, actor: Any, request: ServiceRequest, department: Department, note: str = ""
) -> Suggestion:
    """Send a customer's suggestion to the department concerned (again, to re-route it)."""
    require_perm(actor, "feedback.change_suggestion")
    if request.request_type != RequestType.SUGGESTION:
        raise ValidationError({"request_type": _("This request is not a suggestion.")})
    if not department.is_active:
        raise ValidationError({"department": _("Choose an active department.")})
    with transaction.atomic():
        if not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        now = clock.now()
        current = Suggestion.objects.select_for_update().filter(request=request).first()
        if current is not None and current.status == SuggestionStatus.ANSWERED:
            raise Conflict(_("This suggestion is already answered."), code="answered")
        if current is None:
            current = Suggestion(
                request=request, department=department, note=note, routed_by=actor, routed_at=now
            )
            current.save(force_insert=True)
            old = None
        else:
            old = str(current.department)
            current.department, current.note = department, note
            current.routed_by, current.routed_at = actor, now
            current.version += 1
            current.save(update_fields=["department", "note", "routed_by", "routed_at", "version"])
        for obj in (current, request):
            record(
                actor=actor,
                action="suggestion_routed",
                obj=obj,
                changes={"department": [old, str(department)]},
                message=note,
            )
        if department.manager_id:
            notifications.notify(
                users=[department.manager_id],
                kind="suggestion_routed",
                params={"number": request.number},
                target=request,
                url=f"/suggestions/{request.pk}/",
            )
        return current


def answer_suggestion(
    *, actor: Any, suggestion: Suggestion, expected_version: int | None, answer: str
) -> Suggestion:
    """The department's answer, sent back to the customer (shown on their portal page)."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer to the customer.")})
    with transaction.atomic():
        current = lock(Suggestion, suggestion.pk, expected_version)
        if not in_department(actor, current.department_id):
            raise PermissionDenied(_("Only the department concerned can answer."))
        if current.status == SuggestionStatus.ANSWERED:
            raise Conflict(_("This suggestion is already answered."), code="answered")
        current.answer = answer
        current.status = SuggestionStatus.ANSWERED
        current.answered_by = actor
        current.answered_at = clock.now()
        current.version += 1
        current.save(
            update_fields=[
                "answer",
                "status",
                "answered_by",
                "answered_at",
                "version",
                "updated_at",
            ]
        )
        request = ServiceRequest.objects.select_related("contact").get(pk=current.request_id)
        for obj in (current, request):
            record(
                actor=actor,
                action="suggestion_answered",
                obj=obj,
                changes={"status": [SuggestionStatus.ROUTED, SuggestionStatus.ANSWERED]},
                message=answer,
            )
        portal_user = request.contact.user_id if request.contact else None
        if portal_user:
            notifications.notify(
                users=[portal_user],
                kind="suggestion_answered",
                params={"number": request.number},
                target=request,
                url=f"/portal/requests/{request.pk}/",
            )
        return current
