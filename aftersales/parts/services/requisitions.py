"""Requisition use cases (领料单): raise, approve or reject, wait for stock, issue, cancel."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.roles import scope_of
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record, record_created
from aftersales.core.numbering import next_number
from aftersales.parts.access import is_after_sales, is_production_manager, is_warehouse
from aftersales.parts.choices_stock import (
    RequisitionStatus,
    ReservationStatus,
    WarrantyCover,
)
from aftersales.parts.models import (
    Part,
    Requisition,
    RequisitionLine,
    Reservation,
    Warehouse,
)
from aftersales.parts.services import stock
from aftersales.service.choices import OPEN
from aftersales.service.models import ServiceRequest

S = RequisitionStatus

# action: (sources, target)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({S.SUBMITTED}), S.READY),  # or WAITING_STOCK when short
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "stock_arrived": (frozenset({S.WAITING_STOCK}), S.READY),
    "issue": (frozenset({S.READY}), S.ISSUED),
    "cancel": (frozenset({S.SUBMITTED, S.WAITING_STOCK, S.READY}), S.CANCELLED),
}


def url(requisition: Requisition) -> str:
    """The requisition's page."""
    return f"/parts/requisitions/{requisition.pk}/"


def allowed_actions(actor: Any, requisition: Requisition) -> list[str]:
    """What ``actor`` may do with ``requisition`` now (for the page)."""
    who = {
        "approve": is_production_manager(actor),
        "reject": is_production_manager(actor),
        "issue": is_warehouse(actor),
        "cancel": _may_cancel(actor, requisition),
    }
    return [a for a, ok in who.items() if ok and requisition.status in TRANSITIONS[a][0]]


def _may_cancel(actor: Any, requisition: Requisition) -> bool:
    return (
        requisition.raised_by_id == actor.pk
        or is_production_manager(actor)
        or (is_after_sales(actor) and scope_of(actor).has_role("service_director", "admin"))
    )


def _lock(requisition: Requisition, expected_version: int | None) -> Requisition:
    current = Requisition.objects.select_for_update().get(pk=requisition.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this requisition in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, "status": current.status},
        )
    return current


def _check(actor: Any, current: Requisition, action: str) -> None:
    if not Requisition.objects.visible_to(actor).filter(pk=current.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    if current.status not in TRANSITIONS[action][0]:
        raise Conflict(
            _("This requisition is %(status)s.") % {"status": current.get_status_display()},
            code="invalid_transition",
        )


def _save(
    actor: Any,
    current: Requisition,
    action: str,
    old: str,
    fields: Sequence[str] = (),
    message: str = "",
) -> Requisition:
    current.version += 1
    current.save(update_fields=sorted({*fields, "status", "version", "updated_at"}))
    record(
        actor=actor,
        action=action,
        obj=current,
        changes={"status": [old, current.status]},
        message=message,
    )
    return current


def _parse_lines(lines: Sequence[tuple[Part, Any]]) -> list[tuple[Part, Decimal]]:
    if not lines:
        raise ValidationError({"lines": _("Add at least one part.")})
    seen: set[int] = set()
    parsed = []
    for part, quantity in lines:
        if part.pk in seen:
            raise ValidationError({"lines": _("%(part)s is listed twice.") % {"part": part}})
        if not part.is_active:
            raise ValidationError({"lines": _("%(name)s is no longer active.") % {"name": part}})
        seen.add(part.pk)
        parsed.append((part, stock._positive(quantity, "lines")))
    return parsed


def raise_requisition(
    *,
    actor: Any,
    request: ServiceRequest,
    warehouse: Warehouse,
    reason: str,
    cover: str,
    lines: Sequence[tuple[Part, Any]],
) -> Requisition:
    """After-sales asks for parts for a request; the production managers are told."""
    if not is_after_sales(actor):
        raise PermissionDenied(_("Only after-sales staff raise requisitions."))
    if not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, str] = {}
    if request.status not in OPEN:
        errors["request"] = _("The request is no longer open.")
    if not reason.strip():
        errors["reason"] = _("Say what the parts are for.")
    if cover not in WarrantyCover.values:
        errors["cover"] = _("Choose in or out of warranty.")
    if not warehouse.is_active:
        errors["warehouse"] = _("%(name)s is no longer active.") % {"name": warehouse}
    if errors:
        raise ValidationError(errors)
    parsed = _parse_lines(lines)
    with transaction.atomic():
        requisition = Requisition.objects.create(
            number=next_number("LL"),
            request=request,
            warehouse=warehouse,
            reason=reason.strip(),
            cover=cover,
            raised_by=actor,
        )
        RequisitionLine.objects.bulk_create(
            RequisitionLine(requisition=requisition, part=p, quantity=q) for p, q in parsed
        )
        record_created(
            actor=actor,
            obj=requisition,
            fields=["number", "request", "warehouse", "reason", "cover", "status"],
        )
        notifications.notify(
            users=stock.production_managers(),
            kind="parts_requisition_submitted",
            params={"number": requisition.number, "request": request.number},
            target=requisition,
            url=url(requisition),
        )
        return requisition


def _reserve_lines(actor: Any, requisition: Requisition) -> list[RequisitionLine]:
    """Reserve every line still without stock; the lines that must wait."""
    lines = list(
        requisition.lines.select_related("part")
        .filter(reservation__isnull=True)
        .order_by("part_id")
    )
    short = []
    for line in lines:
        # Lines are taken in part order, so two approvals lock balances in one order.
        balance = stock.lock_balance(requisition.warehouse_id, line.part_id)
        line.requisition = requisition
        if stock.reserve_for_service(actor=actor, line=line, balance=balance) is None:
            short.append(line)
    return short


def _notify_shortage(requisition: Requisition, short: list[RequisitionLine]) -> None:
    parts = "、".join(f"{line.part} × {stock._fmt(line.quantity)}" for line in short)
    notifications.notify(
        users=[*stock.purchasing_managers(), *stock.production_managers()],
        kind="parts_shortage",
        params={
            "number": requisition.number,
            "request": requisition.request.number,
            "warehouse": str(requisition.warehouse),
            "parts": parts,
        },
        target=requisition,
        url=url(requisition),
    )


def approve_requisition(
    *, actor: Any, requisition: Requisition, expected_version: int | None, comment: str = ""
) -> Requisition:
    """The production manager approves: stock is reserved for it at once (customer first);
    if it is short, purchasing and production are told and the requisition waits."""
    if not is_production_manager(actor):
        raise PermissionDenied(_("Only the production manager approves requisitions."))
    with transaction.atomic():
        current = _lock(requisition, expected_version)
        _check(actor, current, "approve")
        old = current.status
        current.decided_by, current.decided_at = actor, clock.now()
        current.decision_comment = comment.strip()
        short = _reserve_lines(actor, current)
        current.status = S.WAITING_STOCK if short else S.READY
        _save(
            actor,
            current,
            "approve",
            old,
            ["decided_by", "decided_at", "decision_comment"],
            comment.strip(),
        )
        if short:
            _notify_shortage(current, short)
        else:
            _notify_ready(current)
        notifications.notify(
            users=[current.raised_by_id],
            kind="parts_requisition_approved",
            params={"number": current.number},
            target=current,
            url=url(current),
        )
        return current


def _notify_ready(requisition: Requisition) -> None:
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User

    keepers = User.objects.filter(groups__name=Role.WAREHOUSE, is_active=True).values_list(
        "pk", flat=True
    )
    notifications.notify(
        users=list(keepers),
        kind="parts_requisition_ready",
        params={"number": requisition.number, "request": requisition.request.number},
        target=requisition,
        url=url(requisition),
    )


def reject_requisition(
    *, actor: Any, requisition: Requisition, expected_version: int | None, comment: str
) -> Requisition:
    """The production manager refuses, saying why."""
    if not is_production_manager(actor):
        raise PermissionDenied(_("Only the production manager approves requisitions."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the requisition is rejected.")})
    with transaction.atomic():
        current = _lock(requisition, expected_version)
        _check(actor, current, "reject")
        old = current.status
        current.status = S.REJECTED
        current.decided_by, current.decided_at = actor, clock.now()
        current.decision_comment = comment.strip()
        _save(
            actor,
            current,
            "reject",
            old,
            ["decided_by", "decided_at", "decision_comment"],
            comment.strip(),
        )
        notifications.notify(
            users=[current.raised_by_id],
            kind="parts_requisition_rejected",
            params={"number": current.number, "comment": current.decision_comment},
            target=current,
            url=url(current),
        )
        return current


def serve_waiting(*, actor: Any, warehouse: Warehouse, part: Part) -> list[Requisition]:
    """After stock of ``part`` arrives in ``warehouse``: waiting requisitions that need it
    reserve it, oldest first; those now whole become ready to issue.

    Call inside the transaction that added the stock (its balance row is locked). A
    requisition locked by someone else right now is skipped: that transaction (an approval)
    reads the balance after this one commits, so it sees the new stock itself; waiting for
    its lock here instead could deadlock with it.
    """
    waiting = list(
        Requisition.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            warehouse=warehouse,
            status=S.WAITING_STOCK,
            pk__in=RequisitionLine.objects.filter(part=part, reservation__isnull=True).values(
                "requisition_id"
            ),
        )
        .select_related("request", "warehouse")
        .order_by("created_at", "id")
    )
    ready = []
    for current in waiting:
        if _reserve_lines(actor, current):
            continue
        old = current.status
        current.status = S.READY
        _save(actor, current, "stock_arrived", old)
        _notify_ready(current)
        ready.append(current)
    return ready


def issue_requisition(
    *, actor: Any, requisition: Requisition, expected_version: int | None
) -> Requisition:
    """The warehouse hands the reserved parts out: one ledger row per line."""
    if not is_warehouse(actor):
        raise PermissionDenied(_("Only the warehouse issues parts."))
    with transaction.atomic():
        current = _lock(requisition, expected_version)
        _check(actor, current, "issue")
        lines = list(current.lines.order_by("part_id"))
        reservations = {
            r.line_id: r
            for r in Reservation.objects.select_for_update(of=("self",)).filter(
                line__requisition=current, status=ReservationStatus.ACTIVE
            )
        }
        for line in lines:
            reservation = reservations.get(line.pk)
            if reservation is None:  # the table says READY means every line is reserved
                raise Conflict(_("A line of this requisition holds no stock."), code="no_stock")
            balance = stock.lock_balance(current.warehouse_id, line.part_id)
            stock.consume_service_reservation(
                actor=actor, reservation=reservation, balance=balance, requisition=current
            )
            line.issued_quantity = line.quantity
        RequisitionLine.objects.bulk_update(lines, ["issued_quantity"])
        old = current.status
        current.status = S.ISSUED
        current.issued_by, current.issued_at = actor, clock.now()
        _save(actor, current, "issue", old, ["issued_by", "issued_at"])
        notifications.notify(
            users=[current.raised_by_id],
            kind="parts_requisition_issued",
            params={"number": current.number, "warehouse": str(current.warehouse)},
            target=current,
            url=url(current),
        )
        return current


def cancel_requisition(
    *, actor: Any, requisition: Requisition, expected_version: int | None, reason: str
) -> Requisition:
    """Withdraw a requisition not yet issued; stock it held goes back (and may serve
    another waiting requisition)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the requisition is cancelled.")})
    with transaction.atomic():
        current = _lock(requisition, expected_version)
        _check(actor, current, "cancel")
        if not _may_cancel(actor, current):
            raise PermissionDenied(_("You may not cancel this requisition."))
        held = list(
            Reservation.objects.select_for_update(of=("self",))
            .filter(line__requisition=current, status=ReservationStatus.ACTIVE)
            .select_related("part")
            .order_by("part_id")
        )
        for reservation in held:
            balance = stock.lock_balance(reservation.warehouse_id, reservation.part_id)
            stock.release_service_reservation(actor=actor, reservation=reservation, balance=balance)
        old = current.status
        current.status = S.CANCELLED
        _save(actor, current, "cancel", old, message=reason.strip())
        for reservation in held:
            serve_waiting(actor=actor, warehouse=current.warehouse, part=reservation.part)
        return current
