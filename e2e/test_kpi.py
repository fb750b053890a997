"""Scorecards and KPIs in a real browser: the manager opens the month from the menu, opens
the lines behind a number, reviews the month; the director locks it and reads the KPI
charts; the engineer reads their own card on a phone; the portal never reaches the page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.feedback.choices import Rating
from aftersales.kpi.choices import PeriodStatus
from aftersales.kpi.models import ScorePeriod
from aftersales.kpi.services.scoring import compute_month
from aftersales.kpi.tests.helpers import at, order, visit
from aftersales.testing.world import World
from e2e.conftest import Locale, PageFactory, login
from e2e.test_journey import check_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)
WORDS = {
    "zh-CN": {"menu": "绩效", "review": "标记为已审核", "lock": "锁定该月", "locked": "已锁定"},
    "en-US": {
        "menu": "Performance",
        "review": "Mark reviewed",
        "lock": "Lock the month",
        "locked": "Locked",
    },
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_month_is_reviewed_locked_and_charted(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
    locale: Locale,
) -> None:
    url, words = live_server.url, WORDS[locale]
    for day, rating in (
        (3, Rating.VERY_SATISFIED),
        (9, Rating.VERY_SATISFIED),
        (15, Rating.SATISFIED),
    ):
        visit(
            world,
            rating=rating,
            when=at(2026, 5, day),
            request=order(world),
            praised=[world.engineer] if day == 3 else [],
        )
    compute_month(actor=None, month=dt.date(2026, 5, 1))

    manager = page("desktop", locale)
    login(manager, url, world.manager.username, PASSWORD)
    manager.get_by_role("link", name=words["menu"]).first.click()
    manager.locator("#id_month").fill("2026-05")
    manager.locator("form[aria-label] button[type=submit]").click()
    check_page(manager)
    # 2 of 3 very satisfied is below 80 %: only the praise counts.
    points = manager.locator("td.num a").first
    expect(points).to_have_text("5")
    points.click()
    expect(manager).to_have_url(re.compile(r"/performance/cards/\d+/#points$"))
    check_page(manager)
    expect(manager.locator("#line-praise tbody tr")).to_have_count(1)
    expect(manager.locator("#line-bonus tbody tr")).to_have_count(3)
    shot(manager, "card")
    manager.go_back()
    manager.get_by_role("button", name=words["review"]).click()
    expect(manager.locator("#messages .msg")).to_be_visible()

    director = page("desktop", locale)
    login(director, url, world.director.username, PASSWORD)
    director.goto(f"{url}/performance/?month=2026-05")
    director.get_by_role("button", name=words["lock"]).click()
    expect(director.locator("table").first).to_contain_text(words["locked"])
    period = ScorePeriod.objects.get(department=world.service)
    assert period.status == PeriodStatus.LOCKED
    director.goto(f"{url}/performance/departments/?month=2026-06")
    check_page(director)
    expect(director.locator("[data-chart=csat] canvas")).to_have_count(1)
    shot(director, "kpis")

    engineer = page("phone", locale)
    login(engineer, url, world.engineer.username, PASSWORD)
    engineer.goto(f"{url}/performance/?month=2026-05")
    expect(engineer.locator("tbody th a")).to_have_count(1)
    shot(engineer, "own-card")

    portal = page("phone", locale)
    login(portal, url, world.acme_portal.username, PASSWORD)
    # Not as a navigation: the 404 page would be logged as a console error.
    response = portal.context.request.get(f"{url}/performance/", max_redirects=0)
    assert response.status == 404
