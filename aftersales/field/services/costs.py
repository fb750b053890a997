"""Use cases of costs: grades and rates, pricing effective reports, expenses and their
receipts, reimbursement claims (报销) and departments' yearly budgets.

Labour and parts are priced once, when a report takes effect (the ``report_effective``
receiver below): the hourly rate of the engineer's grade on that day and the part's
catalogue cost at that moment are copied into cost lines, so later rate or catalogue changes
never move past costs. A revision that takes effect is priced in its own right; its
superseded predecessor's lines stay but no longer count (costs read effective reports only).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department
from aftersales.accounts.roles import scope_of
from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record, record_created, snapshot
from aftersales.core.models import Attachment
from aftersales.core.numbering import next_number
from aftersales.core.services import add_attachment, attachments_of, require_perm
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ReportLabour, ReportPart, ServiceReport
from aftersales.field.models.costs import (
    CLAIM_TRANSITIONS,
    ClaimLine,
    ClaimStatus,
    CostKind,
    CostLine,
    DepartmentBudget,
    EngineerGrade,
    Expense,
    ExpenseKind,
    Grade,
    GradeRate,
    ReimbursementClaim,
    money,
)
from aftersales.service.models import ServiceRequest

# Receipts are photos or scans; other files allowed elsewhere (spreadsheets...) are not.
RECEIPT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "webp"})
# The first bytes of each receipt type: a renamed file is not a receipt.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}
_LEADS = (Role.ADMIN, Role.SERVICE_DIRECTOR)
# The history action each claim transition writes.
HISTORY_ACTIONS = {"approve": "claim_approved", "reject": "claim_rejected", "pay": "claim_paid"}


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- Grades and rates -----------------------------------------------------------------------


def create_grade(*, actor: Any, code: str, name: str, name_en: str = "") -> Grade:
    """Add an engineer grade."""
    require_perm(actor, "field.manage_rates")
    with transaction.atomic():
        if Grade.objects.filter(code=code).exists():
            raise ValidationError({"code": _("A grade with this code exists already.")})
        grade = Grade(code=code, name=name, name_en=name_en)
        grade.full_clean()
        grade.save(force_insert=True)
        record_created(actor=actor, obj=grade, fields=["code", "name", "name_en"])
        return grade


def set_hourly_rate(
    *, actor: Any, grade: Grade, effective_from: dt.date, hourly_rate: Decimal
) -> GradeRate:
    """Start a new hourly rate of ``grade`` on ``effective_from``.

    Reports that took effect before are already priced and do not move. A rate starting
    on a day that already has one is refused rather than overwritten: the old figure may
    have priced reports that day.
    """
    require_perm(actor, "field.manage_rates")
    if hourly_rate is None or hourly_rate < 0:
        raise ValidationError({"hourly_rate": _("The rate cannot be negative.")})
    if money(hourly_rate) != hourly_rate:
        raise ValidationError({"hourly_rate": _("Give the rate to the cent at most.")})
    with transaction.atomic():
        if GradeRate.objects.filter(grade=grade, effective_from=effective_from).exists():
            raise ValidationError(
                {"effective_from": _("This grade already has a rate from this day.")}
            )
        rate = GradeRate(
            grade=grade,
            effective_from=effective_from,
            hourly_rate=hourly_rate,
            created_by=actor,
            created_at=clock.now(),
        )
        rate.full_clean()
        rate.save(force_insert=True)
        record(
            actor=actor,
            action="rate_set",
            obj=grade,
            changes={"hourly_rate": [None, str(hourly_rate)], "from": [None, str(effective_from)]},
        )
        return rate


def set_engineer_grade(
    *, actor: Any, engineer: Any, grade: Grade, expected_version: int | None = None
) -> EngineerGrade:
    """Give an engineer a grade (or change it); applies to reports taking effect from now."""
    require_perm(actor, "field.manage_rates")
    if scope_of(engineer).is_portal:
        raise ValidationError({"engineer": _("A portal user is not an engineer.")})
    with transaction.atomic():
        current = EngineerGrade.objects.select_for_update().filter(engineer=engineer).first()
        if current is None:
            if expected_version not in (None, 0):
                raise Conflict(_("Someone else changed this record in the meantime."))
            assigned = EngineerGrade(engineer=engineer, grade=grade)
            assigned.save(force_insert=True)
            record_created(actor=actor, obj=assigned, fields=["engineer", "grade"])
            return assigned
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("Someone else changed this record in the meantime. Reload and try again."),
                code="stale_version",
                current={"version": current.version, **snapshot(current, ["grade"])},
            )
        if current.grade_id == grade.pk:
            return current
        before = snapshot(current, ["grade"])
        current.grade = grade
        current.version += 1
        current.save(update_fields=["grade", "version"])
        record(
            actor=actor,
            action="updated",
            obj=current,
            changes={"grade": [before["grade"], snapshot(current, ["grade"])["grade"]]},
        )
        return current


def rates_on(engineer_ids: Iterable[int], day: dt.date) -> dict[int, tuple[int, Decimal]]:
    """Engineer id → (grade id, hourly rate on ``day``) for those with a grade and a rate."""
    grades = dict(
        EngineerGrade.objects.filter(engineer_id__in=list(engineer_ids)).values_list(
            "engineer_id", "grade_id"
        )
    )
    rates: dict[int, Decimal] = {}
    for grade_id, rate in (
        GradeRate.objects.filter(grade_id__in=set(grades.values()), effective_from__lte=day)
        .order_by("grade_id", "effective_from")
        .values_list("grade_id", "hourly_rate")
    ):
        rates[grade_id] = rate  # the last one up to ``day`` wins
    return {e: (g, rates[g]) for e, g in grades.items() if g in rates}


# --- Pricing effective reports --------------------------------------------------------------


def price_report(*, report: ServiceReport) -> list[CostLine]:
    """Write the labour and parts cost lines of an effective report (once; a second call
    returns the lines already written)."""
    if report.status != ReportStatus.EFFECTIVE or report.effective_at is None:
        raise Conflict(_("Only an effective report is priced."), code="not_effective")
    with transaction.atomic():
        existing = list(CostLine.objects.filter(report=report))
        if existing:
            return existing
        request = ServiceRequest.objects.only("id", "department_id").get(pk=report.request_id)
        day = _local_day(report.effective_at)
        labour = list(ReportLabour.objects.filter(report=report).order_by("id"))
        parts = list(ReportPart.objects.filter(report=report).select_related("part"))
        rates = rates_on({row.engineer_id for row in labour}, day)
        lines: list[CostLine] = []
        for row in labour:
            grade_id, rate = rates.get(row.engineer_id, (None, Decimal("0.00")))
            lines.append(
                CostLine(
                    report=report,
                    request_id=request.pk,
                    department_id=request.department_id,
                    kind=CostKind.LABOUR,
                    engineer_id=row.engineer_id,
                    grade_id=grade_id,
                    quantity=row.hours,
                    unit_cost=rate,
                    amount=money(row.hours * rate),
                    unpriced=grade_id is None,
                    day=day,
                    source_id=row.pk,
                )
            )
        for used in parts:
            lines.append(
                CostLine(
                    report=report,
                    request_id=request.pk,
                    department_id=request.department_id,
                    kind=CostKind.PART,
                    engineer_id=report.author_id,
                    part_id=used.part_id,
                    quantity=used.quantity,
                    unit_cost=used.part.cost,
                    amount=money(used.quantity * used.part.cost),
                    day=day,
                    source_id=used.pk,
                )
            )
        CostLine.objects.bulk_create(lines)
        return lines


def price_unpriced(*, actor: Any, report: ServiceReport) -> list[CostLine]:
    """Price the labour of engineers who had no grade when ``report`` took effect, at their
    grade's rate on that day (given since); lines already priced never move."""
    require_perm(actor, "field.manage_rates")
    with transaction.atomic():
        lines = list(
            CostLine.objects.select_for_update().filter(
                report=report, kind=CostKind.LABOUR, unpriced=True
            )
        )
        rates = rates_on({line.engineer_id for line in lines}, lines[0].day) if lines else {}
        changed = []
        for line in lines:
            if line.engineer_id not in rates:
                continue
            line.grade_id, line.unit_cost = rates[line.engineer_id]
            line.amount = money(line.quantity * line.unit_cost)
            line.unpriced = False
            line.save(update_fields=["grade", "unit_cost", "amount", "unpriced"])
            changed.append(line)
        if changed:
            record(
                actor=actor,
                action="labour_priced",
                obj=report,
                changes={"labour": [None, [str(line.amount) for line in changed]]},
            )
        return changed


def on_report_effective(sender: Any, *, report: ServiceReport, **kwargs: Any) -> None:
    """``field.signals.report_effective`` receiver: price the report in the sign-off's
    transaction, so a report is never effective without its costs."""
    price_report(report=report)


# --- Expenses -------------------------------------------------------------------------------


def _require_request(actor: Any, request: ServiceRequest) -> None:
    if scope_of(actor).is_portal:
        raise PermissionDenied(_("You do not have permission to do this."))
    if not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


def _check_receipt(upload: UploadedFile) -> None:
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    allowed = RECEIPT_EXTENSIONS & {e.lower() for e in settings.AFTERSALES_UPLOAD_EXTENSIONS}
    if ext not in allowed:
        raise ValidationError(
            {
                "receipts": _("A receipt must be one of: %(types)s.")
                % {"types": ", ".join(sorted(allowed))}
            }
        )
    max_bytes = settings.AFTERSALES_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {
                "receipts": _("The file is larger than %(max)d MB.")
                % {"max": settings.AFTERSALES_MAX_UPLOAD_MB}
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[ext]):
        raise ValidationError(
            {"receipts": _("%(name)s is not a real %(type)s file.") % {"name": name, "type": ext}}
        )


def _check_amount(amount: Decimal | None) -> None:
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if money(amount) != amount:
        raise ValidationError({"amount": _("Give the amount to the cent at most.")})


def add_expense(
    *,
    actor: Any,
    request: ServiceRequest,
    kind: str,
    amount: Decimal,
    spent_on: dt.date,
    description: str,
    receipts: Sequence[UploadedFile] = (),
) -> Expense:
    """Record an expense the actor paid for ``request``, with its receipts."""
    require_perm(actor, "field.add_expense")
    _require_request(actor, request)
    if kind not in ExpenseKind.values:
        raise ValidationError({"kind": _("Choose a kind of expense.")})
    _check_amount(amount)
    if spent_on > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"spent_on": _("The date cannot be in the future.")})
    if not description.strip():
        raise ValidationError({"description": _("Say what the money was spent on.")})
    for upload in receipts:
        _check_receipt(upload)
    with transaction.atomic():
        department_id = (
            ServiceRequest.objects.filter(pk=request.pk).values_list("department_id").get()[0]
        )
        expense = Expense(
            request=request,
            engineer=actor,
            department_id=department_id,
            kind=kind,
            amount=amount,
            spent_on=spent_on,
            description=description.strip(),
            created_by=actor,
        )
        expense.full_clean()
        expense.save(force_insert=True)
        record_created(
            actor=actor,
            obj=expense,
            fields=["request", "engineer", "kind", "amount", "spent_on", "description"],
        )
        for upload in receipts:
            add_attachment(actor=actor, target=expense, upload=upload)
        return expense


def _own_open_expense(actor: Any, expense: Expense, expected_version: int | None) -> Expense:
    current = Expense.objects.select_for_update().get(pk=expense.pk)
    if current.engineer_id != actor.pk:
        raise PermissionDenied(_("Only the engineer who paid may change an expense."))
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this record in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, **snapshot(current, ["amount", "kind"])},
        )
    if ClaimLine.objects.filter(expense=current, live=True).exists():
        raise Conflict(_("This expense is in a claim and cannot change."), code="claimed")
    return current


def add_receipt(*, actor: Any, expense: Expense, upload: UploadedFile) -> Attachment:
    """Add a receipt to the actor's own expense (not once it is claimed)."""
    _check_receipt(upload)
    with transaction.atomic():
        current = _own_open_expense(actor, expense, None)
        return add_attachment(actor=actor, target=current, upload=upload)


def remove_expense(*, actor: Any, expense: Expense, expected_version: int) -> None:
    """Withdraw an expense recorded by mistake (not once it was claimed)."""
    with transaction.atomic():
        current = _own_open_expense(actor, expense, expected_version)
        if ClaimLine.objects.filter(expense=current).exists():
            raise Conflict(_("This expense was claimed once and is kept."), code="claimed")
        record(
            actor=actor,
            action="deleted",
            obj=current,
            changes={"amount": [str(current.amount), None]},
        )
        attachments_of(current).delete()
        current.delete()


# --- Reimbursement claims -------------------------------------------------------------------


def submit_claim(
    *,
    actor: Any,
    report: ServiceReport,
    expenses: Sequence[Expense],
    note: str = "",
) -> ReimbursementClaim:
    """Claim the actor's expenses on a request against its effective service report.

    Only an effective report can be claimed against (SPEC §5): a draft, an unconfirmed or
    a superseded report is refused. Every expense must be the actor's, on the report's
    request, not in another live claim, and have a receipt.
    """
    require_perm(actor, "field.add_reimbursementclaim")
    if not expenses:
        raise ValidationError({"expenses": _("Choose at least one expense.")})
    with transaction.atomic():
        report = ServiceReport.objects.select_for_update().get(pk=report.pk)
        _require_request(actor, report.request)
        if report.status != ReportStatus.EFFECTIVE:
            raise ValidationError(
                {
                    "report": _(
                        "Expenses can be claimed only against an effective service report "
                        "(confirmed by the customer and signed off by the manager)."
                    )
                }
            )
        worked = (
            report.author_id == actor.pk
            or ReportLabour.objects.filter(report=report, engineer=actor).exists()
        )
        if not worked:
            raise ValidationError({"report": _("You are not on this service report.")})
        ids = sorted({e.pk for e in expenses})
        rows = list(Expense.objects.select_for_update().filter(pk__in=ids).order_by("id"))
        if len(rows) != len(ids):
            raise ValidationError({"expenses": _("An expense no longer exists.")})
        for row in rows:
            if row.engineer_id != actor.pk:
                raise ValidationError({"expenses": _("You can claim only your own expenses.")})
            if row.request_id != report.request_id:
                raise ValidationError(
                    {"expenses": _("Every expense must be for the report's request.")}
                )
        claimed = set(
            ClaimLine.objects.filter(expense_id__in=ids, live=True).values_list(
                "expense_id", flat=True
            )
        )
        if claimed:
            raise ValidationError({"expenses": _("An expense is already in another claim.")})
        with_receipt = set(
            Attachment.objects.filter(
                content_type=ContentType.objects.get_for_model(Expense),
                object_id__in=[str(i) for i in ids],
            ).values_list("object_id", flat=True)
        )
        missing = [r for r in rows if str(r.pk) not in with_receipt]
        if missing:
            raise ValidationError(
                {
                    "expenses": _("Add a receipt to every expense first: %(items)s.")
                    % {"items": "、".join(f"{r.spent_on} {r.amount}" for r in missing)}
                }
            )
        claim = ReimbursementClaim(
            number=next_number("BX"),
            claimant=actor,
            request_id=report.request_id,
            report=report,
            department_id=actor.department_id,
            total=sum((r.amount for r in rows), Decimal("0.00")),
            note=note.strip(),
        )
        claim.full_clean()
        claim.save(force_insert=True)
        try:
            with transaction.atomic():
                ClaimLine.objects.bulk_create(
                    ClaimLine(claim=claim, expense=r, amount=r.amount) for r in rows
                )
        except IntegrityError as exc:  # a concurrent claim took one (the partial index)
            raise ValidationError(
                {"expenses": _("An expense is already in another claim.")}
            ) from exc
        record_created(
            actor=actor, obj=claim, fields=["number", "request", "report", "total", "note"]
        )
        return claim


def _may_decide(actor: Any, claim: ReimbursementClaim) -> bool:
    scope = scope_of(actor)
    if not actor.has_perm("field.decide_claim") or actor.pk == claim.claimant_id:
        return False
    if scope.has_role(*_LEADS):
        return True
    return claim.department_id is not None and claim.department_id in scope.managed_department_ids


def may_decide(actor: Any, claim: ReimbursementClaim) -> bool:
    """Whether ``actor`` may approve or reject ``claim`` now (for pages)."""
    return claim.status == ClaimStatus.SUBMITTED and _may_decide(actor, claim)


def may_pay(actor: Any, claim: ReimbursementClaim) -> bool:
    """Whether ``actor`` may mark ``claim`` paid now (for pages)."""
    return (
        claim.status == ClaimStatus.APPROVED
        and actor.has_perm("field.pay_claim")
        and actor.pk != claim.claimant_id
    )


def _transition(
    *,
    actor: Any,
    claim: ReimbursementClaim,
    expected_version: int,
    action: str,
    comment: str = "",
) -> ReimbursementClaim:
    sources, target = CLAIM_TRANSITIONS[action]
    with transaction.atomic():
        current = ReimbursementClaim.objects.select_for_update().get(pk=claim.pk)
        if not ReimbursementClaim.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if current.version != expected_version:
            raise Conflict(
                _("Someone else changed this claim in the meantime. Reload and try again."),
                code="stale_version",
                current={"version": current.version, **snapshot(current, ["status"])},
            )
        if current.status not in sources:
            raise Conflict(
                _("A claim that is %(status)s cannot be changed this way.")
                % {"status": ClaimStatus(current.status).label},
                code="bad_transition",
            )
        now = clock.now()
        fields = ["status", "version", "updated_at"]
        if action in {"approve", "reject"}:
            if not _may_decide(actor, current):
                raise PermissionDenied(
                    _("Only the manager of the claimant's department may decide this claim.")
                )
            if action == "reject" and not comment.strip():
                raise ValidationError({"comment": _("Say why the claim is rejected.")})
            current.decided_by = actor
            current.decided_at = now
            current.decision_comment = comment.strip()
            fields += ["decided_by", "decided_at", "decision_comment"]
        else:
            if not actor.has_perm("field.pay_claim") or actor.pk == current.claimant_id:
                raise PermissionDenied(_("You may not mark claims paid."))
            current.paid_by = actor
            current.paid_at = now
            fields += ["paid_by", "paid_at"]
        before = current.status
        current.status = target
        current.version += 1
        current.save(update_fields=fields)
        if action == "reject":
            # The expenses may be corrected and claimed again.
            ClaimLine.objects.filter(claim=current).update(live=False)
        record(
            actor=actor,
            action=HISTORY_ACTIONS[action],
            obj=current,
            changes={"status": [before, target]},
            message=comment.strip(),
        )
        return current


def approve_claim(
    *, actor: Any, claim: ReimbursementClaim, expected_version: int, comment: str = ""
) -> ReimbursementClaim:
    """The department manager approves a submitted claim."""
    return _transition(
        actor=actor,
        claim=claim,
        expected_version=expected_version,
        action="approve",
        comment=comment,
    )


def reject_claim(
    *, actor: Any, claim: ReimbursementClaim, expected_version: int, comment: str
) -> ReimbursementClaim:
    """The department manager rejects a submitted claim, saying why; its expenses are freed."""
    return _transition(
        actor=actor,
        claim=claim,
        expected_version=expected_version,
        action="reject",
        comment=comment,
    )


def mark_claim_paid(
    *, actor: Any, claim: ReimbursementClaim, expected_version: int
) -> ReimbursementClaim:
    """Record that an approved claim was paid out."""
    return _transition(actor=actor, claim=claim, expected_version=expected_version, action="pay")


# --- Budgets --------------------------------------------------------------------------------


def set_budget(
    *,
    actor: Any,
    department: Department,
    year: int,
    amount: Decimal,
    expected_version: int | None = None,
) -> DepartmentBudget:
    """Set a department's budget for a year (create it, or change it at its version)."""
    require_perm(actor, "field.change_departmentbudget")
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("The budget cannot be negative.")})
    if money(amount) != amount:
        raise ValidationError({"amount": _("Give the amount to the cent at most.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    scope = scope_of(actor)
    if not scope.sees_all and department.pk not in scope.managed_department_ids:
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        current = (
            DepartmentBudget.objects.select_for_update()
            .filter(department=department, year=year)
            .first()
        )
        if current is None:
            budget = DepartmentBudget(department=department, year=year, amount=amount)
            budget.full_clean()
            try:
                with transaction.atomic():
                    budget.save(force_insert=True)
            except IntegrityError as exc:
                raise Conflict(
                    _("Someone else set this budget in the meantime. Reload and try again."),
                    code="stale_version",
                ) from exc
            record_created(actor=actor, obj=budget, fields=["department", "year", "amount"])
            return budget
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("Someone else changed this budget in the meantime. Reload and try again."),
                code="stale_version",
                current={"version": current.version, "amount": str(current.amount)},
            )
        if current.amount == amount:
            return current
        before = str(current.amount)
        current.amount = amount
        current.version += 1
        current.save(update_fields=["amount", "version", "updated_at"])
        record(
            actor=actor, action="updated", obj=current, changes={"amount": [before, str(amount)]}
        )
        return current


__all__ = [
    "add_expense",
    "add_receipt",
    "approve_claim",
    "create_grade",
    "mark_claim_paid",
    "may_decide",
    "may_pay",
    "on_report_effective",
    "price_report",
    "price_unpriced",
    "rates_on",
    "reject_claim",
    "remove_expense",
    "set_budget",
    "set_engineer_grade",
    "set_hourly_rate",
    "submit_claim",
]
