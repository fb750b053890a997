"""Races on PostgreSQL: concurrent issues never drive stock negative; customer service wins
the last units from production."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum

from aftersales.core.exceptions import ValidationError
from aftersales.parts.choices_stock import Purpose, RequisitionStatus, ReservationStatus
from aftersales.parts.models import Requisition, Reservation, StockBalance, StockMovement
from aftersales.parts.services import stock
from aftersales.parts.tests.stock_helpers import approved, part, requisition, stocked, warehouse
from aftersales.testing.world import World

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(workers: list[Callable[[], None]]) -> list[BaseException]:
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=30)
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_ten_concurrent_issues_of_seven_units_never_drive_stock_negative(world: World) -> None:
    assert connection.vendor == "postgresql"
    main, seal = warehouse(), part()
    stocked(world, main, seal, 7)

    def issue() -> None:
        stock.issue_stock(
            actor=world.warehouse, warehouse=main, part=seal, quantity=1, reference="MO"
        )

    errors = race([issue] * 10)
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors), errors
    balance = StockBalance.objects.get(warehouse=main, part=seal)
    assert balance.on_hand == 0
    total = StockMovement.objects.filter(warehouse=main, part=seal).aggregate(t=Sum("quantity"))
    assert total["t"] == balance.on_hand


def test_service_wins_the_last_units_against_production(world: World) -> None:
    assert connection.vendor == "postgresql"
    main, seal = warehouse(), part()
    stocked(world, main, seal, 3)
    reqs = [requisition(world, main, [(seal, 1)]) for _ in range(3)]
    outcomes: list[str] = []

    def service(req: Requisition) -> Callable[[], None]:
        return lambda: outcomes.append(approved(world, req).status)

    def production() -> None:
        stock.reserve_for_production(
            actor=world.warehouse, warehouse=main, part=seal, quantity=2, order="MO-99"
        )

    errors = race([*(service(r) for r in reqs), production, production])
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert outcomes == [RequisitionStatus.READY] * 3
    held = Reservation.objects.filter(status=ReservationStatus.ACTIVE)
    assert sum((r.quantity for r in held if r.purpose == Purpose.SERVICE), Decimal(0)) == 3
    assert not [r for r in held if r.purpose == Purpose.PRODUCTION]
    balance = StockBalance.objects.get(warehouse=main, part=seal)
    assert (balance.on_hand, balance.reserved) == (3, 3)
