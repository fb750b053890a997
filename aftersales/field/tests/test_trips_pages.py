"""The trip pages: planning with suggestions, approving in the browser's forms, the register
with filters and downloads, the engineer's visits; query counts flat in the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.field.models.trips import TripPlan, TripStatus
from aftersales.field.services import visits
from aftersales.service.choices import Status
from aftersales.testing.requests import new_request
from aftersales.testing.trips import approve_all, plan_trip
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _plans(world: World, n: int) -> None:
    for _ in range(n):
        approve_all(world, plan_trip(world, new_request(world, owner=world.engineer)))


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/trips/", "/trips/register/", "/visits/mine/"])
def test_list_pages_cost_the_same_for_2_and_22_rows(world: World, client, url: str) -> None:
    client.force_login(world.engineer)
    _plans(world, 2)
    for request in world.engineer.trips.all():
        for plan_request in request.requests.all():
            start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
            visits.schedule_visit(
                actor=world.manager,
                request=plan_request,
                engineers=[world.engineer],
                window_start=start,
                window_end=start + dt.timedelta(hours=1),
            )
    small = _count(client, url)
    _plans(world, 20)
    for plan in world.engineer.trips.filter(visits__isnull=True):
        for plan_request in plan.requests.all():
            start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
            visits.schedule_visit(
                actor=world.manager,
                request=plan_request,
                engineers=[world.engineer],
                window_start=start,
                window_end=start + dt.timedelta(hours=1),
            )
    assert _count(client, url) == small


def test_a_manager_plans_a_trip_with_suggestions_and_approvers_decide_in_the_page(
    world: World, client
) -> None:
    request = new_request(world, owner=world.engineer)
    client.force_login(world.manager)
    page = client.get(f"/trips/new/?request={request.pk}")
    assert page.status_code == 200 and b'data-suggestion="engineer"' in page.content
    bad = client.post(
        "/trips/new/",
        {
            "request": request.pk,
            "engineers": [world.engineer.pk],
            "scope": "local",
            "departure_at": "2026-12-10T09:00",
            "return_at": "2026-12-10T08:00",
            "work_content": "更换密封",
        },
    )
    assert bad.status_code == 400 and b"return_at_error" in bad.content
    done = client.post(
        "/trips/new/",
        {
            "request": request.pk,
            "engineers": [world.engineer.pk],
            "scope": "local",
            "departure_at": "2026-12-10T09:00",
            "return_at": "2026-12-10T18:00",
            "work_content": "更换密封",
        },
    )
    plan = TripPlan.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/trips/{plan.pk}/"
    client.post(f"/trips/{plan.pk}/submit/", {"submit-version": plan.version})
    for approver in [world.manager, world.business_manager, world.office]:
        plan.refresh_from_db()
        client.force_login(approver)
        assert b'data-action="approve"' in client.get(f"/trips/{plan.pk}/").content
        response = client.post(
            f"/trips/{plan.pk}/approve/", {"decide-version": plan.version, "decide-comment": ""}
        )
        assert response.status_code == 302
    plan.refresh_from_db()
    request.refresh_from_db()
    assert plan.status == TripStatus.APPROVED and request.status == Status.DISPATCHED


def test_one_plan_takes_several_requests_of_the_customer(world: World, client) -> None:
    first = new_request(world, owner=world.engineer)
    second = new_request(world, owner=world.engineer, title="二号机组振动")
    elsewhere = new_request(world, owner=world.outsider_manager, company=world.globex)
    client.force_login(world.manager)
    page = client.get(f"/trips/new/?request={first.pk}").content.decode()
    assert f'value="{second.pk}"' in page and f'value="{elsewhere.pk}"' not in page
    client.post(
        "/trips/new/",
        {
            "request": [first.pk, second.pk],
            "engineers": [world.engineer.pk],
            "scope": "out_of_town",
            "departure_at": "2026-12-10T09:00",
            "return_at": "2026-12-11T18:00",
            "work_content": "两台泵一起检修",
        },
    )
    plan = TripPlan.objects.get()
    assert set(plan.requests.all()) == {first, second}


def test_a_rejection_without_comment_names_the_comment_field(world: World, client) -> None:
    plan = plan_trip(world, new_request(world, owner=world.engineer))
    client.force_login(world.manager)
    client.post(f"/trips/{plan.pk}/submit/", {"submit-version": plan.version})
    plan.refresh_from_db()
    response = client.post(
        f"/trips/{plan.pk}/reject/", {"decide-version": plan.version, "decide-comment": ""}
    )
    assert response.status_code == 400 and b"comment_error" in response.content
    client.post(
        f"/trips/{plan.pk}/reject/",
        {"decide-version": plan.version, "decide-comment": "请加派一名工程师"},
    )
    page = client.get(f"/trips/{plan.pk}/").content.decode()
    assert "data-rejection" in page and "请加派一名工程师" in page


def test_suggestions_follow_the_period_being_planned(world: World, client) -> None:
    request = new_request(world, owner=world.engineer)
    client.force_login(world.manager)
    url = f"/trips/suggest/?request={request.pk}"
    page = client.get(url + "&departure_at=2026-12-10T09:00&return_at=2026-12-10T18:00")
    assert b'data-suggestion="engineer"' in page.content
    empty = client.get(url + "&departure_at=2026-12-10T09:00&return_at=2026-12-10T08:00")
    assert b"data-suggestion" not in empty.content


def test_the_register_filters_and_exports(world: World, client) -> None:
    _plans(world, 2)
    globex = new_request(world, owner=world.outsider_manager, company=world.globex)
    approve_all(
        world,
        plan_trip(
            world, globex, planner=world.outsider_manager, engineers=[world.outsider_engineer]
        ),
    )
    client.force_login(world.office)
    page = client.get(f"/trips/register/?customer={world.globex.pk}").content.decode()
    assert page.count("data-plan=") == 1
    csv = client.get("/trips/register/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").count("CC-") == 3
    xlsx = client.get(f"/trips/register/?format=xlsx&engineer={world.outsider_engineer.pk}")
    assert xlsx.content[:2] == b"PK"
    bad = client.get("/trips/register/?since=2026-12-10&until=2026-12-01")
    assert b"until" in bad.content and bad.content.decode().count("data-plan=") == 0


def test_portal_users_reach_no_trip_page_and_outsiders_no_plan(world: World, client) -> None:
    plan = plan_trip(world, new_request(world, owner=world.engineer))
    client.force_login(world.acme_portal)
    for url in ["/trips/", "/trips/register/", f"/trips/{plan.pk}/", "/visits/mine/"]:
        assert client.get(url).status_code == 404, url
    client.force_login(world.outsider_engineer)
    assert client.get(f"/trips/{plan.pk}/").status_code == 404


def test_the_engineer_checks_in_from_my_visits(world: World, client) -> None:
    plan = approve_all(world, plan_trip(world, new_request(world, owner=world.engineer)))
    request = plan.requests.get()
    start = dt.datetime.now(dt.UTC)
    visit = visits.schedule_visit(
        actor=world.manager,
        request=request,
        engineers=[world.engineer],
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        trip_plan=plan,
    )
    client.force_login(world.engineer)
    page = client.get("/visits/mine/").content.decode()
    assert 'data-action="check_in"' in page
    bad = client.post(
        f"/visits/{visit.pk}/check_in/",
        {
            f"in{visit.pk}-version": visit.version,
            f"in{visit.pk}-lat": "91",
            f"in{visit.pk}-lng": "1",
        },
    )
    assert bad.status_code == 400
    done = client.post(
        f"/visits/{visit.pk}/check_in/",
        {
            f"in{visit.pk}-version": visit.version,
            f"in{visit.pk}-lat": "31.49",
            f"in{visit.pk}-lng": "120.31",
            "back": "mine",
        },
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ON_SITE
    panel = client.get(f"/requests/{request.pk}/").content.decode()
    assert plan.number in panel and 'id="field-trips"' in panel


def test_chains_and_skills_pages_render(world: World, client) -> None:
    client.force_login(world.manager)
    assert "data-chain" in client.get("/trips/chains/").content.decode()
    assert client.get("/trips/skills/").status_code == 200
