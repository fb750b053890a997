"""Builders for the stock tests: a warehouse, parts, stock received through the service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aftersales.parts.choices_stock import WarrantyCover
from aftersales.parts.models import Part, Requisition, StockBalance, Warehouse
from aftersales.parts.services import requisitions as rq
from aftersales.parts.services import stock
from aftersales.testing.requests import new_request
from aftersales.testing.world import World


def warehouse(code: str = "WH01", name: str = "总库") -> Warehouse:
    """An active warehouse."""
    return Warehouse.objects.create(code=code, name=name, name_en="Main store")


def part(code: str = "P-SEAL", name: str = "机械密封", **extra: Any) -> Part:
    """A catalogue part."""
    return Part.objects.create(code=code, name=name, name_en="Mechanical seal", **extra)


def stocked(world: World, wh: Warehouse, p: Part, quantity: int | str) -> StockBalance:
    """Receive ``quantity`` of ``p`` into ``wh`` as the warehouse; the balance."""
    stock.receive_stock(
        actor=world.warehouse, warehouse=wh, part=p, quantity=quantity, reference="入库单"
    )
    return StockBalance.objects.get(warehouse=wh, part=p)


def requisition(
    world: World, wh: Warehouse, lines: list[tuple[Part, int | str]], request: Any = None
) -> Requisition:
    """A requisition raised by the agent for an accepted request owned by the engineer."""
    request = request or new_request(world, owner=world.engineer)
    return rq.raise_requisition(
        actor=world.agent,
        request=request,
        warehouse=wh,
        reason="机械密封漏水，需更换",
        cover=WarrantyCover.IN_WARRANTY,
        lines=[(p, Decimal(str(q))) for p, q in lines],
    )


def approved(world: World, req: Requisition) -> Requisition:
    """Approved by the production manager."""
    return rq.approve_requisition(
        actor=world.production_manager, requisition=req, expected_version=req.version
    )
