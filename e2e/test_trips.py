"""Field service in a real browser: the department manager plans a local trip for a request
and approves the first step; the business manager and the office approve in turn (a local
trip skips the VP); the request shows dispatched; the manager agrees the visit with the
customer; the engineer checks in on a phone and the arrival clock is met.

The journey continues with the service report (``e2e/test_reports.py``): see
``dispatched_and_on_site`` below, which a later test can call to start from the visit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from aftersales.customers.choices import Tier
from aftersales.field.choices import VisitStatus
from aftersales.field.models.trips import TripPlan, TripStatus
from aftersales.field.models.visits import Visit
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock
from aftersales.testing.requests import new_request
from aftersales.testing.world import World
from e2e.conftest import PageFactory, login

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pass-Word-123"  # noqa: S105  (the factories' password)


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def approve_in_browser(page: Page, url: str, plan: TripPlan, comment: str) -> None:
    """Open the plan and approve the step that waits for the signed-in user."""
    page.goto(f"{url}/trips/{plan.pk}/")
    page.locator("#id_decide-comment").fill(comment)
    page.locator("button[data-action=approve]").click()
    expect(page.locator("#messages .success")).to_be_visible()


def dispatched_and_on_site(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
) -> tuple[ServiceRequest, Visit, Page]:
    """Plan → three approvals → dispatched → visit agreed → the engineer checks in on a phone.
    Returns the request, the visit and the engineer's phone page (signed in, on the visit)."""
    url = live_server.url
    world.acme.tier = Tier.KEY
    world.acme.save()
    request = new_request(world, owner=world.engineer, title="三号机组冷却泵异响")

    # 1. The department manager plans a local trip from the request page.
    manager = page("desktop")
    login(manager, url, world.manager.username, PASSWORD)
    manager.goto(f"{url}/requests/{request.pk}/")
    expect(manager.locator("button[data-action=dispatch]")).to_have_count(0)
    manager.locator("a[data-action=plan-trip]").click()
    expect(manager.locator(f"tr[data-suggestion='{world.engineer.username}']")).to_be_visible()
    start = timezone.now() + dt.timedelta(minutes=30)
    manager.locator("#id_engineers").select_option([str(world.engineer.pk)])
    manager.locator("#id_scope").select_option("local")
    manager.locator("#id_departure_at").fill(_local(start))
    manager.locator("#id_return_at").fill(_local(start + dt.timedelta(hours=6)))
    manager.locator("#id_tools").fill("测振仪、扭力扳手")
    manager.locator("#id_remarks").fill("客户要求上午到场")
    shot(manager, "1-manager-plans-a-local-trip")
    manager.locator("button[data-action=save-plan]").click()
    plan = TripPlan.objects.get()
    expect(manager).to_have_url(f"{url}/trips/{plan.pk}/")
    manager.locator("button[data-action=submit]").click()
    expect(manager.locator("[data-plan-status]")).to_have_attribute("data-status", "submitted")
    expect(manager.locator("li[data-step]")).to_have_count(3)  # the VP is skipped
    approve_in_browser(manager, url, plan, "同意出差")
    shot(manager, "2-manager-approved")

    # 2. The business manager and the office approve in turn, each signed in.
    for number, approver in enumerate([world.business_manager, world.office], start=3):
        other = page("desktop")
        login(other, url, approver.username, PASSWORD)
        other.goto(f"{url}/trips/")
        expect(other.locator(f"#waiting tr[data-plan='{plan.number}']")).to_be_visible()
        approve_in_browser(other, url, plan, "同意")
        shot(other, f"{number}-{approver.username}-approved")
    plan.refresh_from_db()
    assert plan.status == TripStatus.APPROVED

    # 3. The request shows dispatched; the manager agrees the visit with the customer.
    manager.goto(f"{url}/requests/{request.pk}/")
    expect(manager.locator("header .status")).to_have_attribute("data-status", "dispatched")
    manager.locator("a[data-action=schedule-visit]").click()
    manager.locator("#id_window_start").fill(_local(start))
    manager.locator("#id_window_end").fill(_local(start + dt.timedelta(hours=2)))
    manager.locator("#id_note").fill("已与张伟电话确认")
    manager.locator("button[data-action=save-visit]").click()
    visit = Visit.objects.get()
    expect(manager).to_have_url(f"{url}/visits/{visit.pk}/")
    shot(manager, "5-request-dispatched-visit-agreed")

    # 4. The engineer checks in from a phone.
    engineer = page("phone")
    login(engineer, url, world.engineer.username, PASSWORD)
    engineer.goto(f"{url}/visits/mine/")
    card = engineer.locator(f"[data-visit='{visit.pk}']")
    expect(card).to_be_visible()
    card.locator(f"#id_in{visit.pk}-note").fill("已到达现场")
    shot(engineer, "6-engineer-my-visits-on-a-phone")
    card.locator("button[data-action=check_in]").click()
    expect(engineer.locator(f"[data-visit='{visit.pk}']")).to_have_attribute(
        "data-visit-status", "on_site"
    )
    shot(engineer, "7-engineer-checked-in")
    engineer.goto(f"{url}/visits/{visit.pk}/")
    expect(engineer.locator("[data-arrived]")).to_be_visible()
    request.refresh_from_db()
    visit.refresh_from_db()
    return request, visit, engineer


def test_plan_three_approvals_dispatch_and_check_in_on_a_phone(
    live_server: LiveServer,
    page: PageFactory,
    shot: Callable[[Page, str], Path],
    world: World,
) -> None:
    request, visit, _phone = dispatched_and_on_site(live_server, page, shot, world)
    assert request.status == Status.ON_SITE and visit.status == VisitStatus.ON_SITE
    arrival = Clock.objects.get(request=request, kind=TargetKind.ARRIVAL)
    assert arrival.met_at is not None and arrival.met_at == request.on_site_at
    # The customer's portal never shows the trip plan.
    customer = page("desktop")
    login(customer, live_server.url, world.acme_portal.username, PASSWORD)
    customer.goto(f"{live_server.url}/portal/")
    assert "CC-" not in customer.content()
    # Asked without loading it as a page (a 404 page logs a console error).
    plan_url = f"{live_server.url}/trips/{TripPlan.objects.get().pk}/"
    assert customer.request.get(plan_url).status == 404
