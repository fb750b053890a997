"""Requisitions (领料单): raised by after-sales, approved by production, issued by the
warehouse; shortage notifies purchasing and production; customer first."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.parts.choices_stock import (
    MovementKind,
    RequisitionStatus,
    ReservationStatus,
    WarrantyCover,
)
from aftersales.parts.models import Requisition, Reservation, StockBalance, StockMovement
from aftersales.parts.services import requisitions as rq
from aftersales.parts.services import stock
from aftersales.parts.tests.stock_helpers import approved, part, requisition, stocked, warehouse
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db
S = RequisitionStatus


def test_an_approved_requisition_with_stock_is_ready_and_the_warehouse_issues_it(
    world: World,
) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    req = requisition(world, main, [(seal, 2)])
    assert req.status == S.SUBMITTED
    assert Notification.objects.filter(
        user=world.production_manager, kind="parts_requisition_submitted"
    ).exists()
    req = approved(world, req)
    assert req.status == S.READY
    assert StockBalance.objects.get(warehouse=main, part=seal).reserved == 2
    req = rq.issue_requisition(actor=world.warehouse, requisition=req, expected_version=req.version)
    assert req.status == S.ISSUED and req.issued_by == world.warehouse
    balance = StockBalance.objects.get(warehouse=main, part=seal)
    assert (balance.on_hand, balance.reserved) == (3, 0)
    issue = StockMovement.objects.get(kind=MovementKind.ISSUE)
    assert (issue.quantity, issue.requisition) == (-2, req)
    assert [h.action for h in history_for(req)] == ["issue", "approve", "created"]


def test_a_short_requisition_waits_and_tells_purchasing_and_production(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 1)
    req = approved(world, requisition(world, main, [(seal, 3)]))
    assert req.status == S.WAITING_STOCK
    told = set(Notification.objects.filter(kind="parts_shortage").values_list("user_id", flat=True))
    assert told == {world.purchasing_manager.pk, world.production_manager.pk}
    assert StockBalance.objects.get(warehouse=main, part=seal).reserved == 0


def test_a_receipt_makes_the_waiting_requisition_ready(world: World) -> None:
    main, seal = warehouse(), part()
    req = approved(world, requisition(world, main, [(seal, 3)]))
    assert req.status == S.WAITING_STOCK
    stocked(world, main, seal, 2)
    req.refresh_from_db()
    assert req.status == S.WAITING_STOCK
    stocked(world, main, seal, 1)
    req.refresh_from_db()
    assert req.status == S.READY
    assert history_for(req).first().action == "stock_arrived"
    assert Notification.objects.filter(
        user=world.warehouse, kind="parts_requisition_ready"
    ).exists()


def test_waiting_requisitions_are_served_oldest_first(world: World) -> None:
    main, seal = warehouse(), part()
    first = approved(world, requisition(world, main, [(seal, 2)]))
    second = approved(world, requisition(world, main, [(seal, 2)]))
    stocked(world, main, seal, 2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.READY, S.WAITING_STOCK)


def test_service_takes_stock_reserved_for_production_and_production_is_told(
    world: World,
) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 3)
    production = stock.reserve_for_production(
        actor=world.production_manager, warehouse=main, part=seal, quantity=3, order="MO-12"
    )
    req = approved(world, requisition(world, main, [(seal, 2)]))
    assert req.status == S.READY
    production.refresh_from_db()
    assert production.status == ReservationStatus.BUMPED
    note = Notification.objects.get(kind="parts_reservation_bumped")
    assert note.user == world.production_manager
    assert note.params["order"] == "MO-12"
    assert [h.action for h in history_for(production)] == ["bumped", "reserved"]
    balance = StockBalance.objects.get(warehouse=main, part=seal)
    assert (balance.on_hand, balance.reserved) == (3, 2)


def test_production_cannot_reserve_stock_held_for_service(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 2)
    approved(world, requisition(world, main, [(seal, 2)]))
    with pytest.raises(ValidationError) as caught:
        stock.reserve_for_production(
            actor=world.production_manager, warehouse=main, part=seal, quantity=1, order="MO-1"
        )
    assert "quantity" in caught.value.message_dict


def test_production_keeps_its_reservation_when_taking_it_would_not_make_service_whole(
    world: World,
) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 2)
    production = stock.reserve_for_production(
        actor=world.production_manager, warehouse=main, part=seal, quantity=2, order="MO-3"
    )
    req = approved(world, requisition(world, main, [(seal, 5)]))
    assert req.status == S.WAITING_STOCK
    production.refresh_from_db()
    assert production.status == ReservationStatus.ACTIVE


def test_only_the_production_manager_approves(world: World) -> None:
    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    for other in (world.manager, world.purchasing_manager, world.warehouse, world.agent):
        with pytest.raises(PermissionDenied):
            rq.approve_requisition(actor=other, requisition=req, expected_version=req.version)


def test_a_rejection_needs_a_comment_and_is_recorded(world: World) -> None:
    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    with pytest.raises(ValidationError) as caught:
        rq.reject_requisition(
            actor=world.production_manager, requisition=req, expected_version=1, comment=" "
        )
    assert "comment" in caught.value.message_dict
    req = rq.reject_requisition(
        actor=world.production_manager, requisition=req, expected_version=1, comment="型号不符"
    )
    assert req.status == S.REJECTED and req.decision_comment == "型号不符"
    entry = history_for(req).first()
    assert (entry.action, entry.message) == ("reject", "型号不符")
    assert Notification.objects.filter(user=world.agent, kind="parts_requisition_rejected").exists()


def test_a_stale_version_changes_nothing(world: World) -> None:
    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    with pytest.raises(Conflict):
        rq.approve_requisition(
            actor=world.production_manager, requisition=req, expected_version=req.version + 1
        )
    req.refresh_from_db()
    assert req.status == S.SUBMITTED


def test_the_warehouse_cannot_issue_before_approval(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    req = requisition(world, main, [(seal, 1)])
    with pytest.raises(Conflict):
        rq.issue_requisition(actor=world.warehouse, requisition=req, expected_version=None)
    with pytest.raises(PermissionDenied):
        rq.issue_requisition(
            actor=world.agent, requisition=approved(world, req), expected_version=None
        )


def test_cancelling_gives_reserved_stock_to_the_next_waiting_requisition(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 2)
    first = approved(world, requisition(world, main, [(seal, 2)]))
    second = approved(world, requisition(world, main, [(seal, 2)]))
    assert second.status == S.WAITING_STOCK
    with pytest.raises(ValidationError):
        rq.cancel_requisition(
            actor=world.agent, requisition=first, expected_version=None, reason=""
        )
    rq.cancel_requisition(
        actor=world.agent, requisition=first, expected_version=None, reason="客户自行采购"
    )
    second.refresh_from_db()
    assert second.status == S.READY
    assert Reservation.objects.filter(status=ReservationStatus.RELEASED).count() == 1


def test_bad_input_names_the_field(world: World) -> None:
    main, seal = warehouse(), part()
    request = new_request(world, owner=world.engineer)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"reason": " "}, "reason"),
        ({"cover": "maybe"}, "cover"),
        ({"lines": []}, "lines"),
        ({"lines": [(seal, 0)]}, "lines"),
        ({"lines": [(seal, 1), (seal, 2)]}, "lines"),
    ]
    for override, field in cases:
        data: dict[str, Any] = {
            "reason": "更换",
            "cover": WarrantyCover.CHARGEABLE,
            "lines": [(seal, 1)],
            **override,
        }
        with pytest.raises(ValidationError) as caught:
            rq.raise_requisition(actor=world.agent, request=request, warehouse=main, **data)
        assert field in caught.value.message_dict, override


def test_the_warehouse_and_portal_users_cannot_raise_requisitions(world: World) -> None:
    main, seal = warehouse(), part()
    request = new_request(world, owner=world.engineer)
    for other in (world.warehouse, world.acme_portal, world.qc):
        with pytest.raises(PermissionDenied):
            rq.raise_requisition(
                actor=other,
                request=request,
                warehouse=main,
                reason="x",
                cover=WarrantyCover.IN_WARRANTY,
                lines=[(seal, 1)],
            )


def test_an_outsider_department_cannot_see_or_raise_for_our_request(world: World) -> None:
    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    assert not Requisition.objects.visible_to(world.outsider_engineer).exists()
    assert not Requisition.objects.visible_to(world.acme_portal).exists()
    assert Requisition.objects.visible_to(world.production_manager).get() == req
    assert Requisition.objects.visible_to(world.purchasing_manager).get() == req
    assert Requisition.objects.visible_to(world.warehouse).get() == req
    with pytest.raises(PermissionDenied):
        rq.raise_requisition(
            actor=world.outsider_engineer,
            request=req.request,
            warehouse=main,
            reason="x",
            cover=WarrantyCover.IN_WARRANTY,
            lines=[(seal, 1)],
        )
