"""Visits: the appointment, check-in (which meets the arrival clock), check-out, follow-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.customers.choices import Tier
from aftersales.field.choices import VisitStatus
from aftersales.field.models.visits import Visit
from aftersales.field.services import visits
from aftersales.service.choices import Status
from aftersales.service.tests.conftest import at
from aftersales.sla.choices import ClockState, TargetKind
from aftersales.sla.models import Clock
from aftersales.testing.requests import new_request
from aftersales.testing.trips import dispatch_by_plan
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _visit(world: World, request, start: dt.datetime | None = None) -> Visit:
    start = start or at("2026-04-07 10:00")
    return visits.schedule_visit(
        actor=world.manager,
        request=request,
        engineers=[world.engineer],
        window_start=start,
        window_end=start + dt.timedelta(hours=2),
        note="客户约定上午十点",
    )


def test_check_in_reports_arrival_and_meets_the_on_site_clock(world: World) -> None:
    world.acme.tier = Tier.KEY
    world.acme.save()
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = dispatch_by_plan(world, new_request(world, owner=world.engineer))
        visit = _visit(world, request)
    assert Clock.objects.get(request=request, kind=TargetKind.ARRIVAL).met_at is None
    with time_machine.travel(at("2026-04-07 10:30"), tick=False):
        visit = visits.check_in(
            actor=world.engineer,
            visit=visit,
            expected_version=visit.version,
            lat=Decimal("31.490000"),
            lng=Decimal("120.310000"),
            note="已到现场",
        )
    request.refresh_from_db()
    arrival = Clock.objects.get(request=request, kind=TargetKind.ARRIVAL)
    assert request.status == Status.ON_SITE and request.on_site_at == at("2026-04-07 10:30")
    assert arrival.met_at == at("2026-04-07 10:30")
    assert arrival.state(at("2026-04-07 11:00")) == ClockState.MET
    assert visit.status == VisitStatus.ON_SITE and visit.arrival_lat == Decimal("31.490000")
    assert history_for(visit).filter(action="check_in").exists()
    assert history_for(request).filter(action="visit_check_in").exists()


def test_an_engineer_who_does_not_own_the_request_checks_in_for_the_owner(world: World) -> None:
    request = dispatch_by_plan(world, new_request(world, owner=world.manager))
    visit = _visit(world, request, start=dt.datetime.now(dt.UTC))
    visits.check_in(actor=world.engineer, visit=visit, expected_version=visit.version)
    request.refresh_from_db()
    assert request.status == Status.ON_SITE


def test_check_in_before_the_plan_is_approved_is_refused(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    visit = _visit(world, request)
    with pytest.raises(Conflict) as err:
        visits.check_in(actor=world.engineer, visit=visit, expected_version=visit.version)
    assert err.value.code == "not_dispatched"


def test_unfinished_work_gets_a_follow_up_visit_with_the_same_engineers(world: World) -> None:
    request = dispatch_by_plan(world, new_request(world, owner=world.engineer))
    visit = _visit(world, request, start=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    visit = visits.check_in(actor=world.engineer, visit=visit, expected_version=visit.version)
    with pytest.raises(ValidationError) as err:
        visits.check_out(
            actor=world.engineer, visit=visit, expected_version=visit.version, finished=False
        )
    assert "note" in err.value.message_dict
    visit = visits.check_out(
        actor=world.engineer,
        visit=visit,
        expected_version=visit.version,
        finished=False,
        note="缺密封件，明天再来",
    )
    assert visit.status == VisitStatus.UNFINISHED and visit.left_at
    follow = visit.follow_ups.get()
    assert follow.status == VisitStatus.PLANNED
    assert follow.window_start == visit.window_start + dt.timedelta(days=1)
    assert list(follow.engineers.all()) == [world.engineer]
    # A second visit to a request already on site checks in without a new arrival.
    follow = visits.check_in(actor=world.engineer, visit=follow, expected_version=follow.version)
    follow = visits.check_out(
        actor=world.engineer, visit=follow, expected_version=follow.version, finished=True
    )
    assert follow.status == VisitStatus.DONE
    assert request.visits.count() == 2


def test_bad_positions_and_windows_name_the_field(world: World) -> None:
    request = dispatch_by_plan(world, new_request(world, owner=world.engineer))
    start = at("2026-04-07 10:00")
    with pytest.raises(ValidationError) as err:
        visits.schedule_visit(
            actor=world.manager,
            request=request,
            engineers=[world.engineer],
            window_start=start,
            window_end=start,
        )
    assert "window_end" in err.value.message_dict
    visit = _visit(world, request)
    with pytest.raises(ValidationError) as err:
        visits.check_in(
            actor=world.engineer,
            visit=visit,
            expected_version=visit.version,
            lat=Decimal("95"),
            lng=Decimal("120"),
        )
    assert "arrival_lat" in err.value.message_dict


def test_only_the_visits_engineers_check_in(world: World) -> None:
    request = dispatch_by_plan(world, new_request(world, owner=world.engineer))
    visit = _visit(world, request)
    for outsider in [world.outsider_engineer, world.agent]:
        with pytest.raises(PermissionDenied):
            visits.check_in(actor=outsider, visit=visit, expected_version=visit.version)


def test_portal_users_and_outsiders_see_no_visits(world: World) -> None:
    request = dispatch_by_plan(world, new_request(world, owner=world.engineer))
    _visit(world, request)
    assert not Visit.objects.visible_to(world.acme_portal).exists()
    assert not Visit.objects.visible_to(world.outsider_engineer).exists()
    assert Visit.objects.visible_to(world.engineer).count() == 1
