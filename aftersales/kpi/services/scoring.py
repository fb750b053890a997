"""Computing, reviewing and locking the engineers' monthly scorecards."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department, User
from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record
from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.kpi import rules
from aftersales.kpi.choices import PERIOD_TRANSITIONS, LineKind, PeriodStatus
from aftersales.kpi.models import Scorecard, ScoreLine, ScorePeriod, ScoringRuleSet
from aftersales.kpi.querysets import managed_department_ids
from aftersales.kpi.services.months import bounds, first_of
from aftersales.kpi.services.rulesets import rule_set_for
from aftersales.service.models import ServiceRequest

CARD_FIELDS = (
    "visits",
    "very_satisfied",
    "dissatisfied",
    "praises",
    "praise_points",
    "all_top_points",
    "mostly_top_points",
    "dissatisfied_points",
    "orders",
    "orders_paid",
    "bonus",
)


def project_amount(unit_amount: Decimal | None, project_amount: Decimal | None) -> Decimal:
    """The maintenance project amount of an order: the unit's own contract amount when it
    has one (a unit sold on its own), else its project's; an order without a unit has none."""
    if unit_amount:
        return unit_amount
    return project_amount or Decimal("0.00")


def _may_oversee(actor: Any, department_id: int) -> bool:
    managed = managed_department_ids(actor)
    return managed is None or department_id in managed


def _require(actor: Any, perm: str, department_id: int) -> None:
    # actor None is the monthly task: the system computes drafts for everyone.
    if actor is None:
        return
    if not actor.has_perm(perm) or not _may_oversee(actor, department_id):
        raise PermissionDenied(_("You do not have permission to do this."))


class _MonthData:
    """Everything one month's scoring reads, loaded in a fixed number of queries."""

    def __init__(self, month: dt.date, department_ids: set[int] | None) -> None:
        start, end = bounds(month)
        visits = ReturnVisit.objects.filter(
            status=ReturnVisitStatus.DONE, done_at__gte=start, done_at__lt=end
        )
        rows = list(visits.values("id", "request_id", "rating", "engineer_id"))
        praised = ReturnVisit.praised.through.objects.filter(
            returnvisit__status=ReturnVisitStatus.DONE,
            returnvisit__done_at__gte=start,
            returnvisit__done_at__lt=end,
        ).values_list("returnvisit_id", "user_id")
        self.praised: dict[int, set[int]] = defaultdict(set)
        for visit_id, user_id in praised:
            self.praised[visit_id].add(user_id)
        self.visits = rows
        people = {r["engineer_id"] for r in rows if r["engineer_id"]}
        people |= {u for users in self.praised.values() for u in users}
        engineers = User.objects.filter(
            Q(pk__in=people) | Q(is_active=True, groups__name=Role.ENGINEER),
            department__isnull=False,
        )
        if department_ids is not None:
            engineers = engineers.filter(department_id__in=department_ids)
        self.department_of = dict(engineers.distinct().values_list("id", "department_id"))
        request_ids = {r["request_id"] for r in rows if r["request_id"]}
        self.amounts = {
            r["id"]: project_amount(
                r["equipment__contract_amount"], r["equipment__project__contract_amount"]
            )
            for r in ServiceRequest.objects.filter(pk__in=request_ids).values(
                "id", "equipment__contract_amount", "equipment__project__contract_amount"
            )
        }
        self.paid_before: dict[int, set[int]] = defaultdict(set)
        for engineer_id, request_id in ScoreLine.objects.filter(
            kind=LineKind.BONUS, request_id__in=request_ids, card__month__lt=first_of(month)
        ).values_list("card__engineer_id", "request_id"):
            self.paid_before[engineer_id].add(request_id)

    def facts(self, engineer_id: int) -> list[rules.VisitFact]:
        """The month's visits that concern ``engineer_id``: their work or a praise."""
        found = []
        for row in self.visits:
            mine = row["engineer_id"] == engineer_id
            praised = engineer_id in self.praised.get(row["id"], ())
            if mine or praised:
                found.append(
                    rules.VisitFact(
                        visit_id=row["id"],
                        request_id=row["request_id"],
                        rating=row["rating"] or 0,  # never None: a done visit is rated
                        done_by_engineer=mine,
                        praised=praised,
                    )
                )
        return found


def compute_month(
    *, actor: Any, month: dt.date, department: Department | None = None
) -> list[ScorePeriod]:
    """Compute (or recompute) the draft scorecards of ``month``, for one department or for
    every department the actor oversees that has engineers; locked months are left alone."""
    month = first_of(month)
    if department is not None:
        _require(actor, "kpi.compute_scoreperiod", department.pk)
        wanted: set[int] | None = {department.pk}
    elif actor is None:
        wanted = None
    else:
        if not actor.has_perm("kpi.compute_scoreperiod"):
            raise PermissionDenied(_("You do not have permission to do this."))
        managed = managed_department_ids(actor)
        wanted = None if managed is None else set(managed)
    with transaction.atomic():
        rule_set = rule_set_for(month)
        data = _MonthData(month, wanted)
        by_department: dict[int, list[int]] = defaultdict(list)
        for engineer_id, department_id in sorted(data.department_of.items()):
            by_department[department_id].append(engineer_id)
        if department is not None:
            by_department.setdefault(department.pk, [])
        periods = []
        for department_id, engineer_ids in sorted(by_department.items()):
            period = _compute_period(
                actor=actor,
                month=month,
                department_id=department_id,
                engineer_ids=engineer_ids,
                rule_set=rule_set,
                data=data,
                explicit=department is not None,
            )
            if period is not None:
                periods.append(period)
    return periods


def _compute_period(
    *,
    actor: Any,
    month: dt.date,
    department_id: int,
    engineer_ids: list[int],
    rule_set: ScoringRuleSet,
    data: _MonthData,
    explicit: bool,
) -> ScorePeriod | None:
    now = clock.now()
    period = (
        ScorePeriod.objects.select_for_update()
        .filter(department_id=department_id, month=month)
        .first()
    )
    if period is not None and period.status == PeriodStatus.LOCKED:
        if explicit:
            raise Conflict(
                _("%(month)s is locked; its scorecards never change.")
                % {"month": f"{month:%Y-%m}"},
                code="locked",
            )
        return None
    actor_obj = actor if getattr(actor, "pk", None) else None
    if period is None:
        period = ScorePeriod.objects.create(
            department_id=department_id,
            month=month,
            rule_set=rule_set,
            computed_at=now,
            computed_by=actor_obj,
        )
        old_status = None
    else:
        old_status = period.status
        period.cards.all().delete()
        period.status = PeriodStatus.DRAFT
        period.rule_set = rule_set
        period.computed_at = now
        period.computed_by = actor_obj
        period.reviewed_at = None
        period.reviewed_by = None
        period.version += 1
        period.save(
            update_fields=[
                "status",
                "rule_set",
                "computed_at",
                "computed_by",
                "reviewed_at",
                "reviewed_by",
                "version",
            ]
        )
    totals = _write_cards(period, engineer_ids, rule_set, data)
    record(
        actor=actor,
        action="computed",
        obj=period,
        changes={
            "status": [old_status, PeriodStatus.DRAFT],
            "rule_set": [None, rule_set.version],
            "cards": [None, totals["cards"]],
            "points": [None, totals["points"]],
            "bonus": [None, totals["bonus"]],
        },
    )
    return period


def _write_cards(
    period: ScorePeriod, engineer_ids: list[int], rule_set: ScoringRuleSet, data: _MonthData
) -> dict[str, Any]:
    cards: list[Scorecard] = []
    scores: list[rules.Score] = []
    for engineer_id in engineer_ids:
        score = rules.score_month(
            rule_set,
            data.facts(engineer_id),
            data.amounts,
            paid_before=frozenset(data.paid_before.get(engineer_id, ())),
        )
        scores.append(score)
        cards.append(
            Scorecard(
                period=period,
                engineer_id=engineer_id,
                month=period.month,
                rule_set=rule_set,
                points=score.points,
                **{name: getattr(score, name) for name in CARD_FIELDS},
            )
        )
    Scorecard.objects.bulk_create(cards)
    lines = [
        ScoreLine(
            card=card,
            kind=line.kind,
            points=line.points,
            amount=line.amount,
            base_amount=line.base_amount,
            return_visit_id=line.visit_id,
            request_id=line.request_id,
        )
        for card, score in zip(cards, scores, strict=True)
        for line in score.lines
    ]
    ScoreLine.objects.bulk_create(lines)
    return {
        "cards": len(cards),
        "points": sum(s.points for s in scores),
        "bonus": sum((s.bonus for s in scores), Decimal("0.00")),
    }


def _move(
    *, actor: Any, period: ScorePeriod, expected_version: int | None, target: str, perm: str
) -> ScorePeriod:
    if actor is None:
        raise PermissionDenied(_("You do not have permission to do this."))
    with transaction.atomic():
        current = ScorePeriod.objects.select_for_update().get(pk=period.pk)
        if expected_version is not None and current.version != expected_version:
            raise Conflict(
                _("Someone else changed this month in the meantime. Reload and try again."),
                code="stale_version",
            )
        _require(actor, perm, current.department_id)
        if target not in PERIOD_TRANSITIONS[current.status]:
            raise Conflict(
                _("This month is %(status)s and cannot be %(target)s.")
                % {
                    "status": current.get_status_display(),
                    "target": PeriodStatus(target).label,
                },
                code="invalid_transition",
            )
        old = current.status
        now = clock.now()
        current.status = target
        current.version += 1
        fields = ["status", "version"]
        if target == PeriodStatus.REVIEWED:
            current.reviewed_at, current.reviewed_by = now, actor
            fields += ["reviewed_at", "reviewed_by"]
        elif target == PeriodStatus.LOCKED:
            current.locked_at, current.locked_by = now, actor
            fields += ["locked_at", "locked_by"]
        current.save(update_fields=fields)
        record(
            actor=actor,
            action=str(target),
            obj=current,
            changes={"status": [old, target]},
        )
    return current


def review_period(*, actor: Any, period: ScorePeriod, expected_version: int | None) -> ScorePeriod:
    """The department manager has checked the draft cards of the month."""
    return _move(
        actor=actor,
        period=period,
        expected_version=expected_version,
        target=PeriodStatus.REVIEWED,
        perm="kpi.review_scoreperiod",
    )


def lock_period(*, actor: Any, period: ScorePeriod, expected_version: int | None) -> ScorePeriod:
    """Lock a reviewed month: its cards and bonuses never change again."""
    return _move(
        actor=actor,
        period=period,
        expected_version=expected_version,
        target=PeriodStatus.LOCKED,
        perm="kpi.lock_scoreperiod",
    )


def parse_month(raw: str, *, field: str = "month") -> dt.date:
    """A month typed as YYYY-MM, or a field-named error."""
    try:
        return dt.datetime.strptime(raw.strip(), "%Y-%m").date()
    except ValueError as exc:
        raise ValidationError({field: _("Give the month as YYYY-MM.")}) from exc
