"""The parts pages: they render for the right people, refuse the portal and outsiders, and
each list costs the same number of queries for 2 rows as for 25."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.parts.choices_stock import RequisitionStatus, ShipmentStatus, Transport
from aftersales.parts.models import OldPartReturn, Part, Requisition, Shipment, StockMovement
from aftersales.parts.services import requisitions as rq
from aftersales.parts.services import returns, shipments
from aftersales.parts.tests.stock_helpers import approved, part, requisition, stocked, warehouse
from aftersales.service.choices import Status
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _issued_shipment(world: World, i: int, main: Any, seal: Any, request: Any) -> None:
    req = approved(world, requisition(world, main, [(seal, 1)], request=request))
    req = rq.issue_requisition(actor=world.warehouse, requisition=req, expected_version=None)
    shipments.register_shipment(
        actor=world.warehouse,
        requisition=req,
        gate_pass=f"CM-{i:04d}",
        destination="南通",
        transport=Transport.RAIL,
        carrier="中铁快运",
        items=[(seal, 1)],
    )


def fill(world: World, n: int) -> None:
    main = warehouse(f"W{n}", "总库")
    seal = part(f"P{n}-0")
    stocked(world, main, seal, n + 1)
    request = new_request(world, owner=world.engineer)
    for i in range(n):
        p = part(f"P{n}-{i + 1}")
        p.compatible_models.add(world.model)
        stocked(world, main, p, 1)
        _issued_shipment(world, n * 100 + i, main, seal, request)
        returns.expect_old_part(actor=world.engineer, part=p, quantity=1, request=request)


LISTS = [
    "parts:part-list",
    "parts:stock-list",
    "parts:movement-list",
    "parts:requisition-list",
    "parts:shipment-list",
    "parts:return-list",
]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_costs_the_same_queries_for_2_and_25_rows(
    world: World, name: str, django_assert_max_num_queries: Any
) -> None:
    c = client_for(world.warehouse)
    url = reverse(name)
    fill(world, 2)
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    fill(world, 25)
    with CaptureQueriesContext(connection) as large:
        response = c.get(url)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(small) <= 14


@pytest.mark.parametrize("name", LISTS)
def test_portal_users_get_no_parts_pages(world: World, name: str) -> None:
    assert client_for(world.acme_portal).get(reverse(name)).status_code == 404


def test_the_menu_shows_parts_to_staff_and_not_to_the_portal(world: World) -> None:
    from aftersales.core.navigation import menu

    assert any(i["key"] == "parts" for i in menu(world.production_manager))
    assert any(i["key"] == "parts" for i in menu(world.warehouse))
    assert not any(i["key"] == "parts" for i in menu(world.acme_portal))


def test_the_whole_flow_through_the_pages(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 4)
    request = new_request(world, owner=world.engineer)
    agent = client_for(world.agent)
    page = agent.get(reverse("service:detail", args=[request.pk]))
    assert "raise-requisition" in page.content.decode()
    url = reverse("parts:requisition-new") + f"?request={request.pk}"
    bad = agent.post(
        url,
        {
            "warehouse": main.pk,
            "cover": "in_warranty",
            "reason": "",
            "part_1": seal.pk,
            "quantity_1": "2",
        },
    )
    assert bad.status_code == 200 and "id_reason_error" in bad.content.decode()
    response = agent.post(
        url,
        {
            "warehouse": main.pk,
            "cover": "in_warranty",
            "reason": "密封漏水",
            "part_1": seal.pk,
            "quantity_1": "2",
        },
    )
    req = Requisition.objects.get()
    assert response.status_code == 302
    pm = client_for(world.production_manager)
    act = reverse("parts:requisition-act", args=[req.pk, "approve"])
    assert pm.post(act, {"version": req.version, "comment": ""}).status_code == 302
    req.refresh_from_db()
    assert req.status == RequisitionStatus.READY
    stale = pm.post(
        reverse("parts:requisition-act", args=[req.pk, "reject"]), {"version": 1, "comment": "x"}
    )
    assert stale.status_code == 200
    wh = client_for(world.warehouse)
    assert (
        wh.post(
            reverse("parts:requisition-act", args=[req.pk, "issue"]), {"version": req.version}
        ).status_code
        == 302
    )
    response = wh.post(
        reverse("parts:shipment-new", args=[req.pk]),
        {
            "gate_pass": "CM-8",
            "destination": "南通",
            "sent_at": "2020-01-01T08:00",
            "transport": "express",
            "carrier": "顺丰",
            "tracking_number": "",
            f"qty_{seal.pk}": "2",
        },
    )
    assert "id_tracking_number_error" in response.content.decode()
    response = wh.post(
        reverse("parts:shipment-new", args=[req.pk]),
        {
            "gate_pass": "CM-8",
            "destination": "南通",
            "sent_at": "",
            "transport": "express",
            "carrier": "顺丰",
            "tracking_number": "SF1",
            f"qty_{seal.pk}": "2",
        },
    )
    assert "id_sent_at_error" in response.content.decode()
    from django.utils import timezone

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = wh.post(
        reverse("parts:shipment-new", args=[req.pk]),
        {
            "gate_pass": "CM-8",
            "destination": "南通",
            "sent_at": now,
            "transport": "express",
            "carrier": "顺丰",
            "tracking_number": "SF1",
            f"qty_{seal.pk}": "2",
        },
    )
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.WAITING_PARTS
    export = wh.get(reverse("parts:shipment-list"), {"format": "csv"})
    assert "CM-8" in export.content.decode("utf-8-sig")
    eng = client_for(world.engineer)
    assert (
        eng.post(
            reverse("parts:shipment-receive", args=[shipment.pk]), {"version": shipment.version}
        ).status_code
        == 302
    )
    shipment.refresh_from_db()
    request.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED and request.status == Status.ACCEPTED


def test_the_outsider_department_cannot_open_our_requisition(world: World) -> None:
    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    url = reverse("parts:requisition-detail", args=[req.pk])
    assert client_for(world.outsider_engineer).get(url).status_code == 404
    assert client_for(world.production_manager).get(url).status_code == 200


def test_the_warehouse_records_a_receipt_and_a_bad_transfer_names_the_field(world: World) -> None:
    main, seal = warehouse(), part()
    wh = client_for(world.warehouse)
    url = reverse("parts:movement-new")
    assert (
        wh.post(
            url, {"kind": "receipt", "warehouse": main.pk, "part": seal.pk, "quantity": "5"}
        ).status_code
        == 302
    )
    assert StockMovement.objects.count() == 1
    response = wh.post(
        url, {"kind": "transfer", "warehouse": main.pk, "part": seal.pk, "quantity": "1"}
    )
    assert "id_target_error" in response.content.decode()
    response = wh.post(
        url,
        {
            "kind": "issue",
            "warehouse": main.pk,
            "part": seal.pk,
            "quantity": "9",
            "reference": "MO",
        },
    )
    assert "id_quantity_error" in response.content.decode()
    assert client_for(world.agent).get(url).status_code == 404


def test_a_part_is_created_and_edited_with_history(world: World) -> None:
    from aftersales.core.history import history_for

    wh = client_for(world.warehouse)
    data = {
        "code": "P-9",
        "name": "叶轮",
        "name_en": "Impeller",
        "unit": "个",
        "cost": "120.00",
        "reorder_level": "2",
        "compatible_models": [world.model.pk],
        "is_active": "on",
    }
    assert wh.post(reverse("parts:part-new"), data).status_code == 302
    p = Part.objects.get(code="P-9")
    assert (
        wh.post(reverse("parts:part-edit", args=[p.pk]), {**data, "cost": "130.00"}).status_code
        == 302
    )
    assert [h.action for h in history_for(p)] == ["updated", "created"]
    assert client_for(world.agent).get(reverse("parts:part-new")).status_code == 404


def test_an_old_part_is_expected_and_moved_through_the_page(world: World) -> None:
    seal = part()
    request = new_request(world, owner=world.engineer)
    eng = client_for(world.engineer)
    response = eng.post(
        reverse("parts:return-new"),
        {"part": seal.pk, "quantity": "1", "old_serial": "S-1", "request_number": request.number},
    )
    assert response.status_code == 302
    ret = OldPartReturn.objects.get()
    wh = client_for(world.warehouse)
    assert (
        wh.post(
            reverse("parts:return-act", args=[ret.pk, "receive"]), {"version": ret.version}
        ).status_code
        == 302
    )
    ret.refresh_from_db()
    bad = client_for(world.qc).post(
        reverse("parts:return-act", args=[ret.pk, "inspect"]),
        {"version": ret.version, "findings": ""},
    )
    assert "id_findings_error" in bad.content.decode()
    assert ret.status == "received"


def test_the_request_page_panel_costs_the_same_queries_for_2_and_10_requisitions(
    world: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    main, seal = warehouse(), part()
    stocked(world, main, seal, 50)
    request = new_request(world, owner=world.engineer)
    c = client_for(world.agent)
    url = reverse("service:detail", args=[request.pk])
    counts = []
    for n in (2, 10):
        while Requisition.objects.count() < n:
            requisition(
                world,
                main,
                [(seal, 1), (part(f"X{Requisition.objects.count()}"), 1)],
                request=request,
            )
        c.get(url)
        with CaptureQueriesContext(connection) as seen:
            page = c.get(url)
        assert len(re.findall(r'href="/parts/requisitions/\d+/"', page.content.decode())) == n
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_notifications_of_requisitions_render_in_the_readers_language(world: World) -> None:
    from django.utils import translation

    from aftersales.core.models import Notification
    from aftersales.core.notifications import render

    main, seal = warehouse(), part()
    req = requisition(world, main, [(seal, 1)])
    rq.reject_requisition(
        actor=world.production_manager, requisition=req, expected_version=None, comment="型号不符"
    )
    note = Notification.objects.get(kind="parts_requisition_rejected")
    with translation.override("en"):
        assert render(note) == f"Requisition {req.number} was rejected: 型号不符"
    with translation.override("zh-hans"):
        assert "驳回" in render(note)


def test_the_warehouse_list_costs_the_same_queries_for_2_and_22_warehouses(
    world: World,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.parts.models import Warehouse

    c = client_for(world.warehouse)
    url = reverse("parts:warehouse-list")
    counts = []
    for n in (2, 22):
        seal = part(f"WP{n}")
        while Warehouse.objects.count() < n:
            stocked(world, warehouse(f"W{Warehouse.objects.count()}"), seal, 3)
        c.get(url)
        with CaptureQueriesContext(connection) as seen:
            page = c.get(url)
        assert page.content.decode().count("?warehouse=") == n
        counts.append(len(seen))
    assert counts[0] == counts[1]
    assert client_for(world.acme_portal).get(url).status_code == 404


def test_a_warehouse_is_created_and_edited_with_history_by_the_warehouse_only(
    world: World,
) -> None:
    from aftersales.core.history import history_for
    from aftersales.parts.models import Warehouse

    data = {
        "code": "WH-NT",
        "name": "南通备件库",
        "name_en": "",
        "address": "南通",
        "keeper": world.warehouse.pk,
        "is_active": "on",
    }
    assert client_for(world.agent).post(reverse("parts:warehouse-new"), data).status_code == 404
    wh = client_for(world.warehouse)
    bad = wh.post(reverse("parts:warehouse-new"), {**data, "code": ""})
    assert "id_code_error" in bad.content.decode()
    assert wh.post(reverse("parts:warehouse-new"), data).status_code == 302
    store = Warehouse.objects.get(code="WH-NT")
    assert (
        wh.post(
            reverse("parts:warehouse-edit", args=[store.pk]), {**data, "address": "南通市崇川区"}
        ).status_code
        == 302
    )
    assert [h.action for h in history_for(store)] == ["updated", "created"]


def test_the_history_reads_in_the_readers_language(world: World) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 1)
    req = approved(world, requisition(world, main, [(seal, 1)]))
    page = client_for(world.agent).get(
        reverse("parts:requisition-detail", args=[req.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "approved · Awaiting approval → Ready to issue" in page.content.decode()
