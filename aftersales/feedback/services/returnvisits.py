"""Use cases of return visits (回访) and key-account visit schedules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.core import clock
from aftersales.core.dates import add_months
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, snapshot
from aftersales.customers.models import Company
from aftersales.feedback.choices import (
    ContactMethod,
    Rating,
    ReturnVisitKind,
    ReturnVisitStatus,
    ScheduleInterval,
)
from aftersales.feedback.models import ReturnVisit, VisitSchedule
from aftersales.feedback.services.common import add_working_days, lock, require_perm, today

RECORD_FIELDS = ["status", "method", "rating", "solved", "comments", "done_by", "done_at"]


def workers_of(visit: ReturnVisit) -> set[int]:
    """Who did the work a visit asks about: they may not record it themselves."""
    ids: set[int] = {visit.engineer_id} if visit.engineer_id else set()
    if visit.request_id is None:
        return ids
    from aftersales.field.models import ReportLabour, ServiceReport
    from aftersales.service.models import ServiceRequest

    owner = ServiceRequest.objects.filter(pk=visit.request_id).values_list("owner_id", flat=True)
    ids.update(i for i in owner if i)
    ids.update(
        ServiceReport.objects.filter(request_id=visit.request_id).values_list(
            "author_id", flat=True
        )
    )
    ids.update(
        ReportLabour.objects.filter(report__request_id=visit.request_id).values_list(
            "engineer_id", flat=True
        )
    )
    return ids


def ensure_return_visit(*, actor: Any, request: Any, report: Any = None) -> ReturnVisit:
    """The return visit of the request's current round of work, due within the configured
    working days; created once (called inside the confirmation's or sign-off's transaction).
    """
    existing = ReturnVisit.objects.filter(request=request, round=request.reopen_count).first()
    if existing is not None:
        if report is not None and existing.report_id is None:
            existing.report = report
            if existing.status == ReturnVisitStatus.DUE:
                existing.engineer_id = report.author_id
            existing.save(update_fields=["report", "engineer", "updated_at"])
            record(
                actor=actor,
                action="return_visit_report_linked",
                obj=existing,
                changes={"report": [None, {"id": report.pk, "repr": str(report)}]},
            )
        return existing
    visit = ReturnVisit(
        kind=ReturnVisitKind.REQUEST,
        request=request,
        round=request.reopen_count,
        report=report,
        company_id=request.company_id,
        department_id=request.department_id,
        engineer_id=report.author_id if report is not None else request.owner_id,
        due_on=add_working_days(today(), settings.AFTERSALES_RETURN_VISIT_DAYS),
    )
    with transaction.atomic():
        visit.save(force_insert=True)
    record(
        actor=actor,
        action="return_visit_due",
        obj=visit,
        changes={
            k: [None, v] for k, v in snapshot(visit, ["request", "engineer", "due_on"]).items()
        },
    )
    record(
        actor=actor,
        action="return_visit_due",
        obj=request,
        changes={"return_visit_due_on": [None, visit.due_on]},
    )
    return visit


def record_return_visit(
    *,
    actor: Any,
    visit: ReturnVisit,
    expected_version: int | None,
    method: str,
    rating: int,
    comments: str = "",
    solved: bool | None = None,
    praised: Iterable[Any] = (),
) -> ReturnVisit:
    """Record what the customer said. Not by whoever did the work; an unsolved problem
    reopens the request (through the request's own ``reopen``)."""
    require_perm(actor, "feedback.change_returnvisit")
    errors: dict[str, str] = {}
    if method not in ContactMethod.values:
        errors["method"] = _("Choose phone, email or in person.")
    if rating not in Rating.values:
        errors["rating"] = _("Choose one of the five ratings.")
    if visit.request_id is not None and solved is None:
        errors["solved"] = _("Say whether the problem is really solved.")
    if solved is False and not comments.strip():
        errors["comments"] = _("Say what is still wrong.")
    if errors:
        raise ValidationError(errors)
    praised = list(praised)
    with transaction.atomic():
        current = lock(ReturnVisit, visit.pk, expected_version)
        if not ReturnVisit.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if current.status != ReturnVisitStatus.DUE:
            raise Conflict(_("This return visit is already recorded."), code="already_recorded")
        workers = workers_of(current)
        if actor.pk in workers:
            raise PermissionDenied(
                _("You did the work on this request: someone else must make its return visit.")
            )
        if current.request_id is not None:
            outsiders = [u for u in praised if u.pk not in workers]
            if outsiders:
                raise ValidationError(
                    {"praised": _("Only engineers who did this work can be praised here.")}
                )
        before = snapshot(current, RECORD_FIELDS)
        now = clock.now()
        current.status = ReturnVisitStatus.DONE
        current.method = method
        current.rating = rating
        current.comments = comments
        current.solved = solved
        current.done_by = actor
        current.done_at = now
        current.version += 1
        current.save(update_fields=[*RECORD_FIELDS, "version", "updated_at"])
        current.praised.set(praised)
        changes: dict[str, Any] = diff(before, snapshot(current, RECORD_FIELDS))
        if praised:
            changes["praised"] = [None, [{"id": u.pk, "repr": str(u)} for u in praised]]
        record(actor=actor, action="return_visit_recorded", obj=current, changes=changes)
        if current.request_id is not None:
            _after_request_visit(actor, current)
        return current


def _after_request_visit(actor: Any, visit: ReturnVisit) -> None:
    from aftersales.feedback.services.complaints import visit_recorded
    from aftersales.service import services as requests
    from aftersales.service.models import ServiceRequest

    request = ServiceRequest.objects.get(pk=visit.request_id or 0)
    record(
        actor=actor,
        action="return_visit_recorded",
        obj=request,
        changes={"rating": [None, visit.rating], "solved": [None, visit.solved]},
        message=visit.comments,
    )
    if visit.solved is False:
        requests.reopen(
            actor=actor,
            request=request,
            expected_version=request.version,
            reason=_("Return visit: the problem is not solved. %(comments)s")
            % {"comments": visit.comments},
        )
    else:
        visit_recorded(actor=actor, request=request)


def require_return_visit(*, request: Any, action: str, actor: Any) -> None:
    """Transition guard: a request of a listed type closes only after its return visit."""
    if action != "close":
        return
    if request.request_type not in settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES:
        return
    done = ReturnVisit.objects.filter(
        request=request, round=request.reopen_count, status=ReturnVisitStatus.DONE
    ).exists()
    if not done:
        raise ValidationError(
            {"return_visit": _("Record the return visit before closing this request.")}
        )


# --- Key-account schedules ------------------------------------------------------------------

SCHEDULE_FIELDS = ["interval_months", "next_due_on", "is_active", "notes"]


def _check_schedule(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if values.get("interval_months") not in ScheduleInterval.values:
        errors["interval_months"] = _("Choose how often the customer is visited.")
    if values.get("next_due_on") is None:
        errors["next_due_on"] = _("Give the date of the next visit.")
    if errors:
        raise ValidationError(errors)


def save_schedule(
    *,
    actor: Any,
    company: Company,
    interval_months: int,
    next_due_on: Any,
    is_active: bool = True,
    notes: str = "",
    expected_version: int | None = None,
) -> VisitSchedule:
    """Create or change the visit schedule of a key account."""
    require_perm(actor, "feedback.change_visitschedule")
    values = {
        "interval_months": interval_months,
        "next_due_on": next_due_on,
        "is_active": is_active,
        "notes": notes,
    }
    _check_schedule(values)
    with transaction.atomic():
        if not Company.objects.visible_to(actor).filter(pk=company.pk).exists():
            raise ValidationError({"company": _("Unknown customer.")})
        existing = VisitSchedule.objects.filter(company=company).first()
        if existing is None:
            schedule = VisitSchedule(company=company, created_by=actor, **values)
            schedule.save(force_insert=True)
            record(
                actor=actor,
                action="schedule_created",
                obj=schedule,
                changes={
                    k: [None, v]
                    for k, v in snapshot(schedule, ["company", *SCHEDULE_FIELDS]).items()
                },
            )
            return schedule
        current = lock(VisitSchedule, existing.pk, expected_version)
        before = snapshot(current, SCHEDULE_FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        changes = diff(before, snapshot(current, SCHEDULE_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*SCHEDULE_FIELDS, "version", "updated_at"])
        record(actor=actor, action="schedule_changed", obj=current, changes=changes)
        return current


def create_periodic_visits(*, on: Any = None) -> int:
    """Create the due visits of every active schedule whose date has come, and move each
    schedule on by its interval. Safe to run twice or at once (rows are claimed and the
    visit is unique per schedule and date). Returns how many visits were created."""
    day = on or today()
    created = 0
    ids = list(
        VisitSchedule.objects.filter(is_active=True, next_due_on__lte=day).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            schedule = (
                VisitSchedule.objects.select_for_update(skip_locked=True)
                .select_related("company")
                .filter(pk=pk, is_active=True, next_due_on__lte=day)
                .first()
            )
            if schedule is None:
                continue
            due = schedule.next_due_on
            if not ReturnVisit.objects.filter(schedule=schedule, due_on=due).exists():
                visit = ReturnVisit(
                    kind=ReturnVisitKind.PERIODIC,
                    schedule=schedule,
                    company=schedule.company,
                    department_id=schedule.company.service_department_id,
                    due_on=due,
                )
                try:
                    with transaction.atomic():
                        visit.save(force_insert=True)
                except IntegrityError:
                    visit = None  # type: ignore[assignment]
                if visit is not None:
                    record(
                        actor=None,
                        action="return_visit_due",
                        obj=visit,
                        changes={"due_on": [None, visit.due_on]},
                    )
                    created += 1
            nxt = due
            while nxt <= day:
                nxt = add_months(nxt, schedule.interval_months)
            schedule.next_due_on = nxt
            schedule.save(update_fields=["next_due_on", "updated_at"])
            record(
                actor=None,
                action="schedule_advanced",
                obj=schedule,
                changes={"next_due_on": [due, nxt]},
            )
    return created
