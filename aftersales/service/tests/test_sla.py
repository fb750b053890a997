"""SLA on requests: policy choice, stored due times, pauses, met milestones, the sweep."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection, connections

from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.customers.choices import RegionClass, Tier
from aftersales.service import services as s
from aftersales.service.choices import Priority, RequestType, Status
from aftersales.service.tests.conftest import at
from aftersales.sla.choices import ClockState, EscalationLevel, TargetKind
from aftersales.sla.models import CalendarOverride, Clock, WorkingHours
from aftersales.sla.sweep import sweep
from aftersales.testing.trips import dispatch_by_plan
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def clock(request, kind: str) -> Clock:
    return Clock.objects.get(request=request, kind=kind)


def test_first_response_is_due_in_fifteen_working_minutes_across_qingming(world, register) -> None:
    with time_machine.travel(at("2026-04-03 17:50"), tick=False):
        request = register()
    assert clock(request, TargetKind.RESPONSE).due_at == at("2026-04-07 09:05")
    assert request.next_due_at == at("2026-04-07 09:05")


def test_adjusted_working_saturday(world, register) -> None:
    with time_machine.travel(at("2026-05-09 10:00"), tick=False):
        request = register()
    assert clock(request, TargetKind.RESPONSE).due_at == at("2026-05-09 10:15")


def test_a_call_registered_later_counts_from_when_it_came_in(world, register) -> None:
    with time_machine.travel(at("2026-04-07 11:00"), tick=False):
        request = register(received_at=at("2026-04-07 10:00"))
    assert clock(request, TargetKind.RESPONSE).due_at == at("2026-04-07 10:15")


def test_lunch_break_from_working_hours(world, register) -> None:
    WorkingHours.objects.update(lunch_start=dt.time(12, 0), lunch_end=dt.time(13, 0))
    with time_machine.travel(at("2026-04-07 11:50"), tick=False):
        request = register()
    assert clock(request, TargetKind.RESPONSE).due_at == at("2026-04-07 13:05")


def test_key_account_local_fault_must_be_on_site_in_two_hours_around_the_clock(
    world, register
) -> None:
    world.acme.tier = Tier.KEY
    world.acme.save()
    with time_machine.travel(at("2026-05-01 10:00"), tick=False):
        request = register(request_type=RequestType.FAULT)
    assert clock(request, TargetKind.ARRIVAL).due_at == at("2026-05-01 12:00")


@pytest.mark.parametrize(
    ("region", "due"),
    [(RegionClass.DOMESTIC, "2026-05-02 10:00"), (RegionClass.REMOTE, "2026-05-06 10:00")],
)
def test_emergency_on_site_promise_by_region(world, register, region: str, due: str) -> None:
    world.acme.region_class = region
    world.acme.save()
    with time_machine.travel(at("2026-05-01 10:00"), tick=False):
        request = register(priority=Priority.P1)
    assert clock(request, TargetKind.ARRIVAL).due_at == at(due)


def test_site_region_beats_company_region(world, register) -> None:
    from aftersales.testing.factories import SiteFactory

    site = SiteFactory(company=world.acme, region_class=RegionClass.REMOTE)
    with time_machine.travel(at("2026-05-01 10:00"), tick=False):
        request = register(priority=Priority.P1, site=site)
    assert clock(request, TargetKind.ARRIVAL).due_at == at("2026-05-06 10:00")


def test_normal_consultation_has_no_arrival_promise(world, register) -> None:
    request = register(request_type=RequestType.CONSULTATION, priority=Priority.P3)
    assert not Clock.objects.filter(request=request, kind=TargetKind.ARRIVAL).exists()


def test_complaint_is_confirmed_within_24_hours(world, register) -> None:
    with time_machine.travel(at("2026-04-03 17:50"), tick=False):
        request = register(request_type=RequestType.COMPLAINT)
    assert clock(request, TargetKind.RESPONSE).due_at == at("2026-04-04 17:50")


def test_major_question_is_answered_within_four_working_hours(world, register) -> None:
    with time_machine.travel(at("2026-04-03 16:00"), tick=False):
        request = register(request_type=RequestType.CONSULTATION, priority=Priority.P2)
    assert clock(request, TargetKind.RESOLUTION).due_at == at("2026-04-07 11:00")


def test_waiting_pauses_and_resuming_shifts_the_due_time(world, register) -> None:
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(
            actor=world.agent, request=register(), expected_version=None, owner=world.engineer
        )
    resolution_due = clock(request, TargetKind.RESOLUTION).due_at
    assert resolution_due is not None
    with time_machine.travel(at("2026-04-07 10:00"), tick=False):
        request = s.wait(
            actor=world.engineer,
            request=request,
            expected_version=request.version,
            status=Status.WAITING_PARTS,
            reason="等备件",
        )
    paused = clock(request, TargetKind.RESOLUTION)
    assert paused.running_since is None and paused.due_at is None
    assert paused.state(at("2026-04-07 10:30")) == ClockState.PAUSED
    request.refresh_from_db()
    assert request.sla_state in {ClockState.PAUSED, ClockState.BREACHED}
    with time_machine.travel(at("2026-04-08 10:00"), tick=False):
        request = s.resume(actor=world.engineer, request=request, expected_version=request.version)
    resumed = clock(request, TargetKind.RESOLUTION)
    # One working day (9 h) spent waiting is added to the promise.
    assert resumed.due_at == resolution_due + dt.timedelta(days=1)
    assert request.status == Status.ACCEPTED


def test_first_customer_visible_reply_meets_the_response_target(world, register) -> None:
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(actor=world.agent, request=register(), expected_version=None)
    with time_machine.travel(at("2026-04-07 09:05"), tick=False):
        s.add_note(actor=world.agent, request=request, body="内部备注不算响应")
        assert clock(request, TargetKind.RESPONSE).met_at is None
        s.add_reply(actor=world.agent, request=request, body="您好，已收到")
    response = clock(request, TargetKind.RESPONSE)
    assert response.met_at == at("2026-04-07 09:05")
    assert response.state(at("2026-04-07 10:00")) == ClockState.MET


def test_arrival_meets_the_on_site_clock(world, register) -> None:
    world.acme.tier = Tier.KEY
    world.acme.save()
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(
            actor=world.agent, request=register(), expected_version=None, owner=world.engineer
        )
        request = dispatch_by_plan(world, request)
    with time_machine.travel(at("2026-04-07 10:30"), tick=False):
        request = s.arrive(actor=world.engineer, request=request, expected_version=request.version)
    arrival = clock(request, TargetKind.ARRIVAL)
    assert arrival.met_at == at("2026-04-07 10:30") and arrival.breached_at is None


def test_late_arrival_is_met_but_breached(world, register) -> None:
    world.acme.tier = Tier.KEY
    world.acme.save()
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(
            actor=world.agent, request=register(), expected_version=None, owner=world.engineer
        )
        request = dispatch_by_plan(world, request)
    with time_machine.travel(at("2026-04-07 12:00"), tick=False):
        request = s.arrive(actor=world.engineer, request=request, expected_version=request.version)
    arrival = clock(request, TargetKind.ARRIVAL)
    assert arrival.breached_at == at("2026-04-07 11:00")
    assert arrival.state(at("2026-04-07 12:00")) == ClockState.BREACHED


def test_priority_change_retargets_keeping_used_time(world, register) -> None:
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = register(priority=Priority.P3)
    with time_machine.travel(at("2026-04-07 10:00"), tick=False):
        request = s.update_request(
            actor=world.agent,
            request=request,
            expected_version=request.version,
            changes={"priority": Priority.P1},
        )
    resolution = clock(request, TargetKind.RESOLUTION)
    assert resolution.target_minutes == 24 * 60 and resolution.mode == "always"
    assert resolution.due_at == at("2026-04-08 09:00")


def test_missing_calendar_year_falls_back_and_is_flagged(world, register) -> None:
    with time_machine.travel(at("2030-10-04 17:50"), tick=False):
        request = register()
    assert request.calendar_missing is True
    assert clock(request, TargetKind.RESPONSE).due_at == at("2030-10-07 09:05")


def test_override_for_the_year_is_used_and_clears_the_flag(world, register) -> None:
    CalendarOverride.objects.create(date=dt.date(2030, 10, 7), is_working=False, note="国庆")
    with time_machine.travel(at("2030-10-04 17:50"), tick=False):
        request = register()
    assert request.calendar_missing is False
    assert clock(request, TargetKind.RESPONSE).due_at == at("2030-10-08 09:05")


def test_sweep_warns_then_breaches_then_climbs_the_ladder(world, register) -> None:
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(
            actor=world.agent, request=register(), expected_version=None, owner=world.engineer
        )
    sweep(now=at("2026-04-07 09:12"))  # 75 % of 15 minutes = 09:11:15
    response = clock(request, TargetKind.RESPONSE)
    assert response.warned_at == at("2026-04-07 09:12")
    assert Notification.objects.filter(user=world.engineer, kind="sla_warning").count() == 1
    request.refresh_from_db()
    assert request.sla_state == ClockState.AT_RISK

    assert sweep(now=at("2026-04-07 09:13")).warned == 0  # nothing twice
    sweep(now=at("2026-04-07 09:16"))
    response = clock(request, TargetKind.RESPONSE)
    assert response.breached_at == at("2026-04-07 09:15")
    assert response.escalation_level == EscalationLevel.DEPARTMENT_MANAGER
    assert Notification.objects.filter(user=world.manager, kind="sla_breached_team").exists()

    sweep(now=at("2026-04-07 10:17"))
    assert clock(request, TargetKind.RESPONSE).escalation_level == EscalationLevel.SERVICE_DIRECTOR
    assert Notification.objects.filter(user=world.director, kind="sla_escalated_team").exists()
    sweep(now=at("2026-04-07 11:18"))
    top = clock(request, TargetKind.RESPONSE)
    assert top.escalation_level == EscalationLevel.EXECUTIVE and top.next_escalation_at is None
    assert Notification.objects.filter(user=world.executive, kind="sla_escalated_team").exists()
    assert sweep(now=at("2026-04-07 15:00")).escalated == 0
    actions = list(history_for(request).values_list("action", flat=True))
    assert actions.count("sla_warning") >= 1 and actions.count("sla_escalated") == 2


def test_paused_clock_is_not_swept(world, register) -> None:
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        request = s.accept_request(
            actor=world.agent, request=register(), expected_version=None, owner=world.engineer
        )
        s.wait(
            actor=world.engineer,
            request=request,
            expected_version=request.version,
            status=Status.WAITING_CUSTOMER,
            reason="等客户回电",
        )
    assert sweep(now=at("2026-04-09 09:00")).total == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_sweeps_never_handle_a_step_twice(world: World, register) -> None:
    assert connection.vendor == "postgresql"
    with time_machine.travel(at("2026-04-07 09:00"), tick=False):
        requests = [
            s.accept_request(
                actor=world.agent, request=register(), expected_version=None, owner=world.engineer
            )
            for _ in range(40)
        ]
    barrier = threading.Barrier(2)
    results = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(sweep(now=at("2026-04-07 09:20"), batch=7))
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(r.breached for r in results) == len(requests)
    breach_rows = sum(history_for(r).filter(action="sla_breached").count() for r in requests)
    assert breach_rows == len(requests)
    # The owner hears of every breach exactly once: alone, or in a digest of the batch.
    told = [
        1 if n.kind == "sla_breached" else n.params["count"]
        for n in Notification.objects.filter(user=world.engineer)
        if n.kind in {"sla_breached", "sla_breached_mine"}
    ]
    assert sum(told) == len(requests)
