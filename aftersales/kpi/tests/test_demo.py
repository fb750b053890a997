"""The demo module scores three months and locks the older two (on a small stand-in of the
demo world: the whole demo is loaded by core's test_load_demo, which runs this module too)."""

from __future__ import annotations

import datetime as dt
import random
from types import SimpleNamespace

import pytest

from aftersales.accounts.choices import Role
from aftersales.core import clock
from aftersales.core.dates import add_months
from aftersales.demo.build import DEMO_EXTENSIONS
from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.kpi import demo
from aftersales.kpi.choices import PeriodStatus
from aftersales.kpi.models import Scorecard, ScorePeriod
from aftersales.kpi.tests.helpers import at, order
from aftersales.service.models import ServiceRequest
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _stand_in(world: World) -> SimpleNamespace:
    people = {
        Role.OFFICE: [world.office],
        Role.ENGINEER: [world.engineer, world.outsider_engineer],
        Role.SERVICE_DIRECTOR: [world.director],
    }
    requests = []
    for months_back in (3, 2, 1):
        for day in (3, 12, 21):
            month = add_months(dt.date(2026, 12, 1), -months_back)
            request = order(world)
            ServiceRequest.objects.filter(pk=request.pk).update(
                resolved_at=at(month.year, month.month, day)
            )
            request.refresh_from_db()
            requests.append(request)
    return SimpleNamespace(
        organisation=SimpleNamespace(with_role=lambda role: people.get(role, [])),
        service_requests=requests,
    )


def test_the_demo_scores_three_months_and_locks_the_older_two(world):
    assert "aftersales.kpi.demo" in DEMO_EXTENSIONS
    stand_in = _stand_in(world)

    with clock.at(at(2026, 12, 3)):
        demo.build(stand_in, random.Random(7))

    assert ReturnVisit.objects.filter(status=ReturnVisitStatus.DONE).count() == 9
    months = sorted(set(ScorePeriod.objects.values_list("month", flat=True)))
    assert months == [dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    statuses = {
        m: set(ScorePeriod.objects.filter(month=m).values_list("status", flat=True)) for m in months
    }
    assert statuses[months[0]] == statuses[months[1]] == {PeriodStatus.LOCKED}
    assert statuses[months[2]] == {PeriodStatus.DRAFT}
    assert Scorecard.objects.filter(engineer=world.engineer, bonus__gt=0).count() == 3
