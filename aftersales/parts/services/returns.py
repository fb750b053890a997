"""Old parts (旧件回收): expected from site, received, inspected, outcome decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record, record_created
from aftersales.core.numbering import next_number
from aftersales.parts.access import is_after_sales, is_production_manager, is_warehouse
from aftersales.parts.choices_stock import ReturnOutcome, ReturnStatus
from aftersales.parts.models import OldPartReturn, Part
from aftersales.parts.services.stock import _positive
from aftersales.service.models import ServiceRequest

R = ReturnStatus
# action: (source, target)
TRANSITIONS = {
    "receive": (R.EXPECTED, R.RECEIVED),
    "inspect": (R.RECEIVED, R.INSPECTED),
    "decide": (R.INSPECTED, R.DECIDED),
}


def _may(actor: Any, action: str) -> bool:
    scope = scope_of(actor)
    if action == "receive":
        return is_warehouse(actor)
    if action == "inspect":
        return is_warehouse(actor) or scope.has_role(Role.QC, Role.ENGINEER, Role.ADMIN)
    return is_production_manager(actor) or scope.has_role(
        Role.QC, Role.DEPARTMENT_MANAGER, Role.SERVICE_DIRECTOR, Role.ADMIN
    )


def allowed_actions(actor: Any, ret: OldPartReturn) -> list[str]:
    """What ``actor`` may do with the old part now."""
    return [a for a, (src, _t) in TRANSITIONS.items() if ret.status == src and _may(actor, a)]


def expect_old_part(
    *,
    actor: Any,
    part: Part | None = None,
    quantity: Any = 1,
    request: ServiceRequest | None = None,
    report_part: Any = None,
    old_serial: str = "",
) -> OldPartReturn:
    """Record that a replaced part is to come back: from a service report's part line (its
    part, quantity, serial and request), or entered by hand."""
    if not is_after_sales(actor):
        raise PermissionDenied(_("Only after-sales staff record old parts."))
    if report_part is not None:
        part = report_part.part
        quantity = report_part.quantity
        old_serial = old_serial or report_part.old_serial
        request = report_part.report.request
        if OldPartReturn.objects.filter(report_part=report_part).exists():
            raise ValidationError({"report_part": _("This old part is already expected.")})
    if part is None:
        raise ValidationError({"part": _("Choose the part.")})
    qty = _positive(quantity)
    if request is not None and (
        not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists()
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        ret = OldPartReturn.objects.create(
            number=next_number("JJ"),
            part=part,
            request=request,
            report_part=report_part,
            old_serial=old_serial.strip()[:64],
            quantity=qty,
            created_by=actor,
        )
        record_created(
            actor=actor, obj=ret, fields=["number", "part", "request", "old_serial", "quantity"]
        )
        return ret


def _step(
    *, actor: Any, ret: OldPartReturn, expected_version: int | None, action: str
) -> OldPartReturn:
    if not _may(actor, action):
        raise PermissionDenied(_("You may not do this with old parts."))
    current = OldPartReturn.objects.select_for_update().get(pk=ret.pk)
    if not OldPartReturn.objects.visible_to(actor).filter(pk=current.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this old part in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, "status": current.status},
        )
    source = TRANSITIONS[action][0]
    if current.status != source:
        raise Conflict(
            _("This old part is %(status)s.") % {"status": current.get_status_display()},
            code="invalid_transition",
        )
    return current


def _save(actor: Any, current: OldPartReturn, action: str, fields: list[str], msg: str = "") -> Any:
    old = current.status
    current.status = TRANSITIONS[action][1]
    current.version += 1
    current.save(update_fields=sorted({*fields, "status", "version", "updated_at"}))
    record(
        actor=actor,
        action=action,
        obj=current,
        changes={"status": [old, current.status]},
        message=msg,
    )
    return current


def receive_old_part(
    *,
    actor: Any,
    ret: OldPartReturn,
    expected_version: int | None,
    received_at: dt.datetime | None = None,
) -> OldPartReturn:
    """The warehouse has the old part."""
    now = clock.now()
    received_at = received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise ValidationError({"received_at": _("The receipt time cannot be in the future.")})
    with transaction.atomic():
        current = _step(actor=actor, ret=ret, expected_version=expected_version, action="receive")
        current.received_at = received_at
        return _save(actor, current, "receive", ["received_at"])


def inspect_old_part(
    *, actor: Any, ret: OldPartReturn, expected_version: int | None, findings: str
) -> OldPartReturn:
    """Record what the inspection found."""
    if not findings.strip():
        raise ValidationError({"findings": _("Describe what the inspection found.")})
    with transaction.atomic():
        current = _step(actor=actor, ret=ret, expected_version=expected_version, action="inspect")
        current.findings = findings.strip()
        return _save(actor, current, "inspect", ["findings"], findings.strip())


def decide_old_part(
    *,
    actor: Any,
    ret: OldPartReturn,
    expected_version: int | None,
    outcome: str,
    note: str = "",
) -> OldPartReturn:
    """Repair, scrap or return to the supplier."""
    if outcome not in ReturnOutcome.values:
        raise ValidationError({"outcome": _("Choose repair, scrap or return to supplier.")})
    with transaction.atomic():
        current = _step(actor=actor, ret=ret, expected_version=expected_version, action="decide")
        current.outcome, current.outcome_note = outcome, note.strip()[:200]
        return _save(actor, current, "decide", ["outcome", "outcome_note"], note.strip())
