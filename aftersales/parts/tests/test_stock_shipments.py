"""The shipment register: a shipment puts the request on hold for parts; its receipt
resumes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.parts.choices_stock import ShipmentStatus, Transport
from aftersales.parts.models import Requisition, Shipment
from aftersales.parts.services import requisitions as rq
from aftersales.parts.services import shipments
from aftersales.parts.tests.stock_helpers import approved, part, requisition, stocked, warehouse
from aftersales.service.choices import Status
from aftersales.sla.models import Clock
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def issued(world: World, quantity: int = 2) -> tuple[Requisition, Any]:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    req = approved(world, requisition(world, main, [(seal, quantity)]))
    req = rq.issue_requisition(actor=world.warehouse, requisition=req, expected_version=None)
    return req, seal


def ship(world: World, req: Requisition, seal: Any, gate_pass: str = "CM-0001", **kw: Any) -> Any:  # noqa: S107
    data: dict[str, Any] = {
        "destination": "江苏省南通市 甲方机械二号厂房",
        "transport": Transport.EXPRESS,
        "carrier": "顺丰速运",
        "tracking_number": "SF1234567890",
        "items": [(seal, 2)],
        "product_model": world.model,
        **kw,
    }
    return shipments.register_shipment(
        actor=world.warehouse, requisition=req, gate_pass=gate_pass, **data
    )


def test_a_shipment_pauses_the_request_and_its_receipt_resumes_it(world: World) -> None:
    req, seal = issued(world)
    request = req.request
    assert request.status == Status.ACCEPTED
    shipment = ship(world, req, seal)
    request.refresh_from_db()
    assert request.status == Status.WAITING_PARTS
    running = Clock.objects.filter(request=request, met_at=None)
    assert running.exists()
    assert all(c.running_since is None for c in running)
    assert "CM-0001" in history_for(request).first().message
    shipments.receive_shipment(
        actor=world.engineer, shipment=shipment, expected_version=shipment.version
    )
    request.refresh_from_db()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED and shipment.received_by == world.engineer
    assert request.status == Status.ACCEPTED
    assert all(c.running_since is not None for c in running.all())
    assert [h.action for h in history_for(shipment)] == ["receive", "created"]


def test_the_request_resumes_only_when_its_last_shipment_arrives(world: World) -> None:
    req, seal = issued(world)
    first = ship(world, req, seal, items=[(seal, 1)])
    second = ship(world, req, seal, gate_pass="CM-0002", items=[(seal, 1)])
    shipments.receive_shipment(actor=world.engineer, shipment=first, expected_version=None)
    req.request.refresh_from_db()
    assert req.request.status == Status.WAITING_PARTS
    shipments.receive_shipment(actor=world.engineer, shipment=second, expected_version=None)
    req.request.refresh_from_db()
    assert req.request.status == Status.ACCEPTED


def test_a_gate_pass_is_used_once(world: World) -> None:
    req, seal = issued(world)
    ship(world, req, seal, items=[(seal, 1)])
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, items=[(seal, 1)])
    assert "gate_pass" in caught.value.message_dict


def test_more_than_was_issued_cannot_be_shipped(world: World) -> None:
    req, seal = issued(world)
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, items=[(seal, 3)])
    assert "items" in caught.value.message_dict


def test_express_needs_a_tracking_number_and_rail_a_carrier(world: World) -> None:
    req, seal = issued(world)
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, tracking_number="")
    assert "tracking_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, transport=Transport.RAIL, carrier="")
    assert "carrier" in caught.value.message_dict
    ship(world, req, seal, transport=Transport.COURIER, carrier="", tracking_number="")


def test_a_future_dispatch_time_is_refused(world: World) -> None:
    req, seal = issued(world)
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, sent_at=clock.now() + dt.timedelta(days=1))
    assert "sent_at" in caught.value.message_dict


def test_parts_not_issued_cannot_be_shipped(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    req = approved(world, requisition(world, main, [(seal, 1)]))
    with pytest.raises(ValidationError) as caught:
        ship(world, req, seal, items=[(seal, 1)])
    assert "requisition" in caught.value.message_dict


def test_only_the_warehouse_ships_and_a_receipt_is_recorded_once(world: World) -> None:
    req, seal = issued(world)
    with pytest.raises(PermissionDenied):
        shipments.register_shipment(
            actor=world.agent,
            requisition=req,
            gate_pass="CM-9",
            destination="x",
            transport=Transport.COURIER,
            items=[(seal, 1)],
        )
    shipment = ship(world, req, seal)
    shipments.receive_shipment(actor=world.engineer, shipment=shipment, expected_version=None)
    with pytest.raises(Conflict):
        shipments.receive_shipment(actor=world.engineer, shipment=shipment, expected_version=None)


def test_an_outsider_and_portal_users_see_no_shipments(world: World) -> None:
    req, seal = issued(world)
    shipment = ship(world, req, seal)
    assert not Shipment.objects.visible_to(world.outsider_engineer).exists()
    assert not Shipment.objects.visible_to(world.acme_portal).exists()
    assert Shipment.objects.visible_to(world.engineer).get() == shipment
    with pytest.raises(PermissionDenied):
        shipments.receive_shipment(
            actor=world.outsider_engineer, shipment=shipment, expected_version=None
        )
