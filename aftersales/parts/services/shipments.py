"""The shipment register (配件发送登记): record a dispatch, the request waits for parts;
record its receipt, the request resumes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record, record_created
from aftersales.customers.models import ProductModel
from aftersales.parts.access import is_after_sales, is_warehouse
from aftersales.parts.choices_stock import RequisitionStatus, ShipmentStatus, Transport
from aftersales.parts.models import Part, Requisition, Shipment, ShipmentItem
from aftersales.parts.services.stock import _fmt, _positive
from aftersales.service import services as requests
from aftersales.service.choices import WORKING, Status
from aftersales.service.models import ServiceRequest
from aftersales.service.transitions import TRANSITIONS, holds

FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _acting_for(actor: Any, request: ServiceRequest, action: str) -> Any:
    """Who moves the request: the actor if they may, else its owner or its department's
    manager (the warehouse ships, but the wait belongs to the request's people). None if
    nobody may."""
    who = TRANSITIONS[action].who
    department = request.department
    for candidate in (actor, request.owner, department.manager if department else None):
        if candidate is not None and holds(candidate, who, request):
            return candidate
    return None


def _shipped(requisition: Requisition) -> dict[int, Decimal]:
    rows = (
        ShipmentItem.objects.filter(shipment__requisition=requisition)
        .values("part_id")
        .annotate(total=Sum("quantity"))
    )
    return {r["part_id"]: r["total"] for r in rows}


def register_shipment(
    *,
    actor: Any,
    requisition: Requisition,
    gate_pass: str,
    destination: str,
    transport: str,
    items: Sequence[tuple[Part, Any]],
    product_model: ProductModel | None = None,
    sent_at: dt.datetime | None = None,
    carrier: str = "",
    tracking_number: str = "",
    stub: UploadedFile | None = None,
) -> Shipment:
    """Record parts leaving the gate for a site; the request then waits for parts (its
    clocks pause) until the site receives them."""
    if not is_warehouse(actor):
        raise PermissionDenied(_("Only the warehouse registers shipments."))
    if not Requisition.objects.visible_to(actor).filter(pk=requisition.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, str] = {}
    gate_pass = gate_pass.strip()
    if not gate_pass:
        errors["gate_pass"] = _("Enter the gate pass number.")
    elif Shipment.objects.filter(gate_pass=gate_pass).exists():
        errors["gate_pass"] = _("Gate pass %(n)s is already registered.") % {"n": gate_pass}
    if not destination.strip():
        errors["destination"] = _("Enter where the parts go.")
    if transport not in Transport.values:
        errors["transport"] = _("Choose how the parts travel.")
    elif transport == Transport.EXPRESS and not tracking_number.strip():
        errors["tracking_number"] = _("Express shipments need a tracking number.")
    elif transport != Transport.COURIER and not carrier.strip():
        errors["carrier"] = _("Name the carrier.")
    now = clock.now()
    sent_at = sent_at or now
    if sent_at > now + FUTURE_TOLERANCE:
        errors["sent_at"] = _("The dispatch time cannot be in the future.")
    if requisition.status != RequisitionStatus.ISSUED:
        errors["requisition"] = _("Only issued parts can be shipped.")
    if errors:
        raise ValidationError(errors)
    if not items:
        raise ValidationError({"items": _("Add at least one part.")})
    with transaction.atomic():
        current = Requisition.objects.select_for_update().get(pk=requisition.pk)
        issued = {line.part_id: line.issued_quantity for line in current.lines.all()}
        shipped = _shipped(current)
        parsed = []
        for part, quantity in items:
            qty = _positive(quantity, "items")
            left = issued.get(part.pk, Decimal(0)) - shipped.get(part.pk, Decimal(0))
            if qty > left:
                raise ValidationError(
                    {
                        "items": _("Only %(n)s of %(part)s are issued and not yet shipped.")
                        % {"n": _fmt(left), "part": part}
                    }
                )
            shipped[part.pk] = shipped.get(part.pk, Decimal(0)) + qty
            parsed.append((part, qty))
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    gate_pass=gate_pass,
                    requisition=current,
                    request_id=current.request_id,
                    destination=destination.strip(),
                    product_model=product_model,
                    sent_at=sent_at,
                    transport=transport,
                    carrier=carrier.strip(),
                    tracking_number=tracking_number.strip(),
                    sent_by=actor,
                    **({"stub": stub} if stub else {}),
                )
        except IntegrityError:
            # Another shipment took the gate pass between the check and the insert.
            raise ValidationError(
                {"gate_pass": _("Gate pass %(n)s is already registered.") % {"n": gate_pass}}
            ) from None
        ShipmentItem.objects.bulk_create(
            ShipmentItem(shipment=shipment, part=p, quantity=q) for p, q in parsed
        )
        record_created(
            actor=actor,
            obj=shipment,
            fields=["gate_pass", "requisition", "destination", "transport", "tracking_number"],
        )
        _wait_for_parts(actor, shipment)
        return shipment


def _wait_for_parts(actor: Any, shipment: Shipment) -> None:
    request = ServiceRequest.objects.select_related("owner", "department__manager").get(
        pk=shipment.request_id
    )
    if request.status not in WORKING:
        return  # already waiting (for these or other parts), new, or done: nothing to pause
    acting = _acting_for(actor, request, "wait_parts")
    if acting is None:
        return
    requests.wait(
        actor=acting,
        request=request,
        expected_version=request.version,
        status=Status.WAITING_PARTS,
        reason=_("Parts shipped on gate pass %(n)s by %(by)s.")
        % {"n": shipment.gate_pass, "by": actor},
    )


def receive_shipment(
    *,
    actor: Any,
    shipment: Shipment,
    expected_version: int | None,
    received_at: dt.datetime | None = None,
) -> Shipment:
    """The site has the parts: the shipment is received and, if nothing else is on its way
    to it, the request resumes (its clocks run again)."""
    if not (is_after_sales(actor) or is_warehouse(actor)):
        raise PermissionDenied(_("You may not record receipts."))
    now = clock.now()
    received_at = received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"received_at": _("The receipt time cannot be in the future.")})
    with transaction.atomic():
        current = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if not Shipment.objects.visible_to(actor).filter(pk=current.pk).exists():
            raise PermissionDenied(_("You do not have permission to do this."))
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("Someone else changed this shipment in the meantime. Reload and try again."),
                code="stale_version",
                current={"version": current.version, "status": current.status},
            )
        if current.status != ShipmentStatus.SENT:
            raise Conflict(_("This shipment is already received."), code="invalid_transition")
        if received_at < current.sent_at:
            raise ValidationError({"received_at": _("It cannot arrive before it was sent.")})
        current.status = ShipmentStatus.RECEIVED
        current.received_at, current.received_by = received_at, actor
        current.version += 1
        current.save(
            update_fields=["status", "received_at", "received_by", "version", "updated_at"]
        )
        record(
            actor=actor,
            action="receive",
            obj=current,
            changes={"status": [ShipmentStatus.SENT, ShipmentStatus.RECEIVED]},
        )
        _resume(actor, current)
        return current


def _resume(actor: Any, shipment: Shipment) -> None:
    request = ServiceRequest.objects.select_related("owner", "department__manager").get(
        pk=shipment.request_id
    )
    if request.status != Status.WAITING_PARTS:
        return
    if Shipment.objects.filter(request=request, status=ShipmentStatus.SENT).exists():
        return  # still waiting for another shipment
    acting = _acting_for(actor, request, "resume")
    if acting is None:
        return
    requests.resume(actor=acting, request=request, expected_version=request.version)
