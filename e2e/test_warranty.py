"""Out-of-warranty work in a real browser: the engineer records a chargeable decision and a
quotation from the request page, the manager approves it, the customer accepts it in the
portal, and only then can work start; a supplier notice is written, sent and rated; another
company's portal user reaches none of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.parts.models import SupplierNotice, WarrantyDecision
from aftersales.parts.models.suppliers import NoticeStatus
from aftersales.parts.models.warranty import DecisionStatus, QuotationStatus
from aftersales.parts.services import suppliers as sup
from aftersales.service.choices import Status
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.world import World
from e2e.conftest import PageFactory, login
from e2e.test_journey import check_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)


def test_chargeable_work_waits_for_the_customers_acceptance(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
) -> None:
    url = live_server.url
    unit: Any = f.EquipmentFactory(
        company=world.acme,
        product_model=world.model,
        delivered_on=dt.date(2023, 12, 20),
        commissioned_on=dt.date(2024, 1, 1),
        warranty_end=dt.date(2024, 12, 31),
    )
    sr = new_request(world, owner=world.engineer, equipment=unit)

    # 1. The engineer sees the unit is out of warranty and records a chargeable decision.
    engineer = page("desktop", "zh-CN")
    login(engineer, url, world.engineer.username, PASSWORD)
    engineer.goto(f"{url}/requests/{sr.pk}/")
    expect(engineer.locator("#warranty-panel [data-warranty]")).to_have_attribute(
        "data-warranty", "expired"
    )
    engineer.locator(f"#warranty-panel a[href='/warranty/new/{sr.pk}/']").click()
    check_page(engineer)
    engineer.locator("input[name=outcome][value=chargeable]").check()
    shot(engineer, "1-decision-form")
    engineer.locator("main form button[type=submit]").click()
    decision = WarrantyDecision.objects.get()
    expect(engineer).to_have_url(f"{url}/warranty/{decision.pk}/")
    engineer.locator("#quotation details summary").click()
    engineer.locator("#id_description").fill("更换叶轮及现场工时")
    engineer.locator("#id_quantity").fill("1")
    engineer.locator("#id_unit_price").fill("2400")
    engineer.locator("#quotation form button.primary").first.click()
    expect(engineer.locator("[data-total]")).to_have_text(re.compile(r"2,?400\.00"))
    check_page(engineer)

    # 2. The department manager approves; the engineer offers the quotation.
    manager = page("desktop", "en-US")
    login(manager, url, world.manager.username, PASSWORD)
    manager.goto(f"{url}/warranty/{decision.pk}/")
    manager.locator("[data-action=approve]").click()
    expect(manager.locator("[data-status=approved]")).to_be_visible()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    engineer.goto(f"{url}/warranty/{decision.pk}/")
    engineer.locator("[data-action=offer]").click()
    expect(engineer.locator("#quotation [data-status=offered]")).to_be_visible()
    shot(engineer, "2-quotation-offered")

    # 3. Until the customer accepts, the request page says work cannot start (the refusal
    #    of the start itself is tested in test_warranty_pages: a 400 page would be logged
    #    as a console error here).
    engineer.goto(f"{url}/requests/{sr.pk}/")
    expect(engineer.locator("#warranty-panel .msg.warning")).to_be_visible()
    sr.refresh_from_db()
    assert sr.status == Status.ACCEPTED

    # 4. Another company's portal user reaches nothing; the customer accepts in the portal.
    outsider = page("desktop", "zh-CN")
    login(outsider, url, world.globex_portal.username, PASSWORD)
    for address in (f"/portal/requests/{sr.pk}/", f"/warranty/{decision.pk}/"):
        response = outsider.context.request.get(url + address, max_redirects=0)
        assert response.status == 404, address
    customer = page("phone", "zh-CN")
    login(customer, url, world.acme_portal.username, PASSWORD)
    customer.goto(f"{url}/portal/requests/{sr.pk}/")
    expect(customer.locator("#quotation-panel [data-total]")).to_have_text(
        re.compile(r"2,?400\.00")
    )
    shot(customer, "3-customer-sees-the-quotation")
    customer.locator("[data-action=accept-quotation]").click()
    expect(customer.locator("#quotation-panel [data-status=accepted]")).to_be_visible()
    decision.quotation.refresh_from_db()
    assert decision.quotation.status == QuotationStatus.ACCEPTED

    # 5. Now the engineer starts work.
    engineer.goto(f"{url}/requests/{sr.pk}/")
    engineer.locator("[data-action=start]").click()
    expect(engineer.locator("[data-status=in_progress]").first).to_be_visible()
    sr.refresh_from_db()
    assert sr.status == Status.IN_PROGRESS


def test_a_supplier_notice_is_sent_and_rated(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
) -> None:
    url = live_server.url
    supplier = sup.create_supplier(actor=world.manager, data={"name": "江南密封件有限公司"})
    sr = new_request(world, owner=world.engineer)
    agent = page("desktop", "zh-CN")
    login(agent, url, world.agent.username, PASSWORD)
    agent.goto(f"{url}/supplier-notices/new/?request={sr.pk}")
    check_page(agent)
    agent.locator("#id_supplier").select_option(str(supplier.pk))
    agent.locator("#id_problem").fill("机械密封渗漏，疑为材质缺陷")
    agent.locator("#id_model").fill("MS-45")
    agent.locator("#id_quantity").fill("2")
    agent.locator("#id_site_address").fill("苏州工业园区星湖街 88 号")
    agent.locator("#id_contact_phone").fill("13800001111")
    agent.locator("#id_required_by").fill((dt.date.today() + dt.timedelta(days=5)).isoformat())
    agent.locator("main form button[type=submit]").click()
    notice = SupplierNotice.objects.get()
    expect(agent).to_have_url(f"{url}/supplier-notices/{notice.pk}/")
    agent.locator("[data-action=send]").click()
    expect(agent.locator("[data-status=sent]").first).to_be_visible()
    check_page(agent)
    shot(agent, "1-notice-sent")

    manager = page("desktop", "en-US")
    login(manager, url, world.manager.username, PASSWORD)
    manager.goto(f"{url}/supplier-notices/{notice.pk}/")
    manager.locator("summary[data-action=solve]").click()
    manager.locator("#id_solve-outcome").fill("Replaced both seals; 72 h test run without leaks.")
    manager.locator("input[name=solve-quality][value='4']").check()
    manager.locator(f"form[action='/supplier-notices/{notice.pk}/solve/'] button").click()
    expect(manager.locator("[data-status=solved]").first).to_be_visible()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SOLVED and notice.quality == 4
    manager.goto(f"{url}/suppliers/")
    expect(manager.locator("main table")).to_contain_text("100.0%")
    check_page(manager)
    shot(manager, "2-supplier-scores")
