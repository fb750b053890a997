"""Use cases of warranty decisions (三包一赔) and quotations for out-of-warranty work.

Rules (SPEC §6, seed 4.6): repair (包修) for a manufacturing defect that endangers operation;
return (包退) when the product is not to the contracted specification; replace (包换) for an
irreparable defect found before operation; compensation (包赔) for a major loss caused by
quality. All four need the unit in warranty on the fault date. Out of warranty the work is
chargeable: a quotation is made and the customer accepts it before work starts.

Approval: repair and chargeable decisions by the manager of the request's department (or a
director); return, replacement and compensation give away a product or money, so by the
service director or the VP in charge. Nobody approves their own decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record, record_created
from aftersales.core.numbering import next_number
from aftersales.core.services import add_attachment, lock_version, require_perm
from aftersales.parts.models import Part
from aftersales.parts.models.warranty import (
    CONDITIONS,
    LIVE_DECISION,
    MAJOR_OUTCOMES,
    REQUIRED_CONDITION,
    WARRANTY_OUTCOMES,
    DecisionStatus,
    Outcome,
    Quotation,
    QuotationLine,
    QuotationStatus,
    WarrantyDecision,
)
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest

# Transitions that start or continue work on a request: refused while an out-of-warranty
# decision's quotation is not accepted by the customer.
WORK_ACTIONS = frozenset({"start", "dispatch", "arrive"})
DIRECTORS = (Role.SERVICE_DIRECTOR, Role.VP, Role.ADMIN)
FINISHED = frozenset({Status.CLOSED, Status.CANCELLED})
DECISION_FIELDS = [
    "number",
    "request",
    "equipment",
    "fault_date",
    "in_warranty",
    "outcome",
    *CONDITIONS,
    "reason",
    "amount",
    "status",
]


def _visible_request(actor: Any, request: ServiceRequest) -> ServiceRequest:
    row = (
        ServiceRequest.objects.visible_to(actor)
        .select_related("equipment__product_model")
        .filter(pk=request.pk)
        .first()
    )
    if row is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    return row


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except ArithmeticError as exc:
        raise ValidationError({field: _("Enter an amount of money.")}) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))


def check_rule(
    *,
    outcome: str,
    in_warranty: bool | None,
    conditions: Mapping[str, bool],
    fault_date: dt.date,
    commissioned_on: dt.date | None,
    amount: Decimal,
    reason: str,
) -> None:
    """Raise a field-named ValidationError unless the outcome's rule holds."""
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose a decision.")})
    label = Outcome(outcome).label
    if outcome in WARRANTY_OUTCOMES:
        if in_warranty is None:
            errors["outcome"] = _(
                "The unit's warranty dates are unknown, so %(outcome)s cannot be decided: "
                "record its delivery or commissioning date first."
            ) % {"outcome": label}
        elif not in_warranty:
            errors["outcome"] = _(
                "The unit was out of warranty on %(date)s: only a chargeable decision is possible."
            ) % {"date": fault_date.isoformat()}
        needed = REQUIRED_CONDITION[Outcome(outcome)]
        if not conditions.get(needed):
            errors[needed] = _("%(outcome)s requires this condition to be met.") % {
                "outcome": label
            }
    if (
        outcome == Outcome.REPLACE
        and commissioned_on is not None
        and fault_date > commissioned_on
        and "cond_irreparable_before_operation" not in errors
    ):
        errors["cond_irreparable_before_operation"] = _(
            "The unit has been in operation since %(date)s: replacement is for defects found "
            "before operation."
        ) % {"date": commissioned_on.isoformat()}
    if outcome == Outcome.COMPENSATION and amount <= 0:
        errors["amount"] = _("Enter the amount of the compensation.")
    if outcome == Outcome.CHARGEABLE and in_warranty and not reason.strip():
        errors["reason"] = _(
            "The unit was in warranty on the fault date: say why the work is charged."
        )
    if errors:
        raise ValidationError(errors)


def propose_decision(
    *,
    actor: Any,
    request: ServiceRequest,
    outcome: str,
    fault_date: dt.date,
    conditions: Mapping[str, bool],
    reason: str = "",
    amount: Any = Decimal("0"),
    evidence: Iterable[UploadedFile] = (),
) -> WarrantyDecision:
    """Record the warranty decision for a request on its unit; it then awaits approval."""
    require_perm(actor, "parts.add_warrantydecision")
    unknown = set(conditions) - set(CONDITIONS)
    if unknown:
        raise ValidationError({name: _("Unknown condition.") for name in unknown})
    with transaction.atomic():
        sr = _visible_request(actor, request)
        sr = ServiceRequest.objects.select_for_update().get(pk=sr.pk)
        if sr.status in FINISHED:
            raise Conflict(_("The request is closed or cancelled."), code="invalid_transition")
        unit = sr.equipment
        if unit is None:
            raise ValidationError(
                {"equipment": _("The request names no unit: record the unit on the request first.")}
            )
        if fault_date > timezone.localdate(clock.now()):
            raise ValidationError({"fault_date": _("The fault date cannot be in the future.")})
        if WarrantyDecision.objects.filter(request=sr, status__in=LIVE_DECISION).exists():
            raise Conflict(
                _("This request already has a warranty decision."), code="already_decided"
            )
        money = _money(amount, "amount")
        in_warranty = unit.in_warranty(fault_date)
        check_rule(
            outcome=outcome,
            in_warranty=in_warranty,
            conditions=conditions,
            fault_date=fault_date,
            commissioned_on=unit.commissioned_on,
            amount=money,
            reason=reason,
        )
        decision = WarrantyDecision(
            number=next_number("WD"),
            request=sr,
            equipment=unit,
            product_model_id=unit.product_model_id,
            fault_date=fault_date,
            in_warranty=in_warranty,
            outcome=outcome,
            reason=reason.strip(),
            # A chargeable decision's money is its quotation's total.
            amount=Decimal("0") if outcome == Outcome.CHARGEABLE else money,
            decided_by=actor,
            decided_at=clock.now(),
            **{name: bool(conditions.get(name)) for name in CONDITIONS},
        )
        decision.full_clean()
        decision.save(force_insert=True)
        record_created(actor=actor, obj=decision, fields=DECISION_FIELDS)
        record(
            actor=actor,
            action="warranty_decided",
            obj=sr,
            changes={"warranty": [None, {"id": decision.pk, "repr": str(decision)}]},
        )
        if outcome == Outcome.CHARGEABLE:
            quotation = Quotation.objects.create(decision=decision)
            record_created(actor=actor, obj=quotation, fields=["decision", "status"])
        for upload in evidence:
            add_attachment(actor=actor, target=decision, upload=upload)
        return decision


def add_evidence(*, actor: Any, decision: WarrantyDecision, upload: UploadedFile) -> None:
    """Attach a photo, test record or letter to a decision."""
    require_perm(actor, "parts.add_warrantydecision")
    with transaction.atomic():
        _visible_decision(actor, decision)
        add_attachment(actor=actor, target=decision, upload=upload)


def _visible_decision(actor: Any, decision: WarrantyDecision) -> WarrantyDecision:
    if not WarrantyDecision.objects.visible_to(actor).filter(pk=decision.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    return decision


def may_approve(actor: Any, decision: WarrantyDecision) -> bool:
    """Whether ``actor`` may approve or reject ``decision`` (level and four eyes)."""
    if not actor.has_perm("parts.approve_warrantydecision"):
        return False
    if decision.decided_by_id == actor.pk:
        return False
    scope = scope_of(actor)
    if scope.has_role(*DIRECTORS):
        return True
    if decision.outcome in MAJOR_OUTCOMES:
        return False
    department_id = decision.request.department_id
    return department_id is not None and department_id in scope.managed_department_ids


def _settle(
    *,
    actor: Any,
    decision: WarrantyDecision,
    expected_version: int,
    status: str,
    comment: str,
) -> WarrantyDecision:
    with transaction.atomic():
        _visible_decision(actor, decision)
        current = lock_version(WarrantyDecision, decision.pk, expected_version, ["status"])
        if current.status != DecisionStatus.PROPOSED:
            raise Conflict(
                _("This decision is already %(status)s.")
                % {"status": current.get_status_display()},
                code="invalid_transition",
            )
        if current.decided_by_id == actor.pk:
            raise PermissionDenied(_("You cannot approve or reject your own decision."))
        if not may_approve(actor, current):
            if current.outcome in MAJOR_OUTCOMES:
                raise PermissionDenied(
                    _("A return, replacement or compensation is approved by a director.")
                )
            raise PermissionDenied(
                _("The manager of the request's department or a director approves this.")
            )
        old = current.status
        current.status = status
        current.approved_by = actor
        current.approved_at = clock.now()
        current.approval_comment = comment.strip()
        current.version += 1
        current.save(
            update_fields=[
                "status",
                "approved_by",
                "approved_at",
                "approval_comment",
                "version",
                "updated_at",
            ]
        )
        action = "approved" if status == DecisionStatus.APPROVED else "rejected"
        record(
            actor=actor,
            action=f"decision_{action}",
            obj=current,
            changes={"status": [old, status]},
            message=current.approval_comment,
        )
        record(
            actor=actor,
            action=f"warranty_{action}",
            obj=current.request,
            changes={"warranty": [None, {"id": current.pk, "repr": str(current)}]},
            message=current.approval_comment,
        )
        return current


def approve_decision(
    *, actor: Any, decision: WarrantyDecision, expected_version: int, comment: str = ""
) -> WarrantyDecision:
    """Approve a proposed decision (its level's approver, not its author)."""
    return _settle(
        actor=actor,
        decision=decision,
        expected_version=expected_version,
        status=DecisionStatus.APPROVED,
        comment=comment,
    )


def reject_decision(
    *, actor: Any, decision: WarrantyDecision, expected_version: int, comment: str
) -> WarrantyDecision:
    """Reject a proposed decision with a reason; the request may then be decided again."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the decision is rejected.")})
    return _settle(
        actor=actor,
        decision=decision,
        expected_version=expected_version,
        status=DecisionStatus.REJECTED,
        comment=comment,
    )


# --- Quotations -----------------------------------------------------------------------------


def _draft_quotation(actor: Any, quotation: Quotation) -> Quotation:
    require_perm(actor, "parts.change_quotation")
    if not Quotation.objects.visible_to(actor).filter(pk=quotation.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    current = Quotation.objects.select_for_update().get(pk=quotation.pk)
    if current.status != QuotationStatus.DRAFT:
        raise Conflict(_("Only a draft quotation can be changed."), code="invalid_transition")
    return current


def _retotal(quotation: Quotation) -> None:
    lines = list(quotation.lines.all())
    quotation.total = sum((line.amount for line in lines), Decimal("0.00"))
    quotation.version += 1
    quotation.save(update_fields=["total", "version", "updated_at"])
    WarrantyDecision.objects.filter(pk=quotation.decision_id).update(amount=quotation.total)


def add_quotation_line(
    *,
    actor: Any,
    quotation: Quotation,
    description: str = "",
    quantity: Any,
    unit_price: Any = None,
    part: Part | None = None,
) -> QuotationLine:
    """Add a part or a service to a draft quotation; a part's price defaults to its cost."""
    with transaction.atomic():
        current = _draft_quotation(actor, quotation)
        qty = _money(quantity, "quantity")
        if qty <= 0:
            raise ValidationError({"quantity": _("The quantity must be more than zero.")})
        if unit_price in (None, "") and part is not None:
            unit_price = part.cost
        price = _money(unit_price, "unit_price")
        text = description.strip() or (part.display_name if part is not None else "")
        if not text:
            raise ValidationError({"description": _("Describe the part or the work.")})
        line = QuotationLine(
            quotation=current, part=part, description=text, quantity=qty, unit_price=price
        )
        line.full_clean()
        line.save()
        before = current.total
        _retotal(current)
        record(
            actor=actor,
            action="quotation_line_added",
            obj=current,
            changes={"total": [before, current.total]},
            message=f"{text} × {qty} @ {price}",
        )
        return line


def remove_quotation_line(*, actor: Any, line: QuotationLine) -> None:
    """Remove a line from a draft quotation."""
    with transaction.atomic():
        current = _draft_quotation(actor, line.quotation)
        text = str(line)
        QuotationLine.objects.filter(pk=line.pk, quotation=current).delete()
        before = current.total
        _retotal(current)
        record(
            actor=actor,
            action="quotation_line_removed",
            obj=current,
            changes={"total": [before, current.total]},
            message=text,
        )


def _lock_quotation(actor: Any, quotation: Quotation, expected_version: int) -> Quotation:
    if not Quotation.objects.visible_to(actor).filter(pk=quotation.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    return lock_version(Quotation, quotation.pk, expected_version, ["status", "total"])


def offer_quotation(
    *, actor: Any, quotation: Quotation, expected_version: int, valid_until: dt.date | None = None
) -> Quotation:
    """Offer a draft quotation to the customer once its decision is approved."""
    require_perm(actor, "parts.change_quotation")
    with transaction.atomic():
        current = _lock_quotation(actor, quotation, expected_version)
        decision = current.decision
        if current.status != QuotationStatus.DRAFT:
            raise Conflict(_("Only a draft quotation can be offered."), code="invalid_transition")
        if decision.status != DecisionStatus.APPROVED:
            raise Conflict(
                _("The warranty decision must be approved before the quotation is offered."),
                code="not_approved",
            )
        if not current.lines.exists():
            raise ValidationError({"lines": _("Add at least one line to the quotation.")})
        today = timezone.localdate(clock.now())
        if valid_until is not None and valid_until < today:
            raise ValidationError({"valid_until": _("The date cannot be in the past.")})
        current.status = QuotationStatus.OFFERED
        current.offered_at = clock.now()
        current.valid_until = valid_until
        current.version += 1
        current.save(update_fields=["status", "offered_at", "valid_until", "version", "updated_at"])
        record(
            actor=actor,
            action="quotation_offered",
            obj=current,
            changes={"status": [QuotationStatus.DRAFT, current.status]},
        )
        sr = decision.request
        record(
            actor=actor,
            action="quotation_offered",
            obj=sr,
            changes={"total": [None, current.total]},
        )
        portal_users = sr.company.contacts.filter(
            user__isnull=False, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
        notifications.notify(
            users=list(portal_users),
            kind="quotation_offered",
            params={"number": sr.number, "total": str(current.total)},
            target=current,
            url=f"/portal/requests/{sr.pk}/",
        )
        return current


def answer_quotation(
    *,
    actor: Any,
    quotation: Quotation,
    expected_version: int,
    accept: bool,
    signatory: str = "",
    comment: str = "",
) -> Quotation:
    """The customer accepts or declines an offered quotation: themselves in the portal, or
    staff record the answer with the name of who gave it for the customer."""
    require_perm(actor, "parts.accept_quotation")
    scope = scope_of(actor)
    with transaction.atomic():
        current = _lock_quotation(actor, quotation, expected_version)
        if current.status != QuotationStatus.OFFERED:
            raise Conflict(
                _("This quotation is not waiting for an answer."), code="invalid_transition"
            )
        today = timezone.localdate(clock.now())
        if accept and current.valid_until is not None and current.valid_until < today:
            raise ValidationError(
                {
                    "accept": _("The quotation expired on %(date)s.")
                    % {"date": current.valid_until.isoformat()}
                }
            )
        if scope.is_portal:
            signatory = getattr(getattr(actor, "contact", None), "name", "") or str(actor)
        elif not signatory.strip():
            raise ValidationError(
                {"answered_for": _("Name the customer's person who gave this answer.")}
            )
        old = current.status
        current.status = QuotationStatus.ACCEPTED if accept else QuotationStatus.DECLINED
        current.answered_at = clock.now()
        current.answered_by = actor
        current.answered_for = signatory.strip()[:100]
        current.answer_comment = comment.strip()
        current.version += 1
        current.save(
            update_fields=[
                "status",
                "answered_at",
                "answered_by",
                "answered_for",
                "answer_comment",
                "version",
                "updated_at",
            ]
        )
        action = "accepted" if accept else "declined"
        record(
            actor=actor,
            action=f"quotation_{action}",
            obj=current,
            changes={"status": [old, current.status], "answered_for": [None, signatory]},
            message=current.answer_comment,
        )
        sr = current.decision.request
        record(
            actor=actor,
            action=f"quotation_{action}",
            obj=sr,
            changes={"total": [None, current.total]},
            message=current.answer_comment,
        )
        if sr.owner_id and sr.owner_id != actor.pk:
            notifications.notify(
                users=[sr.owner_id],
                kind=f"quotation_{action}",
                params={"number": sr.number, "total": str(current.total)},
                target=current,
                url=f"/warranty/{current.decision_id}/",
            )
        return current


def revise_quotation(*, actor: Any, quotation: Quotation, expected_version: int) -> Quotation:
    """Take a declined quotation back to draft to change it and offer it again."""
    require_perm(actor, "parts.change_quotation")
    with transaction.atomic():
        current = _lock_quotation(actor, quotation, expected_version)
        if current.status != QuotationStatus.DECLINED:
            raise Conflict(_("Only a declined quotation is revised."), code="invalid_transition")
        current.status = QuotationStatus.DRAFT
        current.offered_at = current.answered_at = current.answered_by = None
        current.answered_for = current.answer_comment = ""
        current.version += 1
        current.save(
            update_fields=[
                "status",
                "offered_at",
                "answered_at",
                "answered_by",
                "answered_for",
                "answer_comment",
                "version",
                "updated_at",
            ]
        )
        record(
            actor=actor,
            action="quotation_revised",
            obj=current,
            changes={"status": [QuotationStatus.DECLINED, QuotationStatus.DRAFT]},
        )
        return current


# --- The request's guard --------------------------------------------------------------------


def quotation_guard(*, request: Any, action: str, actor: Any) -> None:
    """Refuse work on a request whose out-of-warranty quotation the customer has not
    accepted (SPEC §6: the quotation is accepted before work)."""
    if action not in WORK_ACTIONS:
        return
    pending = (
        WarrantyDecision.objects.filter(
            request_id=request.pk, status__in=LIVE_DECISION, outcome=Outcome.CHARGEABLE
        )
        .exclude(quotation__status=QuotationStatus.ACCEPTED)
        .values_list("number", flat=True)
        .first()
    )
    if pending:
        raise ValidationError(
            _(
                "The work is chargeable (%(number)s): the customer must accept the quotation "
                "before work starts."
            )
            % {"number": pending}
        )


def free_of_charge(decision: WarrantyDecision | None) -> bool | None:
    """Whether parts and labour are free for the request: in warranty, wearing and defective
    parts are (SPEC §6); None when no approved decision says so yet."""
    if decision is None or decision.status != DecisionStatus.APPROVED:
        return None
    return decision.outcome != Outcome.CHARGEABLE


def money_total(decisions: Iterable[WarrantyDecision]) -> Decimal:
    """The money of several decisions."""
    return sum((d.amount for d in decisions), Decimal("0.00"))


# --- Wiring (called from the app's ready) ---------------------------------------------------

EVENTS: dict[str, str | Promise] = {
    "warranty_decided": gettext_lazy("recorded a warranty decision"),
    "warranty_approved": gettext_lazy("approved the warranty decision"),
    "warranty_rejected": gettext_lazy("rejected the warranty decision"),
    "decision_approved": gettext_lazy("approved the decision"),
    "decision_rejected": gettext_lazy("rejected the decision"),
    "quotation_offered": gettext_lazy("offered the quotation to the customer"),
    "quotation_accepted": gettext_lazy("accepted the quotation"),
    "quotation_declined": gettext_lazy("declined the quotation"),
    "quotation_revised": gettext_lazy("took the quotation back to draft"),
    "quotation_line_added": gettext_lazy("added a quotation line"),
    "quotation_line_removed": gettext_lazy("removed a quotation line"),
}


def connect() -> None:
    """Register the work guard, the notification text and the timeline labels."""
    from aftersales.core import events
    from aftersales.service.signals import register_guard

    register_guard(quotation_guard)
    notifications.TEMPLATES.setdefault(
        "quotation_offered",
        gettext_lazy("%(number)s: a quotation of %(total)s CNY awaits your acceptance."),
    )
    notifications.TEMPLATES.setdefault(
        "quotation_accepted",
        gettext_lazy("%(number)s: the customer accepted the quotation (%(total)s CNY)."),
    )
    notifications.TEMPLATES.setdefault(
        "quotation_declined",
        gettext_lazy("%(number)s: the customer declined the quotation (%(total)s CNY)."),
    )
    events.register(EVENTS)
