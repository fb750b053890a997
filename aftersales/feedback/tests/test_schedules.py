"""Periodic visits to key accounts: schedules create visit tasks, idempotently."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.core.exceptions import PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.customers.choices import Tier
from aftersales.feedback.choices import ContactMethod, Rating, ReturnVisitKind, ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit, VisitSchedule
from aftersales.feedback.services import returnvisits as rv
from aftersales.feedback.tasks import periodic_visits
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _schedule(world: World, due: dt.date) -> VisitSchedule:
    world.acme.tier = Tier.KEY
    world.acme.save()
    return rv.save_schedule(
        actor=world.office, company=world.acme, interval_months=3, next_due_on=due
    )


def test_a_due_schedule_creates_one_visit_and_moves_on_a_quarter(world: World) -> None:
    schedule = _schedule(world, dt.date(2026, 1, 15))
    assert rv.create_periodic_visits(on=dt.date(2026, 1, 20)) == 1
    visit = ReturnVisit.objects.get(schedule=schedule)
    assert visit.kind == ReturnVisitKind.PERIODIC
    assert visit.request is None
    assert visit.due_on == dt.date(2026, 1, 15)
    assert visit.department == world.service
    schedule.refresh_from_db()
    assert schedule.next_due_on == dt.date(2026, 4, 15)
    assert "schedule_advanced" in [h.action for h in history_for(schedule)]


def test_running_twice_creates_nothing_more(world: World) -> None:
    _schedule(world, dt.date(2026, 1, 15))
    rv.create_periodic_visits(on=dt.date(2026, 1, 20))
    assert rv.create_periodic_visits(on=dt.date(2026, 1, 20)) == 0
    assert ReturnVisit.objects.count() == 1


def test_a_schedule_not_yet_due_or_inactive_creates_nothing(world: World) -> None:
    schedule = _schedule(world, dt.date(2026, 5, 1))
    assert rv.create_periodic_visits(on=dt.date(2026, 4, 30)) == 0
    rv.save_schedule(
        actor=world.office,
        company=world.acme,
        interval_months=3,
        next_due_on=dt.date(2026, 4, 1),
        is_active=False,
        expected_version=schedule.version,
    )
    assert rv.create_periodic_visits(on=dt.date(2026, 4, 30)) == 0


def test_the_periodic_task_calls_the_sweep(world: World) -> None:
    _schedule(world, dt.date(2000, 1, 1))
    periodic_visits.call_local()
    assert ReturnVisit.objects.filter(kind=ReturnVisitKind.PERIODIC).count() == 1


def test_a_periodic_visit_is_recorded_like_any_other(world: World) -> None:
    _schedule(world, dt.date(2026, 1, 15))
    rv.create_periodic_visits(on=dt.date(2026, 1, 20))
    visit = ReturnVisit.objects.get()
    visit = rv.record_return_visit(
        actor=world.office,
        visit=visit,
        expected_version=visit.version,
        method=ContactMethod.IN_PERSON,
        rating=Rating.VERY_SATISFIED,
        comments="设备运行良好，客户希望安排培训。",
    )
    assert visit.status == ReturnVisitStatus.DONE


def test_a_bad_interval_names_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        rv.save_schedule(
            actor=world.office, company=world.acme, interval_months=5, next_due_on=None
        )
    assert set(exc.value.message_dict) == {"interval_months", "next_due_on"}


def test_an_engineer_cannot_set_schedules(world: World) -> None:
    with pytest.raises(PermissionDenied):
        rv.save_schedule(
            actor=world.engineer,
            company=world.acme,
            interval_months=3,
            next_due_on=dt.date(2026, 1, 1),
        )
    assert not VisitSchedule.objects.visible_to(world.acme_portal).exists()
