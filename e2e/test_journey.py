"""The whole journey in a real browser, in Chinese and in English: an agent registers a
phone call for a key account and hands it to an engineer; the engineer starts and resolves
it on a phone; the customer confirms it in the portal; the manager sees it on the dashboard;
a portal user of another company reaches none of it by URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.customers.choices import Tier
from aftersales.insight.stats import refresh_all
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.testing import factories as f
from aftersales.testing.world import World
from e2e.conftest import Locale, PageFactory, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)
CHANNEL_LABELS = {"zh-CN": "电话", "en-US": "Phone call"}
TITLES = {
    "zh-CN": {"resolution": "更换机械密封后试运行两小时，无泄漏。", "title": "二号冷却泵漏水"},
    "en-US": {
        "resolution": "Replaced the seal; two hours of test run, no leak.",
        "title": "Pump 2 leaks",
    },
}


# Every visible form control must have a name a screen reader reads: a <label for>, a
# wrapping <label>, or aria-label / aria-labelledby.
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


def press_by_keyboard(page: Page, selector: str, limit: int = 80) -> None:
    """Reach ``selector`` with the Tab key alone and press Enter on it: the main actions
    must work without a mouse."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def check_page(page: Page) -> None:
    """The page has a title, one h1, and a label on every input."""
    assert page.title().strip(), page.url
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate(UNLABELLED) == [], page.url


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_request_from_call_to_confirmation(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
    locale: Locale,
) -> None:
    url = live_server.url
    words = TITLES[locale]
    world.acme.tier = Tier.KEY
    world.acme.save()
    unit: Any = f.EquipmentFactory(company=world.acme, product_model=world.model)

    # 1. The agent registers the call, finds the key account as they type, and hands the
    #    request to the engineer.
    agent = page("desktop", locale)
    login(agent, url, world.agent.username, PASSWORD)
    agent.goto(f"{url}/requests/new/")
    agent.locator("#customer-q").fill(world.acme.name[:4])
    expect(agent.locator(f"[data-company='{world.acme.pk}']")).to_be_visible()
    # From the search box, the match is the next stop of the Tab key.
    agent.locator("#customer-q").focus()
    press_by_keyboard(agent, f"[data-company='{world.acme.pk}']")
    expect(agent.locator("[data-chosen-company]")).to_contain_text(world.acme.code)
    agent.locator(f"input[name=equipment][value='{unit.pk}']").check()
    agent.locator("#id_priority").select_option("P1")
    agent.locator("#id_title").fill(words["title"])
    agent.locator("#id_description").fill(words["title"] + " — " + unit.serial_number)
    agent.locator("#id_owner").select_option(str(world.engineer.pk))
    check_page(agent)
    shot(agent, "1-agent-registers")
    agent.locator("#register-form button[type=submit]").click()
    request = ServiceRequest.objects.get(title=words["title"])
    expect(agent).to_have_url(f"{url}/requests/{request.pk}/")
    expect(agent.locator("[data-owner]")).to_contain_text(str(world.engineer))
    check_page(agent)
    for address in (
        "/requests/",
        "/requests/?queue=breached",
        "/search/?q=漏水",
        "/notifications/",
    ):
        agent.goto(url + address)
        check_page(agent)
    shot(agent, "2-agent-sees-the-request")
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.owner == world.engineer

    # 2. The engineer, on a phone, starts work and resolves it.
    engineer = page("phone", locale)
    login(engineer, url, world.engineer.username, PASSWORD)
    engineer.goto(f"{url}/my-work/")
    check_page(engineer)
    engineer.get_by_role("link", name=request.number).first.click()
    press_by_keyboard(engineer, "button[data-action=start]")
    expect(engineer.locator("[data-status]")).to_have_attribute("data-status", "in_progress")
    engineer.locator("summary[data-action=resolve]").click()
    engineer.locator("#id_resolve-resolution").fill(words["resolution"])
    check_page(engineer)
    shot(engineer, "3-engineer-resolves-on-a-phone")
    engineer.locator(f"form[action='/requests/{request.pk}/resolve/'] button").click()
    expect(engineer.locator("[data-status]")).to_have_attribute("data-status", "resolved")
    shot(engineer, "4-engineer-resolved")

    # 3. The customer confirms the resolution in the portal.
    customer = page("desktop", locale)
    login(customer, url, world.acme_portal.username, PASSWORD)
    customer.goto(f"{url}/portal/")
    customer.get_by_role("link", name=request.number).first.click()
    expect(customer.get_by_text(words["resolution"]).first).to_be_visible()
    check_page(customer)
    shot(customer, "5-customer-sees-the-solution")
    customer.locator(f"form[action='/portal/requests/{request.pk}/confirm/'] button").click()
    request.refresh_from_db()
    assert request.status == Status.CONFIRMED
    shot(customer, "6-customer-confirmed")

    # 4. The manager sees it on the dashboard (after the statistics refresh that a huey
    #    periodic task runs every ten minutes; the live test server has no consumer).
    refresh_all()
    manager = page("desktop", locale)
    login(manager, url, world.manager.username, PASSWORD)
    manager.goto(f"{url}/dashboard/")
    expect(manager.locator("h1")).to_be_visible()
    expect(manager.locator("canvas, svg").first).to_be_visible()
    card = manager.locator("section[aria-labelledby='chart-channel-title']")
    card.locator("summary").click()
    phone = card.locator("tbody tr", has_text=CHANNEL_LABELS[locale])
    expect(phone.locator("td").first).to_have_text("1")
    check_page(manager)
    for address in (f"/customers/{world.acme.pk}/", f"/units/{unit.pk}/", "/preferences/"):
        manager.goto(url + address)
        check_page(manager)
    shot(manager, "7-manager-dashboard")

    # 5. A portal user of another company reaches none of it by URL.
    outsider = page("desktop", locale)
    login(outsider, url, world.globex_portal.username, PASSWORD)
    for address in (
        f"/portal/requests/{request.pk}/",
        f"/requests/{request.pk}/",
        f"/units/{unit.pk}/",
        f"/customers/{world.acme.pk}/",
        "/dashboard/",
    ):
        # With the browser's own cookies, but not as a navigation: the page's 404 would be
        # logged as a console error, which fails every browser test.
        response = outsider.context.request.get(url + address, max_redirects=0)
        assert response.status == 404, address
    outsider.goto(f"{url}/portal/")
    check_page(outsider)
    expect(outsider.get_by_text(request.number)).to_have_count(0)
    for address in ("/portal/requests/new/", "/portal/equipment/"):
        outsider.goto(url + address)
        check_page(outsider)
    shot(outsider, "8-outsider-sees-only-their-company")
