"""Each department KPI on hand-computed months, and its query budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.feedback.choices import Rating
from aftersales.field.choices import VisitStatus
from aftersales.field.models import Visit
from aftersales.insight.stats import refresh_daily_stats
from aftersales.kpi import registry
from aftersales.kpi.services import indicators as k
from aftersales.kpi.services.months import last_months
from aftersales.kpi.tests.helpers import at, order, unit, visit
from aftersales.service.choices import RequestType
from aftersales.service.models import Category, ServiceRequest
from aftersales.sla.choices import ClockMode, TargetKind
from aftersales.sla.models import Clock, Policy
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)
MONTHS = [APRIL, MAY, JUNE]


def _set(request: ServiceRequest, **values: object) -> ServiceRequest:
    ServiceRequest.objects.filter(pk=request.pk).update(**values)
    request.refresh_from_db()
    return request


def test_csat_is_the_share_of_satisfied_or_better_per_department(world):
    for rating in (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.NEUTRAL, Rating.DISSATISFIED):
        visit(world, rating=rating, when=at(2026, 5, 10), request=order(world))
    outsider = new_request(world, company=world.globex, owner=world.outsider_engineer)
    visit(
        world,
        rating=Rating.VERY_SATISFIED,
        when=at(2026, 5, 11),
        engineer=world.outsider_engineer,
        request=outsider,
    )

    cells = k.csat(department_ids=None, months=MONTHS)

    assert cells == {
        (world.service.pk, MAY): Decimal("50.0"),
        (world.technical.pk, MAY): Decimal("100.0"),
    }
    assert k.csat(department_ids=[world.technical.pk], months=MONTHS) == {
        (world.technical.pk, MAY): Decimal("100.0")
    }


def test_survey_csat_is_the_share_of_answers_averaging_satisfied_per_department(world):
    from aftersales.feedback.models import Survey
    from aftersales.feedback.tests.helpers import resolved

    scores = [(5, 4, 3), (4, 4, 3), None]  # sum 12 (good), 11 (not), unanswered
    for score in scores:
        survey = Survey.objects.get(request=resolved(world))
        if score is not None:
            attitude, speed, result = score
            Survey.objects.filter(pk=survey.pk).update(
                answered_at=at(2026, 5, 10), attitude=attitude, speed=speed, result=result
            )

    assert k.survey_csat(department_ids=None, months=MONTHS) == {
        (world.service.pk, MAY): Decimal("50.0")
    }
    assert k.survey_csat(department_ids=[world.technical.pk], months=MONTHS) == {}


def test_average_first_response_counts_in_the_month_of_the_response(world):
    for received, hours in ((at(2026, 4, 30, 23), 2), (at(2026, 5, 3), 4)):
        _set(
            order(world),
            received_at=received,
            first_response_at=received + dt.timedelta(hours=hours),
        )

    cells = k.first_response_hours(department_ids=[world.service.pk], months=MONTHS)

    # 30 April 23:00 + 2 h is 1 May: both count in May; (2 + 4) / 2 = 3 h.
    assert cells == {(world.service.pk, MAY): Decimal("3.0")}


def test_average_resolution_and_complaint_resolution_hours(world):
    received = at(2026, 5, 2, 8)
    _set(order(world), received_at=received, resolved_at=received + dt.timedelta(hours=10))
    _set(order(world), received_at=received, resolved_at=received + dt.timedelta(hours=20))
    complaint = new_request(
        world, owner=world.engineer, request_type=RequestType.COMPLAINT, title="投诉：维修拖延"
    )
    _set(complaint, received_at=received, resolved_at=received + dt.timedelta(hours=48))

    assert k.resolution_hours(department_ids=None, months=MONTHS) == {
        (world.service.pk, MAY): Decimal("26.0")  # (10 + 20 + 48) / 3
    }
    assert k.complaint_hours(department_ids=None, months=MONTHS) == {
        (world.service.pk, MAY): Decimal("48.0")
    }


def _clock(world: World, policy: Policy, **times: dt.datetime) -> None:
    request = order(world)
    Clock.objects.filter(request=request).delete()
    Clock.objects.create(
        request=request,
        kind=TargetKind.RESPONSE,
        policy=policy,
        target_minutes=60,
        mode=ClockMode.ALWAYS,
        warn_percent=80,
        escalation_interval_minutes=60,
        started_at=at(2026, 4, 1),
        **times,
    )


def test_sla_compliance_counts_each_clock_once_in_the_month_it_was_decided(world):
    policy = Policy.objects.create(name="标准", response_minutes=60)
    _clock(world, policy, met_at=at(2026, 5, 3))
    _clock(world, policy, met_at=at(2026, 5, 4))
    _clock(world, policy, breached_at=at(2026, 5, 5), met_at=at(2026, 5, 6))  # met late
    _clock(world, policy, breached_at=at(2026, 4, 28))  # still running
    refresh_daily_stats(first=APRIL, last=dt.date(2026, 6, 30))

    cells = k.sla_compliance(TargetKind.RESPONSE)(department_ids=None, months=MONTHS)

    assert cells == {(world.service.pk, MAY): Decimal("66.7"), (world.service.pk, APRIL): 0}
    assert k.sla_compliance(TargetKind.RESOLUTION)(department_ids=None, months=MONTHS) == {}


def _visits(request: ServiceRequest, *statuses: str) -> None:
    for i, status in enumerate(statuses):
        start = at(2026, 5, 1 + i, 9)
        Visit.objects.create(
            request=request,
            window_start=start,
            window_end=start + dt.timedelta(hours=2),
            status=status,
        )


def test_first_time_fix_means_never_reopened_and_at_most_one_visit(world):
    resolved = at(2026, 5, 20)
    one_visit = _set(order(world), resolved_at=resolved)
    _visits(one_visit, VisitStatus.DONE)
    _set(order(world), resolved_at=resolved, reopen_count=1)
    two_visits = _set(order(world), resolved_at=resolved)
    _visits(two_visits, VisitStatus.UNFINISHED, VisitStatus.DONE)
    one_cancelled = _set(order(world), resolved_at=resolved)
    _visits(one_cancelled, VisitStatus.CANCELLED, VisitStatus.DONE)

    cells = k.first_time_fix(department_ids=None, months=MONTHS)

    assert cells == {(world.service.pk, MAY): Decimal("50.0")}


def test_a_repeat_problem_is_the_same_unit_and_category_within_30_days(world):
    leak = Category.objects.create(code="leak", name="漏水", product_line=world.line)
    noise = Category.objects.create(code="noise", name="异响", product_line=world.line)
    pump, other_pump = unit(world), unit(world)

    def on(equipment, category, when):
        request = new_request(world, owner=world.engineer, equipment=equipment)
        _set(request, category=category, received_at=when)

    on(pump, leak, at(2026, 4, 20))
    on(pump, leak, at(2026, 5, 10))  # 20 days after: a repeat
    on(pump, noise, at(2026, 5, 15))  # another category
    on(other_pump, leak, at(2026, 5, 1))  # another unit
    on(pump, leak, at(2026, 6, 15))  # 36 days after the last leak: not a repeat

    cells = k.repeat_problems(department_ids=None, months=MONTHS)

    assert cells == {
        (world.service.pk, APRIL): Decimal("0.0"),
        (world.service.pk, MAY): Decimal("33.3"),
        (world.service.pk, JUNE): Decimal("0.0"),
    }


def test_the_registry_takes_a_plugged_in_kpi_and_computes_every_kpi_once(world):
    calls = []

    def cost(*, department_ids, months):
        calls.append((department_ids, months))
        return {(world.service.pk, MAY): Decimal("12.5")}

    registry.register("cost_vs_budget", "Cost against budget", cost, unit=registry.PERCENT)
    try:
        cells = registry.compute([world.service.pk], MONTHS)
    finally:
        registry.unregister("cost_vs_budget")

    assert cells["cost_vs_budget"] == {(world.service.pk, MAY): Decimal("12.5")}
    assert calls == [([world.service.pk], MONTHS)]
    assert "cost_vs_budget" not in [i.key for i in registry.indicators()]
    with pytest.raises(ValueError):
        registry.register("x", "x", cost, unit="furlongs")


def test_all_kpis_of_12_months_cost_the_same_queries_as_of_one_month(world):
    visit(world, rating=Rating.SATISFIED, when=at(2026, 5, 10), request=order(world))
    _set(order(world), resolved_at=at(2026, 5, 20))

    with CaptureQueriesContext(connection) as one:
        registry.compute(None, [MAY])
    with CaptureQueriesContext(connection) as twelve:
        registry.compute(None, last_months(JUNE, 12))

    # One or two grouped queries per KPI (12 built in, three from cost and survey data).
    assert len(twelve) == len(one) <= 18
