"""The parts panel on the request page: its requisitions, shipments and old parts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from aftersales.core import panels
from aftersales.parts.access import is_after_sales
from aftersales.parts.choices_stock import ShipmentStatus
from aftersales.parts.models import OldPartReturn, Requisition, Shipment
from aftersales.service.choices import OPEN


def request_parts(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """Context of the panel; hidden from the portal and from those without the parts pages."""
    user: Any = request.user
    if not user.has_perm("parts.view_requisition"):
        return None
    requisitions = list(
        Requisition.objects.visible_to(user)
        .filter(request=obj)
        .select_related("warehouse")
        .prefetch_related("lines__part")
        .order_by("-created_at")[:20]
    )
    shipments = list(
        Shipment.objects.visible_to(user).filter(request=obj).order_by("-sent_at")[:20]
    )
    old_parts = list(
        OldPartReturn.objects.visible_to(user)
        .filter(request=obj)
        .select_related("part")
        .order_by("-created_at")[:20]
    )
    may_raise = obj.status in OPEN and is_after_sales(user)
    if not (requisitions or shipments or old_parts or may_raise):
        return None
    return {
        "requisitions": requisitions,
        "shipments": shipments,
        "old_parts": old_parts,
        "may_raise": may_raise,
        "in_transit": ShipmentStatus.SENT,
    }


def register() -> None:
    """Add the panel to the request page."""
    panels.register(
        panels.REQUEST,
        panels.Panel(
            key="parts-stock",
            template="parts/requisition_panel.html",
            context=request_parts,
            order=40,
        ),
    )
