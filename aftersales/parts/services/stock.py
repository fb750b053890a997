"""Stock use cases: every change of stock is one ledger row and one balance update, under
the balance row's lock, in one transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.choices import DepartmentKind
from aftersales.accounts.models import Department
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record
from aftersales.parts.access import is_production_manager, is_warehouse
from aftersales.parts.choices_stock import MovementKind, Purpose, ReservationStatus
from aftersales.parts.models import Part, Reservation, StockBalance, StockMovement, Warehouse

ZERO = Decimal("0")


def _positive(quantity: Any, field: str = "quantity") -> Decimal:
    try:
        value = Decimal(str(quantity))
    except (ArithmeticError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({field: _("The quantity must be greater than zero.")})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: _("Use at most two decimal places.")})
    return value


def lock_balance(warehouse_id: int, part_id: int) -> StockBalance:
    """The (warehouse, part) balance row, locked until the transaction ends (created at
    zero the first time: two creators race on the unique constraint, the loser reads)."""
    rows = StockBalance.objects.select_for_update()
    found = rows.filter(warehouse_id=warehouse_id, part_id=part_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            StockBalance.objects.create(warehouse_id=warehouse_id, part_id=part_id)
    except IntegrityError:
        pass
    return rows.get(warehouse_id=warehouse_id, part_id=part_id)


def _require_warehouse(actor: Any) -> None:
    if not is_warehouse(actor):
        raise PermissionDenied(_("Only the warehouse may move stock."))


def _active(obj: Warehouse | Part, field: str) -> None:
    if not obj.is_active:
        raise ValidationError({field: _("%(name)s is no longer active.") % {"name": obj}})


def move(
    *,
    actor: Any,
    balance: StockBalance,
    kind: str,
    quantity: Decimal,
    reference: str = "",
    note: str = "",
    requisition: Any = None,
    from_reserved: Decimal = ZERO,
) -> StockMovement:
    """Apply a signed ``quantity`` to a locked balance and append its ledger row.

    Stock going out may not dip into what is reserved, except the ``from_reserved`` part
    that the caller is consuming from its own reservation.
    """
    on_hand = balance.on_hand + quantity
    reserved = balance.reserved - from_reserved
    if on_hand < 0:
        raise ValidationError(
            {"quantity": _("Only %(n)s in stock.") % {"n": _fmt(balance.on_hand)}}
        )
    if on_hand < reserved:
        raise ValidationError(
            {
                "quantity": _("Only %(n)s are free; %(r)s are reserved.")
                % {"n": _fmt(balance.available), "r": _fmt(balance.reserved)}
            }
        )
    balance.on_hand, balance.reserved, balance.updated_at = on_hand, reserved, clock.now()
    balance.save(update_fields=["on_hand", "reserved", "updated_at"])
    movement = StockMovement(
        warehouse_id=balance.warehouse_id,
        part_id=balance.part_id,
        kind=kind,
        quantity=quantity,
        balance_after=on_hand,
        reference=reference[:100],
        note=note[:200],
        requisition=requisition,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    movement.save(force_insert=True)
    return movement


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def receive_stock(
    *,
    actor: Any,
    warehouse: Warehouse,
    part: Part,
    quantity: Any,
    reference: str = "",
    note: str = "",
    kind: str = MovementKind.RECEIPT,
) -> StockMovement:
    """Goods in (a receipt, or parts returned to stock unused); waiting requisitions of the
    part are then served, oldest first."""
    _require_warehouse(actor)
    qty = _positive(quantity)
    if kind not in (MovementKind.RECEIPT, MovementKind.RETURN):
        raise ValidationError({"kind": _("Choose receipt or return.")})
    _active(warehouse, "warehouse")
    with transaction.atomic():
        balance = lock_balance(warehouse.pk, part.pk)
        movement = move(
            actor=actor, balance=balance, kind=kind, quantity=qty, reference=reference, note=note
        )
        from aftersales.parts.services.requisitions import serve_waiting

        serve_waiting(actor=actor, warehouse=warehouse, part=part)
    return movement


def issue_stock(
    *, actor: Any, warehouse: Warehouse, part: Part, quantity: Any, reference: str, note: str = ""
) -> StockMovement:
    """Goods out without a requisition (production, scrap): free stock only."""
    _require_warehouse(actor)
    qty = _positive(quantity)
    if not reference.strip():
        raise ValidationError({"reference": _("Say what the parts are issued for.")})
    with transaction.atomic():
        balance = lock_balance(warehouse.pk, part.pk)
        return move(
            actor=actor,
            balance=balance,
            kind=MovementKind.ISSUE,
            quantity=-qty,
            reference=reference,
            note=note,
        )


def adjust_stock(
    *, actor: Any, warehouse: Warehouse, part: Part, quantity: Any, note: str
) -> StockMovement:
    """A stock-take correction, up or down (never below what is reserved)."""
    _require_warehouse(actor)
    try:
        qty = Decimal(str(quantity))
    except (ArithmeticError, ValueError):
        raise ValidationError({"quantity": _("Enter a number.")}) from None
    if not qty.is_finite() or qty == 0:
        raise ValidationError({"quantity": _("An adjustment cannot be zero.")})
    if not note.strip():
        raise ValidationError({"note": _("Say why the stock is adjusted.")})
    with transaction.atomic():
        balance = lock_balance(warehouse.pk, part.pk)
        movement = move(
            actor=actor,
            balance=balance,
            kind=MovementKind.ADJUSTMENT,
            quantity=qty,
            note=note,
        )
        if qty > 0:
            from aftersales.parts.services.requisitions import serve_waiting

            serve_waiting(actor=actor, warehouse=warehouse, part=part)
    return movement


def transfer_stock(
    *, actor: Any, source: Warehouse, target: Warehouse, part: Part, quantity: Any, note: str = ""
) -> tuple[StockMovement, StockMovement]:
    """Move free stock between warehouses: two ledger rows, one out, one in."""
    _require_warehouse(actor)
    qty = _positive(quantity)
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another warehouse.")})
    _active(target, "target")
    with transaction.atomic():
        # Both rows locked in one order (by warehouse id): two opposite transfers at once
        # would otherwise deadlock.
        locked = {w: lock_balance(w, part.pk) for w in sorted((source.pk, target.pk))}
        ref = f"{source.code}→{target.code}"
        out = move(
            actor=actor,
            balance=locked[source.pk],
            kind=MovementKind.TRANSFER,
            quantity=-qty,
            reference=ref,
            note=note,
        )
        into = move(
            actor=actor,
            balance=locked[target.pk],
            kind=MovementKind.TRANSFER,
            quantity=qty,
            reference=ref,
            note=note,
        )
        from aftersales.parts.services.requisitions import serve_waiting

        serve_waiting(actor=actor, warehouse=target, part=part)
    return out, into


# --- Reservations ---------------------------------------------------------------------------


def production_managers() -> list[int]:
    """Managers of the production departments (told about shortages and bumps)."""
    return _managers(DepartmentKind.PRODUCTION)


def purchasing_managers() -> list[int]:
    """Managers of the purchasing departments (told about shortages)."""
    return _managers(DepartmentKind.PURCHASING)


def _managers(kind: str) -> list[int]:
    return [
        m
        for m in Department.objects.filter(kind=kind, manager__isnull=False).values_list(
            "manager_id", flat=True
        )
        if m is not None
    ]


def reserve_for_production(
    *, actor: Any, warehouse: Warehouse, part: Part, quantity: Any, order: str
) -> Reservation:
    """Hold free stock for a production order; never stock held for customer service."""
    if not (is_production_manager(actor) or is_warehouse(actor)):
        raise PermissionDenied(_("Only production or the warehouse may reserve for production."))
    qty = _positive(quantity)
    if not order.strip():
        raise ValidationError({"order": _("Name the production order.")})
    with transaction.atomic():
        balance = lock_balance(warehouse.pk, part.pk)
        if balance.available < qty:
            raise ValidationError(
                {"quantity": _("Only %(n)s are free.") % {"n": _fmt(balance.available)}}
            )
        balance.reserved += qty
        balance.save(update_fields=["reserved"])
        reservation = Reservation.objects.create(
            warehouse=warehouse,
            part=part,
            quantity=qty,
            purpose=Purpose.PRODUCTION,
            production_order=order.strip()[:64],
            created_by=actor,
        )
        record(
            actor=actor,
            action="reserved",
            obj=reservation,
            changes={"quantity": [None, str(qty)], "status": [None, ReservationStatus.ACTIVE]},
        )
        return reservation


def release_reservation(*, actor: Any, reservation: Reservation) -> Reservation:
    """Give a production reservation's stock back."""
    if not (is_production_manager(actor) or is_warehouse(actor)):
        raise PermissionDenied(_("Only production or the warehouse may release reservations."))
    if reservation.purpose != Purpose.PRODUCTION:
        raise ValidationError(_("Service reservations end with their requisition."))
    with transaction.atomic():
        balance = lock_balance(reservation.warehouse_id, reservation.part_id)
        current = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if current.status != ReservationStatus.ACTIVE:
            raise Conflict(_("This reservation has already ended."), code="invalid_transition")
        _end(actor=actor, balance=balance, reservation=current, status=ReservationStatus.RELEASED)
        from aftersales.parts.services.requisitions import serve_waiting

        serve_waiting(actor=actor, warehouse=current.warehouse, part=current.part)
        return current


def _end(
    *,
    actor: Any,
    balance: StockBalance,
    reservation: Reservation,
    status: str,
    message: str = "",
) -> None:
    balance.reserved -= reservation.quantity
    balance.save(update_fields=["reserved"])
    old = reservation.status
    reservation.status, reservation.ended_at = status, clock.now()
    reservation.save(update_fields=["status", "ended_at"])
    record(
        actor=actor,
        action=status,
        obj=reservation,
        changes={"status": [old, status]},
        message=message,
    )


def reserve_for_service(*, actor: Any, line: Any, balance: StockBalance) -> Reservation | None:
    """Hold a requisition line's quantity on a locked balance (先顾客后生产).

    Free stock first; if that is short, production reservations are taken, newest first,
    and their owners and the production managers are told. Nothing is taken from
    production unless it makes the line whole: a line that must wait anyway leaves
    production alone until stock arrives. None if the line must wait.
    """
    need = line.quantity
    if balance.available < need:
        production = list(
            Reservation.objects.select_for_update()
            .filter(
                warehouse_id=balance.warehouse_id,
                part_id=balance.part_id,
                purpose=Purpose.PRODUCTION,
                status=ReservationStatus.ACTIVE,
            )
            .order_by("-created_at", "-id")
        )
        if balance.available + sum((r.quantity for r in production), ZERO) < need:
            return None
        requisition = line.requisition
        for taken in production:
            if balance.available >= need:
                break
            _end(
                actor=actor,
                balance=balance,
                reservation=taken,
                status=ReservationStatus.BUMPED,
                message=requisition.number,
            )
            notifications.notify(
                users=[taken.created_by_id, *production_managers()],
                kind="parts_reservation_bumped",
                params={
                    "quantity": _fmt(taken.quantity),
                    "part": str(line.part),
                    "order": taken.production_order,
                    "warehouse": str(balance.warehouse),
                },
                target=taken,
                url=f"/parts/requisitions/{requisition.pk}/",
            )
    balance.reserved += need
    balance.save(update_fields=["reserved"])
    return Reservation.objects.create(
        warehouse_id=balance.warehouse_id,
        part_id=balance.part_id,
        quantity=need,
        purpose=Purpose.SERVICE,
        line=line,
        created_by=actor,
    )


def consume_service_reservation(
    *, actor: Any, reservation: Reservation, balance: StockBalance, requisition: Any
) -> StockMovement:
    """Issue what a service reservation holds: stock and reservation go down together."""
    movement = move(
        actor=actor,
        balance=balance,
        kind=MovementKind.ISSUE,
        quantity=-reservation.quantity,
        reference=requisition.number,
        requisition=requisition,
        from_reserved=reservation.quantity,
    )
    reservation.status, reservation.ended_at = ReservationStatus.ISSUED, clock.now()
    reservation.save(update_fields=["status", "ended_at"])
    return movement


def release_service_reservation(
    *, actor: Any, reservation: Reservation, balance: StockBalance
) -> None:
    """A cancelled requisition gives its stock back."""
    _end(actor=actor, balance=balance, reservation=reservation, status=ReservationStatus.RELEASED)
