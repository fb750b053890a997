"""The scoring rules of the source documents as a pure function over one engineer's month.

Each rule applies on its own and they add up (all very satisfied earns both bonuses):
+praise points per praise; +all-top points when every return visit is very satisfied;
+mostly-top points when at least the threshold share (inclusive) is very satisfied and none
is dissatisfied or worse; dissatisfied points (negative) per visit rated dissatisfied or
worse. The bonus pays each order the rate of its project amount, to the cent, except an
order with a return visit rated dissatisfied or worse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from aftersales.feedback.choices import DISSATISFIED_OR_WORSE, Rating
from aftersales.kpi.choices import LineKind

CENT = Decimal("0.01")


class Rules(Protocol):
    """What scoring needs of a rule set (a ScoringRuleSet row or a test double)."""

    praise_points: int
    all_top_points: int
    mostly_top_points: int
    mostly_top_percent: Decimal
    dissatisfied_points: int
    bonus_rate: Decimal


@dataclass(frozen=True)
class VisitFact:
    """One return visit as scoring sees it."""

    visit_id: int
    request_id: int | None
    rating: int
    done_by_engineer: bool  # the engineer did the work (their visit counts for the rates)
    praised: bool  # the engineer was praised in it


@dataclass(frozen=True)
class Line:
    """A rule hit or an order, with the visit and request behind it."""

    kind: str
    points: int = 0
    amount: Decimal | None = None
    base_amount: Decimal | None = None
    visit_id: int | None = None
    request_id: int | None = None


@dataclass
class Score:
    """The numbers of one scorecard and the lines behind them."""

    visits: int = 0
    very_satisfied: int = 0
    dissatisfied: int = 0
    praises: int = 0
    praise_points: int = 0
    all_top_points: int = 0
    mostly_top_points: int = 0
    dissatisfied_points: int = 0
    orders: int = 0
    orders_paid: int = 0
    bonus: Decimal = Decimal("0.00")
    lines: list[Line] = field(default_factory=list)

    @property
    def points(self) -> int:
        """The month's points: the rules add up."""
        return (
            self.praise_points
            + self.all_top_points
            + self.mostly_top_points
            + self.dissatisfied_points
        )


def order_bonus(rate: Decimal, amount: Decimal) -> Decimal:
    """One order's bonus: the rate of its project amount, rounded half up to the cent."""
    return (rate * amount).quantize(CENT, rounding=ROUND_HALF_UP)


def score_month(
    rules: Rules,
    facts: list[VisitFact],
    amounts: dict[int, Decimal],
    *,
    paid_before: frozenset[int] = frozenset(),
) -> Score:
    """Score one engineer's month from the return visits recorded in it.

    ``amounts`` maps each request to its maintenance project amount; ``paid_before`` are
    requests already paid on an earlier card (a reopened order is paid once).
    """
    score = Score()
    own = [f for f in facts if f.done_by_engineer]
    for fact in facts:
        if fact.praised:
            score.praises += 1
            score.praise_points += rules.praise_points
            score.lines.append(
                Line(
                    LineKind.PRAISE,
                    points=rules.praise_points,
                    visit_id=fact.visit_id,
                    request_id=fact.request_id,
                )
            )
    for fact in own:
        score.lines.append(Line(LineKind.VISIT, visit_id=fact.visit_id, request_id=fact.request_id))
    score.visits = len(own)
    score.very_satisfied = sum(1 for f in own if f.rating == Rating.VERY_SATISFIED)
    bad = [f for f in own if f.rating in DISSATISFIED_OR_WORSE]
    score.dissatisfied = len(bad)
    if score.visits and score.very_satisfied == score.visits:
        score.all_top_points = rules.all_top_points
        score.lines.append(Line(LineKind.ALL_TOP, points=rules.all_top_points))
    # Integer comparison: 4 of 5 is exactly 80 %, with no float rounding at the threshold.
    if (
        score.visits
        and not bad
        and Decimal(score.very_satisfied) * 100 >= rules.mostly_top_percent * score.visits
    ):
        score.mostly_top_points = rules.mostly_top_points
        score.lines.append(Line(LineKind.MOSTLY_TOP, points=rules.mostly_top_points))
    for fact in bad:
        score.dissatisfied_points += rules.dissatisfied_points
        score.lines.append(
            Line(
                LineKind.DISSATISFIED,
                points=rules.dissatisfied_points,
                visit_id=fact.visit_id,
                request_id=fact.request_id,
            )
        )
    _bonus(score, rules, own, amounts, paid_before)
    return score


def _bonus(
    score: Score,
    rules: Rules,
    own: list[VisitFact],
    amounts: dict[int, Decimal],
    paid_before: frozenset[int],
) -> None:
    orders: dict[int, list[VisitFact]] = {}
    for fact in own:
        if fact.request_id is not None and fact.request_id not in paid_before:
            orders.setdefault(fact.request_id, []).append(fact)
    total = Decimal("0.00")
    for request_id, visits in sorted(orders.items()):
        base = amounts.get(request_id, Decimal("0.00"))
        worst = min(visits, key=lambda f: f.rating)
        if worst.rating in DISSATISFIED_OR_WORSE:
            score.lines.append(
                Line(
                    LineKind.FORFEITED,
                    amount=Decimal("0.00"),
                    base_amount=base,
                    visit_id=worst.visit_id,
                    request_id=request_id,
                )
            )
            continue
        amount = order_bonus(rules.bonus_rate, base)
        total += amount
        score.orders_paid += 1
        score.lines.append(
            Line(
                LineKind.BONUS,
                amount=amount,
                base_amount=base,
                visit_id=visits[-1].visit_id,
                request_id=request_id,
            )
        )
    score.orders = len(orders)
    score.bonus = total
