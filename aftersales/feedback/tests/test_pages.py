"""Feedback pages: lists with their query budgets, the record form, the request panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import Complaint, ReturnVisit, Suggestion
from aftersales.feedback.tests.helpers import confirmed, visit_of
from aftersales.service.choices import RequestType
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _visits(world: World, n: int, *, done: bool = False) -> None:
    ReturnVisit.objects.all().delete()
    req = new_request(world, owner=world.engineer)
    ReturnVisit.objects.bulk_create(
        ReturnVisit(
            request=req,
            round=i,
            company=world.acme,
            department=world.service,
            engineer=world.engineer,
            due_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            status=ReturnVisitStatus.DONE if done else ReturnVisitStatus.DUE,
            rating=5 if done else None,
            done_by=world.office if done else None,
            done_at=req.received_at if done else None,
        )
        for i in range(n)
    )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab,done", [("overdue", False), ("done", True)])
def test_the_visit_lists_cost_the_same_for_2_and_25_rows(
    world: World, tab: str, done: bool
) -> None:
    client = _client(world.office)
    url = f"{reverse('feedback:visits')}?tab={tab}"
    _visits(world, 2, done=done)
    small = _count(client, url)
    _visits(world, 25, done=done)
    big = _count(client, url)
    assert small == big


def test_the_complaint_and_suggestion_lists_cost_the_same_for_2_and_12_rows(world: World) -> None:
    client = _client(world.agent)

    def make(n: int) -> None:
        Complaint.objects.all().delete()
        Suggestion.objects.all().delete()
        for _ in range(n):
            new_request(world, owner=world.engineer, request_type=RequestType.COMPLAINT)
            req = new_request(world, request_type=RequestType.SUGGESTION)
            Suggestion.objects.create(
                request=req,
                department=world.technical,
                routed_by=world.agent,
                routed_at=req.received_at,
            )

    make(2)
    small = (
        _count(client, reverse("feedback:complaints")),
        _count(client, reverse("feedback:suggestions")),
    )
    make(12)
    big = (
        _count(client, reverse("feedback:complaints")),
        _count(client, reverse("feedback:suggestions")),
    )
    assert small == big


def test_the_office_records_a_visit_on_its_page(world: World) -> None:
    visit = visit_of(confirmed(world))
    client = _client(world.office)
    url = reverse("feedback:visit", kwargs={"pk": visit.pk})
    page = client.get(url)
    assert "Record the return visit" in page.content.decode()
    bad = client.post(url, {"record-version": visit.version, "record-method": "phone"})
    assert bad.status_code == 400
    assert "rating" in bad.context["form"].errors
    ok = client.post(
        url,
        {
            "record-version": visit.version,
            "record-method": "phone",
            "record-rating": "5",
            "record-solved": "yes",
            "record-praised": [world.engineer.pk],
            "record-comments": "很满意",
        },
    )
    assert ok.status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReturnVisitStatus.DONE


def test_the_engineer_sees_no_record_form_for_their_own_work(world: World) -> None:
    visit = visit_of(confirmed(world))
    page = _client(world.engineer).get(reverse("feedback:visit", kwargs={"pk": visit.pk}))
    assert page.status_code == 200
    assert "someone else must make its return visit" in page.content.decode()


def test_the_request_page_shows_the_feedback_panel(world: World) -> None:
    req = confirmed(world)
    page = _client(world.office).get(reverse("service:detail", kwargs={"pk": req.pk}))
    assert "Return visits and satisfaction" in page.content.decode()


def test_outsiders_do_not_reach_the_pages(world: World) -> None:
    visit = visit_of(confirmed(world))
    outsider = _client(world.outsider_manager)
    assert outsider.get(reverse("feedback:visit", kwargs={"pk": visit.pk})).status_code == 404
    portal = _client(world.acme_portal)
    assert portal.get(reverse("feedback:visits")).status_code == 404


def test_the_schedule_page_saves_a_schedule_and_names_bad_fields(world: World) -> None:
    world.acme.tier = "key"
    world.acme.save()
    client = _client(world.office)
    url = reverse("feedback:schedules")
    bad = client.post(url, {"company": world.acme.pk, "interval_months": "3"})
    assert bad.status_code == 400
    assert "next_due_on" in bad.context["form"].errors
    ok = client.post(
        url,
        {
            "company": world.acme.pk,
            "interval_months": "3",
            "next_due_on": "2026-03-01",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    assert world.acme.visit_schedule.interval_months == 3


def test_the_suggestion_page_routes_and_answers(world: World) -> None:
    req = new_request(world, request_type=RequestType.SUGGESTION)
    url = reverse("feedback:suggestion", kwargs={"pk": req.pk})
    agent = _client(world.agent)
    assert (
        agent.post(url, {"action": "route", "route-department": world.technical.pk}).status_code
        == 302
    )
    sg = Suggestion.objects.get(request=req)
    tech = _client(world.outsider_manager)
    bad = tech.post(url, {"action": "answer", "answer-version": sg.version, "answer-answer": ""})
    assert bad.status_code == 400
    ok = tech.post(
        url, {"action": "answer", "answer-version": sg.version, "answer-answer": "会考虑"}
    )
    assert ok.status_code == 302
    sg.refresh_from_db()
    assert sg.answer == "会考虑"


def test_the_schedule_list_costs_the_same_for_2_and_12_rows(world: World) -> None:
    from aftersales.customers.models import Company
    from aftersales.feedback.models import VisitSchedule
    from aftersales.testing import factories as f

    client = _client(world.office)
    url = reverse("feedback:schedules")

    def make(n: int) -> None:
        VisitSchedule.objects.all().delete()
        have = Company.objects.count()
        for _ in range(max(0, n - have)):
            f.CompanyFactory(service_department=world.service)
        VisitSchedule.objects.bulk_create(
            VisitSchedule(company=c, next_due_on=dt.date(2026, 1, 1), created_by=world.office)
            for c in Company.objects.all()[:n]
        )

    make(2)
    small = _count(client, url)
    make(12)
    big = _count(client, url)
    assert small == big
