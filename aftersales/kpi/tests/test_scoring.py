"""The scoring rules on hand-computed months, and the life of a scored month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.feedback.choices import Rating, ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.kpi.choices import LineKind, PeriodStatus
from aftersales.kpi.models import Scorecard, ScoringRuleSet
from aftersales.kpi.services.rulesets import create_rule_set
from aftersales.kpi.services.scoring import compute_month, lock_period, review_period
from aftersales.kpi.tests.helpers import at, order, unit, visit
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
JUNE = dt.date(2026, 6, 1)
VS, S, D, VD = (
    Rating.VERY_SATISFIED,
    Rating.SATISFIED,
    Rating.DISSATISFIED,
    Rating.VERY_DISSATISFIED,
)


def card_of(world: World, month: dt.date, engineer=None) -> Scorecard:
    return Scorecard.objects.get(month=month, engineer=engineer or world.engineer)


def _bulk_visits(world: World, ratings: list[int], when: dt.datetime) -> None:
    ReturnVisit.objects.bulk_create(
        ReturnVisit(
            company=world.acme,
            engineer=world.engineer,
            due_on=when.date(),
            status=ReturnVisitStatus.DONE,
            done_by=world.office,
            done_at=when,
            rating=r,
        )
        for r in ratings
    )


def test_all_very_satisfied_with_praises_earns_both_bonuses_and_the_praises(world):
    amounts = ["100000.00", "250000.00", "33333.33"]
    orders = [order(world, amount=a) for a in amounts]
    visit(world, rating=VS, when=at(2026, 5, 3), request=orders[0], praised=[world.engineer])
    visit(world, rating=VS, when=at(2026, 5, 12), request=orders[1], praised=[world.engineer])
    visit(world, rating=VS, when=at(2026, 5, 31, 23, 59), request=orders[2])

    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY)
    # 2 praises × 5 + all very satisfied 5 + at least 80 % and none dissatisfied 10
    assert (card.praise_points, card.all_top_points, card.mostly_top_points) == (10, 5, 10)
    assert card.points == 25
    # 100 + 250 + 33.33333 → 33.33
    assert card.bonus == Decimal("383.33")
    assert (card.visits, card.very_satisfied, card.orders, card.orders_paid) == (3, 3, 3, 3)
    # The visits behind the counts and the two month-wide bonuses are on the card.
    assert card.lines.filter(kind=LineKind.VISIT).count() == 3


def test_exactly_80_percent_very_satisfied_earns_the_10_points_but_not_the_all_bonus(world):
    for rating in [VS, VS, VS, VS, S]:
        visit(world, rating=rating, when=at(2026, 5, 10), request=order(world))

    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY)
    assert (card.all_top_points, card.mostly_top_points, card.points) == (0, 10, 10)
    assert card.very_satisfied_percent == Decimal("80.0")
    assert card.bonus == Decimal("500.00")


def test_80_of_100_reaches_the_threshold_and_79_of_100_does_not(world):
    _bulk_visits(world, [VS] * 80 + [S] * 20, at(2026, 5, 10))
    _bulk_visits(world, [VS] * 79 + [S] * 21, at(2026, 6, 10))

    compute_month(actor=world.manager, month=MAY, department=world.service)
    compute_month(actor=world.manager, month=JUNE, department=world.service)

    assert card_of(world, MAY).points == 10
    june = card_of(world, JUNE)
    assert (june.visits, june.very_satisfied, june.points) == (100, 79, 0)
    assert not june.lines.filter(kind=LineKind.MOSTLY_TOP).exists()


def test_one_dissatisfied_costs_5_points_the_share_bonus_and_that_orders_bonus(world):
    bad_order = order(world)
    for _ in range(4):
        visit(world, rating=VS, when=at(2026, 5, 10), request=order(world))
    bad = visit(world, rating=D, when=at(2026, 5, 20), request=bad_order)

    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY)
    # 4 of 5 is 80 %, but one is dissatisfied: no +10; −5 for it; 4 orders of 100 paid.
    assert (card.mostly_top_points, card.dissatisfied_points, card.points) == (0, -5, -5)
    assert card.bonus == Decimal("400.00")
    assert (card.orders, card.orders_paid, card.dissatisfied) == (5, 4, 1)
    forfeited = card.lines.get(kind=LineKind.FORFEITED)
    assert (forfeited.request, forfeited.return_visit, forfeited.amount) == (
        bad_order,
        bad,
        Decimal("0.00"),
    )
    assert card.lines.get(kind=LineKind.DISSATISFIED).return_visit == bad


def test_very_dissatisfied_counts_as_dissatisfied_or_worse(world):
    visit(world, rating=VD, when=at(2026, 5, 10), request=order(world))
    visit(world, rating=D, when=at(2026, 5, 11), request=order(world))

    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY)
    assert (card.points, card.bonus, card.dissatisfied) == (-10, Decimal("0.00"), 2)


def test_an_engineer_without_return_visits_gets_an_empty_card_not_a_division_by_zero(world):
    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY)
    assert (card.visits, card.points, card.bonus) == (0, 0, Decimal("0.00"))
    assert card.very_satisfied_percent is None
    assert not card.lines.exists()


def test_a_praised_colleague_earns_the_praise_but_is_not_rated_for_work_they_did_not_do(world):
    from aftersales.testing import factories as f

    colleague = f.UserFactory(username="colleague", department=world.service, roles=["engineer"])
    visit(world, rating=VS, when=at(2026, 5, 10), request=order(world), praised=[colleague])

    compute_month(actor=world.manager, month=MAY, department=world.service)

    card = card_of(world, MAY, colleague)
    assert (card.praises, card.points, card.visits, card.bonus) == (1, 5, 0, Decimal("0.00"))
    assert card_of(world, MAY).points == 15


def test_the_unit_amount_comes_first_and_the_project_amount_when_the_unit_has_none(world):
    with_own = new_request(world, owner=world.engineer, equipment=unit(world, "120000.00"))
    by_project = new_request(
        world, owner=world.engineer, equipment=unit(world, "0", project_amount="876543.21")
    )
    visit(world, rating=S, when=at(2026, 5, 10), request=with_own)
    visit(world, rating=S, when=at(2026, 5, 10), request=by_project)

    compute_month(actor=world.manager, month=MAY, department=world.service)

    lines = card_of(world, MAY).lines.filter(kind=LineKind.BONUS).order_by("request_id")
    assert [(line.base_amount, line.amount) for line in lines] == [
        (Decimal("120000.00"), Decimal("120.00")),
        (Decimal("876543.21"), Decimal("876.54")),
    ]


def test_a_visit_recorded_just_after_midnight_in_beijing_counts_in_the_new_month(world):
    # 2026-06-01 00:30 in Shanghai is still 31 May in UTC.
    visit(world, rating=VS, when=at(2026, 6, 1, 0, 30), request=order(world))

    compute_month(actor=world.manager, month=MAY, department=world.service)
    compute_month(actor=world.manager, month=JUNE, department=world.service)

    assert card_of(world, MAY).visits == 0
    assert card_of(world, JUNE).visits == 1


def test_a_rule_version_from_july_scores_june_by_the_old_rules_and_july_by_the_new(world):
    v2 = create_rule_set(
        actor=world.admin,
        data={
            "valid_from": dt.date(2026, 7, 15),
            "praise_points": 8,
            "all_top_points": 5,
            "mostly_top_points": 10,
            "mostly_top_percent": Decimal("90"),
            "dissatisfied_points": -5,
            "bonus_rate": Decimal("0.002"),
            "note": "年中调整",
        },
    )
    assert (v2.version, v2.valid_from) == (2, dt.date(2026, 7, 1))
    created = history_for(v2).get()
    assert (created.action, created.actor, created.changes["praise_points"]) == (
        "created",
        world.admin,
        [None, 8],
    )
    for month in (6, 7):
        for rating in [VS, VS, VS, VS, S]:
            visit(
                world,
                rating=rating,
                when=at(2026, month, 10),
                request=order(world),
                praised=[world.engineer] if rating == S else [],
            )

    compute_month(actor=world.manager, month=JUNE, department=world.service)
    compute_month(actor=world.manager, month=dt.date(2026, 7, 1), department=world.service)

    june, july = card_of(world, JUNE), card_of(world, dt.date(2026, 7, 1))
    assert june.rule_set.version == 1
    assert (june.points, june.bonus) == (5 + 10, Decimal("500.00"))
    assert july.rule_set == v2
    # 80 % is below the new 90 % threshold; the praise is worth 8; the rate doubled.
    assert (july.points, july.bonus) == (8, Decimal("1000.00"))


def test_only_an_administrator_may_change_the_rules(world):
    with pytest.raises(PermissionDenied):
        create_rule_set(actor=world.director, data={"valid_from": dt.date(2027, 1, 1)})


def test_a_rule_set_with_a_bad_threshold_names_the_field(world):
    with pytest.raises(ValidationError) as caught:
        create_rule_set(
            actor=world.admin,
            data={"valid_from": dt.date(2027, 1, 1), "mostly_top_percent": Decimal("120")},
        )
    assert "mostly_top_percent" in caught.value.message_dict


def test_new_rules_cannot_start_in_a_locked_month(world):
    compute_month(actor=world.manager, month=MAY, department=world.service)
    period = card_of(world, MAY).period
    review_period(actor=world.manager, period=period, expected_version=period.version)
    lock_period(actor=world.director, period=period, expected_version=None)

    with pytest.raises(ValidationError) as caught:
        create_rule_set(actor=world.admin, data={"valid_from": dt.date(2026, 5, 1)})

    assert "valid_from" in caught.value.message_dict
    assert ScoringRuleSet.objects.count() == 1


def test_a_locked_month_does_not_move_when_a_late_return_visit_arrives(world):
    visit(world, rating=VS, when=at(2026, 5, 10), request=order(world))
    compute_month(actor=world.manager, month=MAY, department=world.service)
    period = card_of(world, MAY).period
    review_period(actor=world.manager, period=period, expected_version=period.version)
    lock_period(actor=world.director, period=period, expected_version=None)
    before = card_of(world, MAY)

    # The office reaches the customer of a May order only on 2 June.
    visit(world, rating=D, when=at(2026, 6, 2), request=order(world))
    with pytest.raises(Conflict):
        compute_month(actor=world.manager, month=MAY, department=world.service)
    compute_month(actor=world.director, month=MAY)  # every department: the locked one skipped
    compute_month(actor=world.manager, month=JUNE, department=world.service)

    after = card_of(world, MAY)
    assert (after.pk, after.points, after.bonus) == (before.pk, 15, Decimal("100.00"))
    assert after.period.status == PeriodStatus.LOCKED
    june = card_of(world, JUNE)
    assert (june.visits, june.points, june.bonus) == (1, -5, Decimal("0.00"))


def test_an_order_visited_again_after_a_reopen_is_paid_once(world):
    request = order(world)
    visit(world, rating=S, when=at(2026, 5, 10), request=request)
    visit(world, rating=VS, when=at(2026, 6, 10), request=request, round=1)

    compute_month(actor=world.manager, month=MAY, department=world.service)
    compute_month(actor=world.manager, month=JUNE, department=world.service)

    assert card_of(world, MAY).bonus == Decimal("100.00")
    assert card_of(world, JUNE).bonus == Decimal("0.00")
    assert card_of(world, JUNE).points == 15


def test_recomputing_a_reviewed_month_makes_it_a_draft_again_with_history(world):
    visit(world, rating=VS, when=at(2026, 5, 10), request=order(world))
    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)
    period = review_period(actor=world.manager, period=period, expected_version=period.version)
    visit(world, rating=S, when=at(2026, 5, 11), request=order(world))

    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)

    assert period.status == PeriodStatus.DRAFT
    # 1 of 2 very satisfied: 50 %, no longer any bonus points.
    assert card_of(world, MAY).points == 0
    actions = [h.action for h in history_for(period).order_by("id")]
    assert actions == ["computed", "reviewed", "computed"]


def test_locking_is_recorded_and_a_draft_cannot_be_locked(world):
    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)
    with pytest.raises(Conflict):
        lock_period(actor=world.director, period=period, expected_version=None)
    period = review_period(actor=world.manager, period=period, expected_version=None)
    period = lock_period(actor=world.director, period=period, expected_version=period.version)
    entry = history_for(period).first()
    assert entry is not None
    assert (entry.action, entry.actor, entry.changes["status"]) == (
        "locked",
        world.director,
        ["reviewed", "locked"],
    )


def test_a_stale_version_changes_nothing(world):
    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)
    with pytest.raises(Conflict):
        review_period(actor=world.manager, period=period, expected_version=period.version + 1)


def test_the_outsider_manager_cannot_review_or_compute_the_service_department(world):
    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)
    with pytest.raises(PermissionDenied):
        review_period(actor=world.outsider_manager, period=period, expected_version=None)
    with pytest.raises(PermissionDenied):
        compute_month(actor=world.outsider_manager, month=MAY, department=world.service)


def test_an_engineer_cannot_compute_and_a_manager_cannot_lock(world):
    [period] = compute_month(actor=world.manager, month=MAY, department=world.service)
    review_period(actor=world.manager, period=period, expected_version=None)
    with pytest.raises(PermissionDenied):
        compute_month(actor=world.engineer, month=MAY)
    with pytest.raises(PermissionDenied):
        lock_period(actor=world.manager, period=period, expected_version=None)


def test_the_system_computes_every_department_with_engineers(world):
    visit(world, rating=VS, when=at(2026, 5, 10), engineer=world.outsider_engineer)

    periods = compute_month(actor=None, month=MAY)

    assert {p.department for p in periods} == {world.service, world.technical}
    assert card_of(world, MAY, world.outsider_engineer).points == 15
