"""The cost pages: the request page's panel, expenses and claims, the cost report with its
exports, budgets and rates; portal users and outsiders never see costs anywhere."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.core.navigation import menu
from aftersales.core.services import attachments_of
from aftersales.field.choices import ReportStatus
from aftersales.field.models.costs import (
    ClaimStatus,
    DepartmentBudget,
    Expense,
    GradeRate,
    ReimbursementClaim,
)
from aftersales.field.services import costs as s
from aftersales.field.tests import costs_world as cw
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

D = Decimal


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _expense(world: World, request: Any, amount: str = "253.50") -> Expense:
    return s.add_expense(
        actor=world.engineer,
        request=request,
        kind="travel",
        amount=D(amount),
        spent_on=dt.date(2026, 3, 12),
        description="高铁 上海—南京",
        receipts=[cw.receipt()],
    )


@pytest.fixture
def job(world: World) -> dict[str, Any]:
    """Acme's request with an effective report (2 h at ¥100 and a ¥12.35 part) and an expense."""
    cw.grade([world.engineer], code="g2", rate="100.00", by=world.admin)
    seal = cw.part("P-SEAL", "12.35")
    request = new_request(world, owner=world.engineer)
    report = cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "2"},
        parts=[(seal, "1")],
        effective_at=cw.at("2026-03-15 10:00"),
    )
    return {"request": request, "report": report, "expense": _expense(world, request)}


# --- The request page's panel ---------------------------------------------------------------


def test_the_manager_sees_the_requests_cost_summary_on_its_page(world: World, job: Any) -> None:
    page = _client(world.manager).get(reverse("service:detail", args=[job["request"].pk]))
    text = page.content.decode()
    assert 'data-panel="costs"' in text
    assert "¥465.85" in text  # 200.00 + 12.35 + 253.50 (English locale has no grouping here)


def test_the_engineer_sees_their_expenses_and_a_claim_link_but_not_the_summary(
    world: World, job: Any
) -> None:
    page = _client(world.engineer).get(reverse("service:detail", args=[job["request"].pk]))
    text = page.content.decode()
    assert 'data-panel="costs"' in text
    assert "data-cost-summary" not in text
    assert reverse("field:claim-new", args=[job["request"].pk]) in text
    assert reverse("field:expense-new", args=[job["request"].pk]) in text


def test_the_claim_link_waits_for_an_effective_report(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    cw.report(request, author=world.engineer, status=ReportStatus.AWAITING_CUSTOMER)
    _expense(world, request)
    text = (
        _client(world.engineer)
        .get(reverse("service:detail", args=[request.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content
    )
    assert reverse("field:claim-new", args=[request.pk]).encode() not in text
    assert b"once a service report you are on is effective" in text


def test_portal_users_of_both_companies_never_see_costs_in_pages_or_exports(
    world: World, job: Any
) -> None:
    request = job["request"]
    claim = s.submit_claim(actor=world.engineer, report=job["report"], expenses=[job["expense"]])
    receipt = attachments_of(job["expense"]).get()
    for portal in (world.acme_portal, world.globex_portal):
        client = _client(portal)
        own = client.get(reverse("portal:detail", args=[request.pk]))
        assert b'data-panel="costs"' not in own.content and b"253.50" not in own.content
        for url in (
            reverse("service:detail", args=[request.pk]),
            reverse("field:cost-report"),
            reverse("field:cost-report") + "?format=csv",
            reverse("field:cost-report") + "?format=xlsx",
            reverse("field:cost-budgets"),
            reverse("field:cost-grades"),
            reverse("field:expense-list"),
            reverse("field:expense-detail", args=[job["expense"].pk]),
            reverse("field:claim-list"),
            reverse("field:claim-detail", args=[claim.pk]),
            reverse("field:expense-new", args=[request.pk]),
            reverse("field:claim-new", args=[request.pk]),
            reverse("attachment-download", args=[receipt.key]),
        ):
            assert client.get(url).status_code == 404, url
        assert {item["key"] for item in menu(portal)} == {"portal"}


def test_the_request_api_carries_no_costs(world: World, job: Any) -> None:
    client = _client(world.acme_portal)
    body = client.get(f"/api/v1/service-requests/{job['request'].pk}/").content
    assert b"253.50" not in body and b"expense" not in body.lower()


def test_the_outsider_department_sees_none_of_the_costs(world: World, job: Any) -> None:
    client = _client(world.outsider_manager)
    report = client.get(reverse("field:cost-report"), {"year": 2026})
    assert report.status_code == 200
    assert b"465.85" not in report.content and b"253.50" not in report.content
    assert client.get(reverse("field:expense-detail", args=[job["expense"].pk])).status_code == 404
    receipt = attachments_of(job["expense"]).get()
    assert client.get(reverse("attachment-download", args=[receipt.key])).status_code == 404
    csv = client.get(reverse("field:cost-report"), {"year": 2026, "format": "csv"})
    assert "253.50" not in csv.content.decode("utf-8-sig")


# --- Expenses -------------------------------------------------------------------------------


def test_an_engineer_adds_an_expense_with_a_receipt_from_the_request(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    response = _client(world.engineer).post(
        reverse("field:expense-new", args=[request.pk]),
        {
            "kind": "lodging",
            "amount": "380.00",
            "spent_on": "2026-03-12",
            "description": "现场附近酒店两晚",
            "receipts": [cw.receipt()],
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.kind, expense.amount) == ("lodging", D("380.00"))
    assert attachments_of(expense).count() == 1


def test_a_bad_expense_is_refused_with_the_field_named(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    client = _client(world.engineer)
    url = reverse("field:expense-new", args=[request.pk])
    data = {"kind": "travel", "spent_on": "2026-03-12", "description": "出租车"}
    response = client.post(url, {**data, "amount": "12.345"})
    assert response.status_code == 400
    assert 'id="id_amount_error"' in response.content.decode()
    fake = cw.receipt("发票.png", b"plain text")
    response = client.post(url, {**data, "amount": "12.00", "receipts": [fake]})
    assert response.status_code == 400
    assert 'id="id_receipts_error"' in response.content.decode()
    assert not Expense.objects.exists()


def test_the_manager_downloads_a_receipt_of_the_department(world: World, job: Any) -> None:
    receipt = attachments_of(job["expense"]).get()
    response = _client(world.manager).get(reverse("attachment-download", args=[receipt.key]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- Claims ---------------------------------------------------------------------------------


def test_a_claim_against_a_report_that_is_not_effective_is_refused_on_the_page(
    world: World,
) -> None:
    request = new_request(world, owner=world.engineer)
    draft = cw.report(request, author=world.engineer, status=ReportStatus.AWAITING_MANAGER)
    expense = _expense(world, request)
    response = _client(world.engineer).post(
        reverse("field:claim-new", args=[request.pk]),
        {"report": draft.pk, "expenses": [expense.pk]},
    )
    assert response.status_code == 400
    assert 'id="id_report_error"' in response.content.decode()
    assert not ReimbursementClaim.objects.exists()


def test_a_claim_goes_from_the_engineer_to_the_manager_to_the_office(
    world: World, job: Any
) -> None:
    response = _client(world.engineer).post(
        reverse("field:claim-new", args=[job["request"].pk]),
        {"report": job["report"].pk, "expenses": [job["expense"].pk], "note": "三月出差"},
    )
    claim = ReimbursementClaim.objects.get()
    assert response.status_code == 302
    engineer_view = _client(world.engineer).get(reverse("field:claim-detail", args=[claim.pk]))
    assert b'data-action="approve"' not in engineer_view.content
    manager = _client(world.manager)
    page = manager.get(reverse("field:claim-detail", args=[claim.pk]))
    assert b'data-action="approve"' in page.content
    rejected = manager.post(
        reverse("field:claim-act", args=[claim.pk, "reject"]), {"version": claim.version}
    )
    assert rejected.status_code == 400
    assert 'id="id_comment_error"' in rejected.content.decode()
    approved = manager.post(
        reverse("field:claim-act", args=[claim.pk, "approve"]),
        {"version": claim.version, "comment": "同意"},
    )
    assert approved.status_code == 302
    stale = manager.post(
        reverse("field:claim-act", args=[claim.pk, "approve"]), {"version": claim.version}
    )
    assert stale.status_code == 409
    claim.refresh_from_db()
    paid = _client(world.office).post(
        reverse("field:claim-act", args=[claim.pk, "pay"]), {"version": claim.version}
    )
    assert paid.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    text = manager.get(
        reverse("field:claim-detail", args=[claim.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Claim approved" in text and "Claim paid" in text


def test_the_outsider_manager_cannot_decide_the_claim(world: World, job: Any) -> None:
    claim = s.submit_claim(actor=world.engineer, report=job["report"], expenses=[job["expense"]])
    response = _client(world.outsider_manager).post(
        reverse("field:claim-act", args=[claim.pk, "approve"]), {"version": claim.version}
    )
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


# --- Reports, budgets, rates ----------------------------------------------------------------


@pytest.mark.parametrize("by", ["request", "customer", "engineer", "month"])
def test_the_cost_report_shows_each_view_with_its_total(world: World, job: Any, by: str) -> None:
    response = _client(world.manager).get(reverse("field:cost-report"), {"by": by, "year": 2026})
    assert response.status_code == 200
    text = response.content.decode()
    assert "data-grand-total>465.85<" in text


def test_engineers_do_not_reach_the_cost_report(world: World) -> None:
    assert _client(world.engineer).get(reverse("field:cost-report")).status_code == 404
    keys = {item["key"] for item in menu(world.engineer)}
    assert "expenses" in keys and "costs" not in keys
    assert "costs" in {item["key"] for item in menu(world.manager)}


def test_the_cost_report_exports_exact_figures_as_csv_and_xlsx(world: World, job: Any) -> None:
    client = _client(world.director)
    csv = client.get(reverse("field:cost-report"), {"by": "month", "year": 2026, "format": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="costs-month-2026.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "03,,2.00,200.00,12.35,253.50,465.85"
    assert lines[-1].endswith(",,2.00,200.00,12.35,253.50,465.85")
    xlsx = client.get(
        reverse("field:cost-report"), {"by": "engineer", "year": 2026, "format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][-1] == "465.85"


def test_the_director_sets_a_budget_and_the_manager_only_reads_it(world: World, job: Any) -> None:
    url = reverse("field:cost-budgets")
    director = _client(world.director)
    field = f"d{world.service.pk}"
    response = director.post(
        url + "?year=2026",
        {"department": world.service.pk, "year": 2026, f"{field}-amount": "1000.00"},
    )
    assert response.status_code == 302
    assert DepartmentBudget.objects.get().amount == D("1000.00")
    bad = director.post(
        url, {"department": world.service.pk, "year": 2026, f"{field}-amount": "-5"}
    )
    assert bad.status_code == 400
    assert f'id="id_{field}-amount_error"' in bad.content.decode()
    manager = _client(world.manager)
    page = manager.get(url, {"year": 2026}).content.decode()
    assert "534.15" in page  # 1000.00 − 465.85
    assert 'name="department"' not in page
    assert (
        manager.post(
            url, {"department": world.service.pk, "year": 2026, f"{field}-amount": "1"}
        ).status_code
        == 404
    )


def test_the_director_starts_a_new_rate_on_the_grades_page(world: World, job: Any) -> None:
    grade = GradeRate.objects.get().grade
    response = _client(world.director).post(
        reverse("field:cost-grades"),
        {
            "form": "rate",
            "rate-grade": grade.pk,
            "rate-effective_from": "2026-06-01",
            "rate-hourly_rate": "120.00",
        },
    )
    assert response.status_code == 302
    assert GradeRate.objects.filter(grade=grade).count() == 2
    page = _client(world.manager).get(reverse("field:cost-grades"))
    assert page.status_code == 200 and b'name="form"' not in page.content
