"""Costs in a real browser: on a phone the engineer records a hotel bill with a photo of the
receipt and claims it against the effective service report; the manager approves it on a
desktop and sees the request's costs; a portal user reaches none of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.field.models.costs import ClaimStatus, ReimbursementClaim
from aftersales.field.tests import costs_world as cw
from aftersales.testing.requests import new_request
from aftersales.testing.world import World
from e2e.conftest import PageFactory, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)


def test_an_engineer_claims_a_hotel_bill_and_the_manager_approves_it(
    world: World,
    page: PageFactory,
    live_server: LiveServer,
    shot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    cw.grade([world.engineer], code="g2", rate="120.00", by=world.admin)
    request = new_request(world, owner=world.engineer)
    cw.report(request, author=world.engineer, labour={world.engineer: "2"})
    photo = tmp_path / "酒店发票.png"
    photo.write_bytes(cw.PNG)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    phone = page("phone")
    login(phone, live_server.url, world.engineer.username, PASSWORD)
    phone.goto(f"{live_server.url}/requests/{request.pk}/")
    phone.locator("[data-action=add-expense]").click()
    phone.locator("#id_kind").select_option("lodging")
    phone.locator("#id_amount").fill("380.5")
    phone.locator("#id_spent_on").fill(yesterday)
    phone.locator("#id_description").fill("客户厂区附近酒店住宿一晚")
    phone.locator("#id_receipts").set_input_files(str(photo))
    shot(phone, "1-expense-form")
    phone.locator("main [type=submit]").click()
    panel = phone.locator("[data-panel=costs]")
    expect(panel).to_contain_text("380.50")
    phone.locator("[data-action=claim]").click()
    phone.locator("#id_report").select_option(index=1)
    phone.locator("input[name=expenses]").first.check()
    phone.locator("main [type=submit]").click()
    expect(phone.locator("h1")).to_contain_text("BX-")
    shot(phone, "2-claim-submitted")

    desk = page("desktop")
    login(desk, live_server.url, world.manager.username, PASSWORD)
    claim = ReimbursementClaim.objects.get()
    desk.goto(f"{live_server.url}/costs/claims/{claim.pk}/")
    desk.locator("#id_comment").fill("同意")
    desk.locator("[data-action=approve]").click()
    expect(desk.locator(".status")).to_contain_text("已批准")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    desk.goto(f"{live_server.url}/requests/{request.pk}/")
    expect(desk.locator("[data-cost-total]")).to_contain_text("620.50")  # 240.00 + 380.50
    shot(desk, "3-request-costs")

    portal = page("desktop")
    login(portal, live_server.url, world.acme_portal.username, PASSWORD, path="/login/")
    # With the browser's cookies but not as a navigation (a 404 page logs a console error).
    for url in (f"/costs/claims/{claim.pk}/", "/costs/", f"/requests/{request.pk}/"):
        response = portal.context.request.get(live_server.url + url, max_redirects=0)
        assert response.status == 404, url
