"""Dispatch help ranks engineers: certified for the product line, free before the on-site
deadline, least busy; the deadline shows beside each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.choices import Tier
from aftersales.field.models.trips import EngineerSkill
from aftersales.field.services import visits
from aftersales.field.services.dispatch_help import suggest_engineers
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.trips import approve_all, plan_trip
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def test_engineers_rank_by_certification_then_workload_with_the_deadline(world: World) -> None:
    world.acme.tier = Tier.KEY
    world.acme.save()
    busy: Any = f.UserFactory(username="busy", department=world.service, roles=[Role.ENGINEER])
    free: Any = f.UserFactory(username="free", department=world.service, roles=[Role.ENGINEER])
    idle: Any = f.UserFactory(username="idle", department=world.service, roles=[Role.ENGINEER])
    unit = f.EquipmentFactory(company=world.acme, product_model=world.model)
    today = dt.date.today()
    for engineer in [busy, free]:
        EngineerSkill.objects.create(
            engineer=engineer, product_line=world.line, certified_since=today
        )
    EngineerSkill.objects.create(
        engineer=world.engineer,
        product_line=world.line,
        certified_since=today - dt.timedelta(days=400),
        certified_until=today - dt.timedelta(days=1),  # expired: not certified
    )
    # An outsider certified for the line is suggested too.
    EngineerSkill.objects.create(
        engineer=world.outsider_engineer, product_line=world.line, certified_since=today
    )
    start = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
    other = new_request(world, owner=world.engineer)
    approve_all(world, plan_trip(world, other, engineers=[busy], departure_at=start))
    request = new_request(world, owner=world.engineer, equipment=unit)
    ranked = suggest_engineers(request=request, start=start, end=start + dt.timedelta(hours=6))
    names = [s.engineer.username for s in ranked]
    assert names[:3] == ["free", "outsider_engineer", "busy"] or names[:3] == [
        "outsider_engineer",
        "free",
        "busy",
    ]
    assert (
        idle.username in names
        and names.index("busy") < names.index("idle")
        and names.index("busy") < names.index("engineer")
    )
    by_name = {s.engineer.username: s for s in ranked}
    assert by_name["busy"].workload == 1 and by_name["free"].workload == 0
    assert not by_name["engineer"].certified and by_name["free"].certified
    due = Clock.objects.get(request=request, kind=TargetKind.ARRIVAL).due_at
    assert due is not None and all(s.deadline == due for s in ranked)
    assert by_name["busy"].busy_before_deadline and not by_name["free"].busy_before_deadline


def test_visits_count_as_workload(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    visits.schedule_visit(
        actor=world.manager,
        request=request,
        engineers=[world.engineer],
        window_start=start,
        window_end=start + dt.timedelta(hours=1),
    )
    ranked = suggest_engineers(request=request, start=start, end=start + dt.timedelta(hours=3))
    assert {s.engineer.username: s.workload for s in ranked}["engineer"] == 1
    outsiders = [s for s in ranked if s.engineer == world.outsider_engineer]
    assert outsiders == []  # another department's engineer without certification
