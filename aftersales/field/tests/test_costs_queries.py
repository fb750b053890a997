"""Every cost list and report costs the same number of queries for 2 rows as for 12."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.field.models.costs import EngineerGrade
from aftersales.field.services import costs as s
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

from . import costs_world as cw

pytestmark = pytest.mark.django_db


def _grow(world: World, n: int, made: list[Any]) -> None:
    """Up to ``n`` requests, each with its own engineer (graded), an effective report with
    labour and a part, an expense and a claim; a new customer every other request."""
    if not made:
        made.append(cw.grade([], code="g1", rate="100.00", by=world.admin))
        made.append(cw.part("P-SEAL", "12.35"))
    grade, seal = made[0], made[1]
    have = len(made) - 2
    for i in range(have, n):
        engineer: Any = f.UserFactory(
            username=f"q_eng{i}", department=world.service, roles=[Role.ENGINEER]
        )
        EngineerGrade.objects.create(engineer=engineer, grade=grade)
        company: Any = world.acme
        if i % 2:
            company = f.CompanyFactory(service_department=world.service)
            f.ContactFactory(company=company)
        request = new_request(world, owner=engineer, company=company, contact=None)
        report = cw.report(
            request,
            author=engineer,
            labour={engineer: "1.5"},
            parts=[(seal, "2")],
            effective_at=cw.at(f"2026-{1 + i % 11:02d}-10 10:00"),
        )
        expense = s.add_expense(
            actor=engineer,
            request=request,
            kind="travel",
            amount=Decimal("10.01"),
            spent_on=dt.date(2026, 1 + i % 11, 11),
            description="出租车",
            receipts=[cw.receipt()],
        )
        s.submit_claim(actor=engineer, report=report, expenses=[expense])
        made.append(request)


def _count(client: Client, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(captured)


PAGES: dict[str, tuple[str, dict[str, Any]]] = {
    "report-by-request": ("field:cost-report", {"by": "request", "year": 2026}),
    "report-by-customer": ("field:cost-report", {"by": "customer", "year": 2026}),
    "report-by-engineer": ("field:cost-report", {"by": "engineer", "year": 2026}),
    "report-by-month": ("field:cost-report", {"by": "month", "year": 2026}),
    "export-xlsx": ("field:cost-report", {"by": "request", "year": 2026, "format": "xlsx"}),
    "budgets": ("field:cost-budgets", {"year": 2026}),
    "grades": ("field:cost-grades", {}),
    "expenses": ("field:expense-list", {}),
    "claims": ("field:claim-list", {}),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_cost_pages_cost_the_same_queries_for_2_and_12_rows(world: World, page: str) -> None:
    name, params = PAGES[page]
    client = Client()
    client.force_login(world.director)
    made: list[Any] = []
    _grow(world, 2, made)
    client.get(reverse(name), params)  # the session, content types, permissions
    few = _count(client, reverse(name), params)
    _grow(world, 12, made)
    assert _count(client, reverse(name), params) == few


def test_the_request_page_panel_costs_the_same_for_2_and_12_expenses(world: World) -> None:
    made: list[Any] = []
    _grow(world, 1, made)
    request = made[-1]
    client = Client()
    client.force_login(world.manager)
    url = reverse("service:detail", args=[request.pk])
    client.get(url)

    def add(n: int) -> None:
        for _ in range(n):
            s.add_expense(
                actor=request.owner,
                request=request,
                kind="meals",
                amount=Decimal("20.00"),
                spent_on=dt.date(2026, 3, 1),
                description="午餐",
                receipts=[cw.receipt()],
            )

    add(1)
    few = _count(client, url)
    add(10)
    assert _count(client, url) == few
