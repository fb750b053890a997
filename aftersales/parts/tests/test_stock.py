"""The stock ledger: append-only, balances equal the ledger's sums, never negative."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from aftersales.core.exceptions import PermissionDenied, ValidationError
from aftersales.core.models import AppendOnlyError
from aftersales.parts.choices_stock import MovementKind, ReservationStatus
from aftersales.parts.models import Part, Reservation, StockBalance, StockMovement
from aftersales.parts.services import stock
from aftersales.parts.tests.stock_helpers import part, stocked, warehouse
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def ledger_matches_balances() -> None:
    sums = {
        (r["warehouse_id"], r["part_id"]): r["total"]
        for r in StockMovement.objects.values("warehouse_id", "part_id").annotate(
            total=Sum("quantity")
        )
    }
    for b in StockBalance.objects.all():
        assert sums.get((b.warehouse_id, b.part_id), Decimal(0)) == b.on_hand
        assert 0 <= b.reserved <= b.on_hand


def test_receipt_issue_transfer_and_adjustment_keep_the_ledger_equal_to_the_balance(
    world: World,
) -> None:
    main, east = warehouse(), warehouse("WH02", "华东库")
    seal = part()
    stocked(world, main, seal, 10)
    stock.issue_stock(
        actor=world.warehouse, warehouse=main, part=seal, quantity=3, reference="生产令 MO-1"
    )
    stock.transfer_stock(actor=world.warehouse, source=main, target=east, part=seal, quantity=2)
    stock.adjust_stock(actor=world.warehouse, warehouse=east, part=seal, quantity=-1, note="盘亏")
    stock.receive_stock(
        actor=world.warehouse, warehouse=main, part=seal, quantity=1, kind=MovementKind.RETURN
    )
    assert StockBalance.objects.get(warehouse=main, part=seal).on_hand == 6
    assert StockBalance.objects.get(warehouse=east, part=seal).on_hand == 1
    assert StockMovement.objects.count() == 6
    ledger_matches_balances()


def test_issuing_more_than_on_hand_is_refused_naming_the_quantity(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 2)
    with pytest.raises(ValidationError) as caught:
        stock.issue_stock(
            actor=world.warehouse, warehouse=main, part=seal, quantity=3, reference="MO-1"
        )
    assert "quantity" in caught.value.message_dict
    assert StockBalance.objects.get(warehouse=main, part=seal).on_hand == 2
    ledger_matches_balances()


def test_zero_or_negative_receipts_are_refused(world: World) -> None:
    main, seal = warehouse(), part()
    for bad in ("0", "-1", "abc", "1.234"):
        with pytest.raises(ValidationError) as caught:
            stock.receive_stock(actor=world.warehouse, warehouse=main, part=seal, quantity=bad)
        assert "quantity" in caught.value.message_dict


def test_the_ledger_cannot_be_changed_or_deleted(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 1)
    row = StockMovement.objects.get()
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.update(quantity=5)
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.all().delete()


def test_the_database_refuses_a_negative_balance(world: World) -> None:
    main, seal = warehouse(), part()
    balance = stocked(world, main, seal, 1)
    balance.on_hand = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        balance.save()


def test_the_database_refuses_more_reserved_than_on_hand(world: World) -> None:
    main, seal = warehouse(), part()
    balance = stocked(world, main, seal, 1)
    balance.reserved = Decimal("2")
    with pytest.raises(IntegrityError), transaction.atomic():
        balance.save()


def test_only_the_warehouse_moves_stock(world: World) -> None:
    main, seal = warehouse(), part()
    for outsider in (world.agent, world.production_manager, world.acme_portal):
        with pytest.raises(PermissionDenied):
            stock.receive_stock(actor=outsider, warehouse=main, part=seal, quantity=1)


def test_an_adjustment_needs_a_reason_and_a_non_zero_quantity(world: World) -> None:
    main, seal = warehouse(), part()
    with pytest.raises(ValidationError) as caught:
        stock.adjust_stock(actor=world.warehouse, warehouse=main, part=seal, quantity=1, note="")
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        stock.adjust_stock(actor=world.warehouse, warehouse=main, part=seal, quantity=0, note="x")
    assert "quantity" in caught.value.message_dict


def test_a_production_reservation_holds_free_stock_only(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 3)
    stock.reserve_for_production(
        actor=world.production_manager, warehouse=main, part=seal, quantity=2, order="MO-7"
    )
    with pytest.raises(ValidationError):
        stock.reserve_for_production(
            actor=world.production_manager, warehouse=main, part=seal, quantity=2, order="MO-8"
        )
    with pytest.raises(ValidationError):
        stock.issue_stock(
            actor=world.warehouse, warehouse=main, part=seal, quantity=2, reference="MO-9"
        )
    balance = StockBalance.objects.get(warehouse=main, part=seal)
    assert (balance.on_hand, balance.reserved) == (3, 2)


def test_releasing_a_production_reservation_frees_its_stock_with_a_history_row(
    world: World,
) -> None:
    from aftersales.core.history import history_for

    main, seal = warehouse(), part()
    stocked(world, main, seal, 3)
    held = stock.reserve_for_production(
        actor=world.production_manager, warehouse=main, part=seal, quantity=2, order="MO-7"
    )
    stock.release_reservation(actor=world.production_manager, reservation=held)
    held.refresh_from_db()
    assert held.status == ReservationStatus.RELEASED
    assert StockBalance.objects.get(warehouse=main, part=seal).reserved == 0
    assert [h.action for h in history_for(held)] == ["released", "reserved"]


def test_the_catalogue_is_hidden_from_portal_users(world: World) -> None:
    part()
    assert Part.objects.visible_to(world.acme_portal).count() == 0
    assert Part.objects.visible_to(world.engineer).count() == 1
    assert Reservation.objects.count() == 0
