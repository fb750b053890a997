"""Expenses with receipts and reimbursement claims (报销): only against an effective report,
decided by the manager of the claimant's department, then paid; and who sees which costs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.services import attachments_of
from aftersales.field import costs
from aftersales.field.choices import ReportStatus
from aftersales.field.models.costs import (
    ClaimStatus,
    CostLine,
    DepartmentBudget,
    Expense,
    ReimbursementClaim,
)
from aftersales.field.services import costs as s
from aftersales.field.tests import costs_world as cw
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

D = Decimal


def _expense(world: World, request, amount: str = "253.50", **kw):
    return s.add_expense(
        actor=kw.pop("actor", world.engineer),
        request=request,
        kind=kw.pop("kind", "travel"),
        amount=D(amount),
        spent_on=kw.pop("spent_on", dt.date(2026, 3, 12)),
        description=kw.pop("description", "高铁 上海—南京"),
        receipts=kw.pop("receipts", [cw.receipt()]),
    )


@pytest.fixture
def job(world: World):
    """A request of acme worked by the engineer, with an effective report and two expenses."""
    request = new_request(world, owner=world.engineer)
    report = cw.report(request, author=world.engineer, labour={world.engineer: "2"})
    return request, report, [_expense(world, request, "253.50"), _expense(world, request, "0.50")]


# --- Expenses -------------------------------------------------------------------------------


def test_an_engineer_records_an_expense_with_its_receipts_and_history(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    expense = _expense(world, request, receipts=[cw.receipt(), cw.receipt("票.pdf", cw.PDF)])
    assert (expense.engineer, expense.department, expense.amount) == (
        world.engineer,
        world.service,
        D("253.50"),
    )
    assert [a.original_name for a in attachments_of(expense)] == ["发票.png", "票.pdf"]
    assert [e.action for e in history_for(expense)] == [
        "attachment_added",
        "attachment_added",
        "created",
    ]


@pytest.mark.parametrize(
    ("amount", "field"),
    [("0", "amount"), ("-5", "amount"), ("1.005", "amount")],
)
def test_a_bad_amount_is_refused_naming_the_field(world: World, amount: str, field: str) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError) as caught:
        _expense(world, request, amount)
    assert field in caught.value.message_dict
    assert not Expense.objects.exists()


def test_a_future_date_and_an_empty_description_are_refused(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError) as caught:
        _expense(world, request, spent_on=dt.date.today() + dt.timedelta(days=5))
    assert "spent_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _expense(world, request, description="  ")
    assert "description" in caught.value.message_dict


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("发票.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("发票.xlsx", b"PK\x03\x04"),
        SimpleUploadedFile("发票.png", b"not really a picture"),
        SimpleUploadedFile("发票.pdf", b"\x89PNG\r\n\x1a\n"),
    ],
    ids=["program", "spreadsheet", "fake-png", "png-named-pdf"],
)
def test_a_receipt_must_be_a_real_picture_or_pdf(world: World, upload) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError) as caught:
        _expense(world, request, receipts=[upload])
    assert "receipts" in caught.value.message_dict
    assert not Expense.objects.exists()


@override_settings(AFTERSALES_MAX_UPLOAD_MB=1)
def test_a_receipt_larger_than_the_limit_is_refused(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    big = cw.receipt("大.png", cw.PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        _expense(world, request, receipts=[big])
    assert "receipts" in caught.value.message_dict


def test_a_portal_user_and_an_outsider_cannot_record_expenses(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(PermissionDenied):
        _expense(world, request, actor=world.acme_portal)
    with pytest.raises(PermissionDenied):
        _expense(world, request, actor=world.outsider_engineer)


def test_an_expense_is_withdrawn_only_by_its_engineer_and_only_before_a_claim(
    world: World, job
) -> None:
    _request, report, (first, second) = job
    with pytest.raises(PermissionDenied):
        s.remove_expense(actor=world.manager, expense=first, expected_version=1)
    s.submit_claim(actor=world.engineer, report=report, expenses=[first])
    with pytest.raises(Conflict):
        s.remove_expense(actor=world.engineer, expense=first, expected_version=1)
    s.remove_expense(actor=world.engineer, expense=second, expected_version=1)
    assert list(Expense.objects.all()) == [first]
    assert history_for(second).filter(action="deleted").exists()


# --- Claims ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [ReportStatus.DRAFT, ReportStatus.AWAITING_CUSTOMER, ReportStatus.AWAITING_MANAGER],
)
def test_a_claim_against_a_report_that_is_not_effective_is_refused(
    world: World, status: str
) -> None:
    request = new_request(world, owner=world.engineer)
    report = cw.report(request, author=world.engineer, status=status)
    expense = _expense(world, request)
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.engineer, report=report, expenses=[expense])
    assert "report" in caught.value.message_dict
    assert not ReimbursementClaim.objects.exists()


def test_a_claim_against_a_superseded_revision_is_refused(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    first = cw.report(request, author=world.engineer)
    cw.report(request, author=world.engineer, revises=first)
    expense = _expense(world, request)
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.engineer, report=first, expenses=[expense])
    assert "report" in caught.value.message_dict


def test_an_engineer_claims_their_expenses_against_the_effective_report(world: World, job) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses, note="三月出差")
    assert claim.number.startswith("BX-")
    assert (claim.status, claim.total, claim.department) == (
        ClaimStatus.SUBMITTED,
        D("254.00"),
        world.service,
    )
    assert [e.action for e in history_for(claim)] == ["created"]


def test_a_claim_needs_a_receipt_for_every_expense(world: World, job) -> None:
    request, report, expenses = job
    bare = _expense(world, request, receipts=[])
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.engineer, report=report, expenses=[*expenses, bare])
    assert "expenses" in caught.value.message_dict
    s.add_receipt(actor=world.engineer, expense=bare, upload=cw.receipt())
    s.submit_claim(actor=world.engineer, report=report, expenses=[*expenses, bare])


def test_an_expense_is_claimed_only_once(world: World, job) -> None:
    _request, report, expenses = job
    s.submit_claim(actor=world.engineer, report=report, expenses=expenses[:1])
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    assert "expenses" in caught.value.message_dict


def test_only_the_engineers_own_expenses_on_their_report_are_claimed(world: World, job) -> None:
    _request, report, expenses = job
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.manager, report=report, expenses=expenses)
    assert "report" in caught.value.message_dict  # the manager is not on the report
    other = new_request(world, owner=world.engineer)
    elsewhere = _expense(world, other)
    with pytest.raises(ValidationError) as caught:
        s.submit_claim(actor=world.engineer, report=report, expenses=[elsewhere])
    assert "expenses" in caught.value.message_dict
    with pytest.raises(ValidationError):
        s.submit_claim(actor=world.engineer, report=report, expenses=[])


def test_the_department_manager_approves_then_the_office_pays_with_history(
    world: World, job
) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    claim = s.approve_claim(
        actor=world.manager, claim=claim, expected_version=claim.version, comment="同意"
    )
    assert (claim.status, claim.decided_by, claim.decision_comment) == (
        ClaimStatus.APPROVED,
        world.manager,
        "同意",
    )
    claim = s.mark_claim_paid(actor=world.office, claim=claim, expected_version=claim.version)
    assert claim.status == ClaimStatus.PAID and claim.paid_at is not None
    assert [e.action for e in history_for(claim)] == ["claim_paid", "claim_approved", "created"]
    assert history_for(claim).get(action="claim_approved").changes == {
        "status": ["submitted", "approved"]
    }


def test_who_may_not_decide_a_claim(world: World, job) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    for actor in (world.engineer, world.outsider_manager, world.office, world.acme_portal):
        with pytest.raises(PermissionDenied):
            s.approve_claim(actor=actor, claim=claim, expected_version=claim.version)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    claim = s.approve_claim(actor=world.manager, claim=claim, expected_version=claim.version)
    for actor in (world.engineer, world.manager):
        with pytest.raises(PermissionDenied):
            s.mark_claim_paid(actor=actor, claim=claim, expected_version=claim.version)


def test_a_claim_cannot_be_paid_before_approval_nor_decided_twice(world: World, job) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    with pytest.raises(Conflict):
        s.mark_claim_paid(actor=world.admin, claim=claim, expected_version=claim.version)
    claim = s.approve_claim(actor=world.manager, claim=claim, expected_version=claim.version)
    with pytest.raises(Conflict):
        s.reject_claim(
            actor=world.manager, claim=claim, expected_version=claim.version, comment="晚了"
        )


def test_a_stale_version_changes_nothing(world: World, job) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    with pytest.raises(Conflict) as caught:
        s.approve_claim(actor=world.manager, claim=claim, expected_version=claim.version + 1)
    assert caught.value.code == "stale_version"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_rejection_needs_a_comment_and_frees_the_expenses(world: World, job) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    with pytest.raises(ValidationError) as caught:
        s.reject_claim(actor=world.manager, claim=claim, expected_version=claim.version, comment="")
    assert "comment" in caught.value.message_dict
    claim = s.reject_claim(
        actor=world.manager, claim=claim, expected_version=claim.version, comment="缺住宿发票"
    )
    assert claim.status == ClaimStatus.REJECTED
    assert history_for(claim).get(action="claim_rejected").message == "缺住宿发票"
    again = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    assert again.status == ClaimStatus.SUBMITTED and claim.lines.count() == 2


# --- Who sees costs -------------------------------------------------------------------------


def test_portal_users_of_both_companies_never_see_costs(world: World, job) -> None:
    request, report, expenses = job
    s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    s.set_budget(actor=world.director, department=world.service, year=2026, amount=D("1000"))
    for portal in (world.acme_portal, world.globex_portal):
        assert not Expense.objects.visible_to(portal).exists()
        assert not CostLine.objects.visible_to(portal).exists()
        assert not ReimbursementClaim.objects.visible_to(portal).exists()
        assert not DepartmentBudget.objects.visible_to(portal).exists()
        assert costs.request_figures(portal, request).total == D("0")
        assert costs.cost_report(portal, dimension="request", year=2026).rows == []


def test_the_outsider_department_does_not_see_the_service_departments_costs(
    world: World, job
) -> None:
    _request, report, expenses = job
    claim = s.submit_claim(actor=world.engineer, report=report, expenses=expenses)
    for outsider in (world.outsider_manager, world.outsider_engineer):
        assert not Expense.objects.visible_to(outsider).exists()
        assert not CostLine.objects.visible_to(outsider).exists()
        assert not ReimbursementClaim.objects.visible_to(outsider).filter(pk=claim.pk).exists()
        assert costs.cost_report(outsider, dimension="month", year=2026).total.total == D("0")
    assert Expense.objects.visible_to(world.manager).count() == 2
    assert CostLine.objects.visible_to(world.director).count() == 1


def test_an_engineer_sees_only_their_own_expenses_and_claims(world: World, job) -> None:
    from aftersales.accounts.choices import Role
    from aftersales.testing import factories as f

    request, _report, expenses = job
    colleague = f.UserFactory(username="colleague", department=world.service, roles=[Role.ENGINEER])
    theirs = _expense(world, request, actor=colleague)
    assert set(Expense.objects.visible_to(world.engineer)) == set(expenses)
    assert list(Expense.objects.visible_to(colleague)) == [theirs]
    # Labour at rates is the managers' business.
    assert not CostLine.objects.visible_to(world.engineer).exists()
