"""Demo data of the performance app: return visits for the engineers' resolved requests
(where the feedback demo left none), three months of scorecards — the older two reviewed
and locked, last month a draft for the managers to review."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core import clock
from aftersales.core.dates import add_months
from aftersales.feedback.choices import ContactMethod, Rating, ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.kpi.models import ScoringRuleSet
from aftersales.kpi.services.months import previous_month
from aftersales.kpi.services.scoring import compute_month, lock_period, review_period

# Most customers are pleased; a few are not (the rules need both to show anything).
RATINGS = (
    (Rating.VERY_SATISFIED, 58),
    (Rating.SATISFIED, 27),
    (Rating.NEUTRAL, 8),
    (Rating.DISSATISFIED, 5),
    (Rating.VERY_DISSATISFIED, 2),
)
COMMENTS: dict[int, str] = {
    Rating.VERY_SATISFIED: "工程师到场及时，问题一次解决，非常满意。 / On time, fixed at once.",
    Rating.SATISFIED: "处理结果满意，希望备件到货再快一些。 / Good result; parts could be faster.",
    Rating.NEUTRAL: "问题已解决，但沟通不够主动。 / Solved, but we had to chase for updates.",
    Rating.DISSATISFIED: "维修拖延两次上门，影响生产。 / Two visits and a delay hurt production.",
    Rating.VERY_DISSATISFIED: "故障反复出现，对服务很不满意。 / The fault keeps coming back.",
}


def _office_clerk(org: Any) -> Any:
    clerks = [u for u in org.with_role(Role.OFFICE) if not u.managed_departments.exists()]
    return clerks[0] if clerks else org.with_role(Role.OFFICE)[0]


def _return_visits(world: Any, rng: random.Random, now: dt.datetime) -> int:
    org = world.organisation
    clerk = _office_clerk(org)
    engineers = {u.pk for u in org.with_role(Role.ENGINEER)}
    visited = set(ReturnVisit.objects.values_list("request_id", flat=True))
    ratings, weights = zip(*RATINGS, strict=True)
    made = 0
    for request in world.service_requests:
        if request.resolved_at is None or request.owner_id not in engineers:
            continue
        if request.pk in visited:
            continue
        done_at = request.resolved_at + dt.timedelta(
            days=rng.randint(1, 4), hours=rng.randint(0, 5), minutes=rng.randint(0, 59)
        )
        due_on = timezone.localtime(request.resolved_at).date() + dt.timedelta(days=3)
        if done_at >= now:
            ReturnVisit.objects.create(
                request=request,
                company_id=request.company_id,
                engineer_id=request.owner_id,
                due_on=due_on,
            )
            continue
        rating = rng.choices(ratings, weights=weights)[0]
        visit = ReturnVisit.objects.create(
            request=request,
            company_id=request.company_id,
            engineer_id=request.owner_id,
            due_on=due_on,
            status=ReturnVisitStatus.DONE,
            method=rng.choice([ContactMethod.PHONE, ContactMethod.PHONE, ContactMethod.EMAIL]),
            done_by=clerk,
            done_at=done_at,
            rating=rating,
            solved=rating >= Rating.NEUTRAL,
            comments=COMMENTS[rating],
        )
        if rating == Rating.VERY_SATISFIED and rng.random() < 0.3:
            visit.praised.add(request.owner_id)
        made += 1
    return made


def build(world: Any, rng: random.Random) -> None:
    """Return visits, then scorecards for the last three months (two locked)."""
    org = world.organisation
    if not ScoringRuleSet.objects.exists():
        ScoringRuleSet.objects.create(version=1, valid_from=dt.date(2000, 1, 1))
    now = clock.now()
    _return_visits(world, rng, now)
    director = org.with_role(Role.SERVICE_DIRECTOR)[0]
    last = previous_month(timezone.localtime(now).date())
    for offset in (2, 1, 0):
        month = add_months(last, -offset)
        periods = compute_month(actor=director, month=month)
        if offset == 0:
            continue
        for period in periods:
            manager = period.department.manager or director
            period = review_period(actor=manager, period=period, expected_version=None)
            lock_period(actor=director, period=period, expected_version=None)
