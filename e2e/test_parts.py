"""Parts in a real browser, each actor signed in as themselves: after-sales raises a
requisition from the request page, the production manager approves it, the warehouse
issues the parts and registers the shipment (the request waits for parts), and the engineer
records the parts received on site (the request resumes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.parts.choices_stock import RequisitionStatus, ShipmentStatus
from aftersales.parts.models import Requisition, Shipment, StockBalance
from aftersales.parts.tests.stock_helpers import part, stocked, warehouse
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.requests import new_request
from aftersales.testing.world import World
from e2e.conftest import PageFactory, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)


def signed_in(page: PageFactory, live_server: LiveServer, username: str) -> Page:
    tab = page("desktop", "zh-CN")
    login(tab, live_server.url, username, PASSWORD)
    return tab


def submit_action(tab: Page, name: str) -> None:
    tab.locator(f"summary[data-action={name}]").click()
    tab.locator(f"button[data-submit={name}]").click()


def test_requisition_approval_issue_shipment_and_receipt(
    page: PageFactory, live_server: LiveServer, world: World, shot: Callable[[Page, str], Path]
) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 5)
    request = new_request(world, owner=world.engineer)

    agent = signed_in(page, live_server, "agent")
    agent.goto(f"{live_server.url}/requests/{request.pk}/")
    agent.locator("[data-action=raise-requisition]").click()
    expect(agent.locator("h1")).to_have_text("填写领料单")
    agent.locator("#id_warehouse").select_option(str(main.pk))
    agent.locator("#id_cover").select_option("in_warranty")
    agent.locator("#id_part_1").select_option(str(seal.pk))
    agent.locator("#id_quantity_1").fill("2")
    agent.locator("button[data-submit=raise]").click()
    # The reason is required: the error names the field and keeps what was typed.
    expect(agent.locator("#id_reason_error")).to_contain_text("原因")
    agent.locator("#id_reason").fill("二号机组机械密封漏水，三包期内更换")
    agent.locator("button[data-submit=raise]").click()
    expect(agent.locator(".status")).to_have_text("待审批")
    requisition = Requisition.objects.get()
    shot(agent, "1-raised")

    manager = signed_in(page, live_server, "production_manager")
    manager.goto(f"{live_server.url}/parts/requisitions/{requisition.pk}/")
    submit_action(manager, "approve")
    expect(manager.locator("header .status")).to_have_text("待发料")
    shot(manager, "2-approved")

    keeper = signed_in(page, live_server, "warehouse")
    keeper.goto(f"{live_server.url}/parts/requisitions/{requisition.pk}/")
    submit_action(keeper, "issue")
    expect(keeper.locator("header .status")).to_have_text("已发料")
    assert StockBalance.objects.get(warehouse=main, part=seal).on_hand == 3
    keeper.locator("[data-action=ship]").click()
    keeper.locator("#id_gate_pass").fill("CMZ-0001")
    keeper.locator("#id_destination").fill("江苏省南通市 甲方机械二号厂房")
    keeper.locator("#id_transport").select_option("express")
    keeper.locator("#id_carrier").fill("顺丰速运")
    keeper.locator("#id_tracking_number").fill("SF1234567890")
    keeper.locator("button[data-submit=ship]").click()
    expect(keeper.locator("h1")).to_contain_text("CMZ-0001")
    shipment = Shipment.objects.get()
    assert ServiceRequest.objects.get(pk=request.pk).status == Status.WAITING_PARTS
    keeper.goto(f"{live_server.url}/parts/shipments/")
    expect(keeper.locator("tbody tr")).to_have_count(1)
    shot(keeper, "3-shipped")

    engineer = signed_in(page, live_server, "engineer")
    engineer.goto(f"{live_server.url}/requests/{request.pk}/")
    expect(engineer.locator("#parts-panel")).to_contain_text("CMZ-0001")
    engineer.goto(f"{live_server.url}/parts/shipments/{shipment.pk}/")
    engineer.locator("button[data-submit=receive]").click()
    expect(engineer.locator("header .status")).to_have_text("已收到")
    shot(engineer, "4-received")
    shipment.refresh_from_db()
    requisition.refresh_from_db()
    assert shipment.status == ShipmentStatus.RECEIVED
    assert requisition.status == RequisitionStatus.ISSUED
    assert ServiceRequest.objects.get(pk=request.pk).status == Status.ACCEPTED


def test_a_portal_user_reaches_no_parts_page(
    page: PageFactory, live_server: LiveServer, world: World
) -> None:
    main, seal = warehouse(), part()
    stocked(world, main, seal, 1)
    tab = signed_in(page, live_server, "acme_portal")
    for path in ("/parts/requisitions/", "/parts/shipments/", "/parts/stock/", "/parts/"):
        # With the browser's cookies but not as a navigation (a 404 page logs a console
        # error, which fails every browser test).
        response = tab.context.request.get(live_server.url + path, max_redirects=0)
        assert response.status == 404, path
    expect(tab.locator("nav.menu")).not_to_contain_text("配件")
