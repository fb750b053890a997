"""The reservations page: production reserves and releases free stock; the list's query
count is flat; others may only look, the portal not even that."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.core.history import history_for
from aftersales.parts.choices_stock import ReservationStatus
from aftersales.parts.models import Reservation, StockBalance
from aftersales.parts.services import stock
from aftersales.parts.tests.stock_helpers import part, stocked, warehouse
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db
URL = "parts:reservation-list"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_production_reserves_and_releases_through_the_page_with_history(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    pm = client_for(world.production_manager)
    data = {"warehouse": main.pk, "part": seal.pk, "quantity": "2", "order": "MO-2026-0601"}
    assert pm.post(reverse(URL), data).status_code == 302
    held = Reservation.objects.get()
    assert StockBalance.objects.get(warehouse=main, part=seal).reserved == 2
    too_much = pm.post(reverse(URL), {**data, "quantity": "9"})
    assert "id_quantity_error" in too_much.content.decode()
    no_order = pm.post(reverse(URL), {**data, "order": ""})
    assert "id_order_error" in no_order.content.decode()
    assert pm.post(reverse("parts:reservation-release", args=[held.pk])).status_code == 302
    held.refresh_from_db()
    assert held.status == ReservationStatus.RELEASED
    assert [h.action for h in history_for(held)] == ["released", "reserved"]


def test_others_only_look_and_the_portal_sees_nothing(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    held = stock.reserve_for_production(
        actor=world.production_manager, warehouse=main, part=seal, quantity=1, order="MO-1"
    )
    agent = client_for(world.agent)
    page = agent.get(reverse(URL))
    assert page.status_code == 200 and "MO-1" in page.content.decode()
    data = {"warehouse": main.pk, "part": seal.pk, "quantity": "1", "order": "MO-2"}
    assert agent.post(reverse(URL), data).status_code == 403
    agent.post(reverse("parts:reservation-release", args=[held.pk]))
    held.refresh_from_db()
    assert held.status == ReservationStatus.ACTIVE
    assert client_for(world.acme_portal).get(reverse(URL)).status_code == 404


def test_the_list_costs_the_same_queries_for_2_and_22_reservations(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 100)
    c = client_for(world.warehouse)
    counts = []
    for n in (2, 22):
        while Reservation.objects.count() < n:
            stock.reserve_for_production(
                actor=world.warehouse, warehouse=main, part=seal, quantity=1, order="MO"
            )
        c.get(reverse(URL))
        with CaptureQueriesContext(connection) as seen:
            page = c.get(reverse(URL))
        assert page.content.decode().count("<tr>") == n + 1
        counts.append(len(seen))
    assert counts[0] == counts[1]
