"""Costs of requests: labour at the grade's rate, parts at cost, expenses; totals to the cent;
departments' budgets and the KPI functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.field import costs
from aftersales.field.choices import ReportStatus
from aftersales.field.models.costs import CostLine, DepartmentBudget, GradeRate, money
from aftersales.field.services import costs as s
from aftersales.field.tests import costs_world as cw
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

D = Decimal


def _expense(world: World, request, amount: str, day: str = "2026-03-12", **kw):
    return s.add_expense(
        actor=kw.pop("actor", world.engineer),
        request=request,
        kind=kw.pop("kind", "travel"),
        amount=D(amount),
        spent_on=dt.date.fromisoformat(day),
        description=kw.pop("description", "高铁 上海—南京"),
        receipts=kw.pop("receipts", [cw.receipt()]),
    )


def test_a_line_is_rounded_once_half_up_to_the_cent() -> None:
    assert money(D("199.995")) == D("200.00")
    assert money(D("6.175")) == D("6.18")
    assert money(D("6.174")) == D("6.17")


def test_labour_is_priced_at_the_rate_of_the_engineers_grade_on_the_effective_day(
    world: World,
) -> None:
    cw.grade([world.engineer], code="g2", rate="133.33", by=world.admin)
    request = new_request(world, owner=world.engineer)
    cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "1.5"},
        effective_at=cw.at("2026-03-15 10:00"),
    )
    (line,) = CostLine.objects.filter(request=request)
    assert (line.unit_cost, line.amount, line.day) == (
        D("133.33"),
        D("200.00"),  # 1.5 × 133.33 = 199.995
        dt.date(2026, 3, 15),
    )


def test_a_rate_change_does_not_move_past_costs_but_prices_later_reports(world: World) -> None:
    g = cw.grade([world.engineer], code="g2", rate="100.00", by=world.admin)
    request = new_request(world, owner=world.engineer)
    cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "2"},
        effective_at=cw.at("2026-03-15 10:00"),
    )
    s.set_hourly_rate(
        actor=world.director, grade=g, effective_from=dt.date(2026, 4, 1), hourly_rate=D("150.00")
    )
    assert costs.request_figures(world.manager, request).labour == D("200.00")
    cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "2"},
        effective_at=cw.at("2026-04-02 10:00"),
    )
    assert costs.request_figures(world.manager, request).labour == D("500.00")


def test_rates_are_only_set_by_those_who_manage_them_and_never_twice_a_day(world: World) -> None:
    g = cw.grade([], code="g1", rate="80.00", by=world.admin)
    with pytest.raises(PermissionDenied):
        s.set_hourly_rate(
            actor=world.manager, grade=g, effective_from=dt.date(2026, 5, 1), hourly_rate=D("90")
        )
    with pytest.raises(ValidationError) as caught:
        s.set_hourly_rate(
            actor=world.director, grade=g, effective_from=dt.date(2020, 1, 1), hourly_rate=D("90")
        )
    assert "effective_from" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        s.set_hourly_rate(
            actor=world.director,
            grade=g,
            effective_from=dt.date(2026, 5, 1),
            hourly_rate=D("90.005"),
        )
    assert "hourly_rate" in caught.value.message_dict
    s.set_hourly_rate(
        actor=world.director, grade=g, effective_from=dt.date(2026, 5, 1), hourly_rate=D("90")
    )
    assert GradeRate.objects.filter(grade=g).count() == 2
    assert history_for(g).filter(action="rate_set").count() == 1


def test_an_engineer_without_a_grade_is_priced_at_zero_and_flagged(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    cw.report(request, author=world.engineer, labour={world.engineer: "3"})
    (line,) = CostLine.objects.filter(request=request)
    assert line.unpriced and line.amount == D("0.00")


def test_unpriced_labour_is_priced_at_the_rate_of_its_day_once_the_engineer_has_a_grade(
    world: World,
) -> None:
    request = new_request(world, owner=world.engineer)
    made = cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "3"},
        effective_at=cw.at("2026-03-15 10:00"),
    )
    g = cw.grade(
        [world.engineer], code="g2", rate="50.00", since=dt.date(2026, 1, 1), by=world.admin
    )
    s.set_hourly_rate(
        actor=world.director, grade=g, effective_from=dt.date(2026, 4, 1), hourly_rate=D("70")
    )
    with pytest.raises(PermissionDenied):
        s.price_unpriced(actor=world.manager, report=made)
    (line,) = s.price_unpriced(actor=world.director, report=made)
    assert (line.amount, line.unpriced) == (D("150.00"), False)
    assert s.price_unpriced(actor=world.director, report=made) == []
    assert history_for(made).filter(action="labour_priced").count() == 1


def test_parts_are_priced_at_their_cost_when_the_report_took_effect(world: World) -> None:
    seal = cw.part("P-SEAL", "12.35")
    request = new_request(world, owner=world.engineer)
    cw.report(request, author=world.engineer, parts=[(seal, "0.5"), (seal, "3")])
    seal.cost = D("99.00")
    seal.save()
    # 0.5 × 12.35 = 6.175 → 6.18; 3 × 12.35 = 37.05
    assert costs.request_figures(world.manager, request).parts == D("43.23")


def test_a_report_is_priced_once(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    made = cw.report(request, author=world.engineer, labour={world.engineer: "1"})
    s.price_report(report=made)
    assert CostLine.objects.filter(report=made).count() == 1


def test_a_report_that_is_not_effective_is_not_priced(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    draft = cw.report(request, author=world.engineer, status=ReportStatus.AWAITING_MANAGER)
    with pytest.raises(Conflict):
        s.price_report(report=draft)
    assert not CostLine.objects.exists()


def test_a_superseded_revision_no_longer_counts(world: World) -> None:
    cw.grade([world.engineer], code="g2", rate="100.00", by=world.admin)
    request = new_request(world, owner=world.engineer)
    first = cw.report(request, author=world.engineer, labour={world.engineer: "4"})
    cw.report(request, author=world.engineer, labour={world.engineer: "3"}, revises=first)
    figures = costs.request_figures(world.manager, request)
    assert (figures.labour, figures.hours) == (D("300.00"), D("3.00"))


def test_a_request_total_is_labour_plus_parts_plus_expenses_to_the_cent(world: World) -> None:
    cw.grade([world.engineer], code="g2", rate="133.33", by=world.admin)
    second: Any = f.UserFactory(username="eng2", department=world.service, roles=[Role.ENGINEER])
    cw.grade([second], code="g3", rate="88.88", by=world.admin)
    seal = cw.part("P-SEAL", "12.35")
    request = new_request(world, owner=world.engineer)
    cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "1.5", second: "2.25"},
        parts=[(seal, "0.5")],
        effective_at=cw.at("2026-03-15 10:00"),
    )
    _expense(world, request, "253.50", kind="travel")
    _expense(world, request, "380.00", kind="lodging")
    _expense(world, request, "45.55", kind="meals")
    figures = costs.request_figures(world.manager, request)
    # 1.5 × 133.33 = 199.995 → 200.00; 2.25 × 88.88 = 199.98; labour 399.98
    assert figures.labour == D("399.98")
    assert figures.parts == D("6.18")
    assert figures.expenses == D("679.05")
    assert figures.total == D("1085.21")


def test_a_months_total_is_the_sum_of_its_requests(world: World) -> None:
    cw.grade([world.engineer], code="g2", rate="99.99", by=world.admin)
    first = new_request(world, owner=world.engineer)
    second = new_request(world, owner=world.engineer)
    cw.report(
        first,
        author=world.engineer,
        labour={world.engineer: "0.33"},
        effective_at=cw.at("2026-03-01 09:00"),
    )  # 32.9967 → 33.00
    cw.report(
        second,
        author=world.engineer,
        labour={world.engineer: "1.01"},
        effective_at=cw.at("2026-03-31 23:30"),
    )  # 100.9899 → 100.99
    cw.report(
        second,
        author=world.engineer,
        labour={world.engineer: "1"},
        effective_at=cw.at("2026-04-01 08:00"),
    )  # April
    _expense(world, first, "10.01", day="2026-03-05")
    _expense(world, second, "0.99", day="2026-02-28")  # February
    march = costs.cost_report(world.manager, dimension="request", year=2026, month=3)
    assert {r.label: r.figures.total for r in march.rows} == {
        first.number: D("43.01"),
        second.number: D("100.99"),
    }
    assert march.total.total == D("144.00")
    by_month = costs.cost_report(world.manager, dimension="month", year=2026)
    assert [(r.key, r.figures.total) for r in by_month.rows] == [
        (2, D("0.99")),
        (3, D("144.00")),
        (4, D("99.99")),
    ]
    assert by_month.total.total == D("244.98")
    assert costs.department_cost(world.service, 2026, 3) == D("144.00")
    assert costs.department_cost(world.service, 2026) == D("244.98")
    assert costs.department_cost(world.technical, 2026) == D("0.00")


def test_costs_by_customer_and_by_engineer_add_up_to_the_same_total(world: World) -> None:
    cw.grade([world.engineer, world.manager], code="g2", rate="120.00", by=world.admin)
    seal = cw.part("P-SEAL", "10.00")
    first = new_request(world, owner=world.engineer)
    cw.report(
        first,
        author=world.engineer,
        labour={world.engineer: "1", world.manager: "2"},
        parts=[(seal, "2")],
        effective_at=cw.at("2026-05-02 10:00"),
    )
    _expense(world, first, "33.33", day="2026-05-03")
    by_engineer = costs.cost_report(world.director, dimension="engineer", year=2026)
    by_customer = costs.cost_report(world.director, dimension="customer", year=2026)
    assert {r.key: r.figures.total for r in by_engineer.rows} == {
        world.engineer.pk: D("173.33"),  # 120 + parts 20 (author) + 33.33
        world.manager.pk: D("240.00"),
    }
    assert [(r.key, r.figures.total) for r in by_customer.rows] == [(world.acme.pk, D("413.33"))]
    assert by_engineer.total.total == by_customer.total.total == D("413.33")


def test_the_kpi_functions_read_the_budget_and_the_cost(world: World) -> None:
    assert costs.department_budget(world.service, 2026) is None
    s.set_budget(actor=world.director, department=world.service, year=2026, amount=D("500000"))
    assert costs.department_budget(world.service, 2026) == D("500000.00")
    assert costs.department_budget(world.service, 2027) is None
    assert costs.department_cost(world.service, 2026, 1) == D("0.00")


def test_the_kpi_page_reads_monthly_costs_and_the_budget_used_so_far(world: World) -> None:
    from aftersales.kpi.services import indicators as k

    cw.grade([world.engineer], code="g2", rate="100.00", by=world.admin)
    request = new_request(world, owner=world.engineer)
    cw.report(
        request,
        author=world.engineer,
        labour={world.engineer: "2"},
        effective_at=cw.at("2026-02-10 09:00"),
    )  # February 200.00
    _expense(world, request, "50.25", day="2026-03-05")  # March 50.25
    s.set_budget(actor=world.director, department=world.service, year=2026, amount=D("1000"))
    feb, mar, apr = dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)

    assert costs.monthly_department_costs(None, feb, apr) == {
        (world.service.pk, feb): D("200.00"),
        (world.service.pk, mar): D("50.25"),
    }
    assert k.service_cost(department_ids=[world.technical.pk], months=[feb, mar, apr]) == {}
    # Year to date against 1000.00: 20.0 %, 25.0 %, still 25.0 % in April (nothing spent).
    assert k.budget_used(department_ids=None, months=[mar, apr]) == {
        (world.service.pk, mar): D("25.0"),
        (world.service.pk, apr): D("25.0"),
    }
    assert k.budget_used(department_ids=None, months=[feb])[(world.service.pk, feb)] == D("20.0")


def test_a_budget_is_set_by_the_director_at_its_version_with_history(world: World) -> None:
    budget = s.set_budget(
        actor=world.director, department=world.service, year=2026, amount=D("100000.00")
    )
    with pytest.raises(PermissionDenied):
        s.set_budget(actor=world.manager, department=world.service, year=2026, amount=D("1"))
    s.set_budget(
        actor=world.director,
        department=world.service,
        year=2026,
        amount=D("120000.00"),
        expected_version=budget.version,
    )
    with pytest.raises(Conflict):
        s.set_budget(
            actor=world.director,
            department=world.service,
            year=2026,
            amount=D("130000.00"),
            expected_version=budget.version,
        )
    with pytest.raises(ValidationError) as caught:
        s.set_budget(actor=world.director, department=world.service, year=2026, amount=D("-1"))
    assert "amount" in caught.value.message_dict
    budget.refresh_from_db()
    assert budget.amount == D("120000.00")
    assert [e.action for e in history_for(budget)] == ["updated", "created"]


def test_budget_lines_show_consumption_and_what_remains(world: World) -> None:
    s.set_budget(actor=world.director, department=world.service, year=2026, amount=D("1000.00"))
    request = new_request(world, owner=world.engineer)
    _expense(world, request, "250.50")
    lines = {b.department.code: b for b in costs.budget_lines(world.manager, 2026)}
    assert set(lines) == {"service"}  # the manager's own department only
    assert (lines["service"].consumed, lines["service"].remaining, lines["service"].percent) == (
        D("250.50"),
        D("749.50"),
        25,
    )
    assert costs.budget_lines(world.outsider_manager, 2026)[0].consumed == D("0.00")
    assert costs.budget_lines(world.acme_portal, 2026) == []
    assert costs.budget_lines(world.engineer, 2026) == []
    assert DepartmentBudget.objects.visible_to(world.outsider_manager).count() == 0
