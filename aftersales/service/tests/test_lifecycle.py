"""The request lifecycle: transitions, roles, owner, stale versions, merge, conversation."""

from __future__ import annotations

import pytest
import time_machine

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.service import services as s
from aftersales.service.choices import MessageKind, Status
from aftersales.service.models import Message, ServiceRequest
from aftersales.service.tests.conftest import at
from aftersales.service.transitions import TRANSITIONS, allowed_actions
from aftersales.testing.trips import dispatch_by_plan
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _accepted(world: World, register) -> ServiceRequest:
    return s.accept_request(
        actor=world.agent, request=register(), expected_version=None, owner=world.engineer
    )


def test_registration_numbers_the_request_and_starts_new(world: World, register) -> None:
    request = register()
    assert request.number.startswith("SR-") and len(request.number) == 14
    assert request.status == Status.NEW
    assert request.owner is None
    assert history_for(request).filter(action="created").exists()


def test_received_at_may_be_in_the_past_but_not_the_future(world: World, register) -> None:
    from django.utils import timezone

    past = register(received_at=at("2026-04-03 10:00"))
    assert past.received_at == at("2026-04-03 10:00")
    with pytest.raises(ValidationError) as err:
        register(received_at=timezone.now() + timezone.timedelta(hours=1))
    assert "received_at" in err.value.message_dict


def test_contact_of_another_company_is_refused(world: World, register) -> None:
    with pytest.raises(ValidationError) as err:
        register(contact=world.globex_contact)
    assert "contact" in err.value.message_dict


def test_acceptance_names_one_owner_and_notifies_them(world: World, register) -> None:
    request = _accepted(world, register)
    assert request.status == Status.ACCEPTED
    assert request.owner == world.engineer
    assert request.department == world.service
    assert Notification.objects.filter(user=world.engineer, kind="request_assigned").exists()


def test_full_happy_path_writes_one_history_row_per_transition(
    world: World, register, settings
) -> None:
    # Closing without the return visit: feedback's close rule is tested in feedback.
    settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES = []
    request = _accepted(world, register)
    request = s.start_work(actor=world.engineer, request=request, expected_version=request.version)
    request = dispatch_by_plan(world, request)
    request = s.arrive(actor=world.engineer, request=request, expected_version=request.version)
    request = s.resolve(
        actor=world.engineer,
        request=request,
        expected_version=request.version,
        resolution="更换机械密封，试机正常。",
    )
    request = s.confirm_resolution(
        actor=world.acme_portal, request=request, expected_version=request.version
    )
    request = s.close(actor=world.agent, request=request, expected_version=request.version)
    assert request.status == Status.CLOSED
    actions = list(history_for(request).values_list("action", flat=True))
    for action in ["accept", "start", "dispatch", "arrive", "resolve", "confirm", "close"]:
        assert actions.count(action) == 1, action
    assert request.on_site_at and request.resolved_at and request.confirmed_at and request.closed_at


def test_forbidden_transition_is_a_conflict_with_the_reason(world: World, register) -> None:
    request = register()
    with pytest.raises(Conflict) as err:
        s.resolve(
            actor=world.agent, request=request, expected_version=request.version, resolution="x"
        )
    assert err.value.code == "invalid_transition"
    assert "New" in err.value.message or "新" in err.value.message


def test_stale_version_changes_nothing(world: World, register) -> None:
    request = _accepted(world, register)
    stale = request.version - 1
    with pytest.raises(Conflict) as err:
        s.start_work(actor=world.engineer, request=request, expected_version=stale)
    assert err.value.code == "stale_version"
    assert err.value.current["version"] == request.version
    assert ServiceRequest.objects.get(pk=request.pk).status == Status.ACCEPTED


@pytest.mark.parametrize("actor_name", ["office", "qc", "warehouse", "outsider_engineer"])
def test_only_owner_side_may_work_the_request(world: World, register, actor_name: str) -> None:
    request = _accepted(world, register)
    with pytest.raises(PermissionDenied):
        s.start_work(
            actor=getattr(world, actor_name), request=request, expected_version=request.version
        )


def test_department_manager_may_act_for_the_owner(world: World, register) -> None:
    request = _accepted(world, register)
    s.start_work(actor=world.manager, request=request, expected_version=request.version)


def test_portal_user_of_another_company_cannot_confirm(world: World, register) -> None:
    request = _accepted(world, register)
    request = s.resolve(
        actor=world.engineer, request=request, expected_version=request.version, resolution="已修复"
    )
    with pytest.raises(PermissionDenied):
        s.confirm_resolution(
            actor=world.globex_portal, request=request, expected_version=request.version
        )


def test_customer_rejection_reopens_with_the_reason(world: World, register) -> None:
    request = _accepted(world, register)
    request = s.resolve(
        actor=world.engineer, request=request, expected_version=request.version, resolution="已修复"
    )
    with pytest.raises(ValidationError):
        s.reject_resolution(
            actor=world.acme_portal, request=request, expected_version=request.version, reason=""
        )
    request = s.reject_resolution(
        actor=world.acme_portal,
        request=request,
        expected_version=request.version,
        reason="还在漏水",
    )
    assert request.status == Status.IN_PROGRESS
    assert request.reopen_count == 1 and request.resolved_at is None
    assert Message.objects.filter(request=request, body="还在漏水").exists()


def test_reopen_only_within_the_window(world: World, register, settings) -> None:
    settings.AFTERSALES_REOPEN_WINDOW_DAYS = 30
    settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES = []  # feedback's close rule: see feedback
    with time_machine.travel(at("2026-03-02 10:00"), tick=False):
        request = _accepted(world, register)
        request = s.resolve(
            actor=world.engineer,
            request=request,
            expected_version=request.version,
            resolution="已修复",
        )
        request = s.close(actor=world.agent, request=request, expected_version=request.version)
    with time_machine.travel(at("2026-03-20 10:00"), tick=False):
        reopened = s.reopen(
            actor=world.agent,
            request=request,
            expected_version=request.version,
            reason="同样故障再次出现",
        )
        assert reopened.status == Status.IN_PROGRESS and reopened.closed_at is None
        reopened = s.resolve(
            actor=world.engineer,
            request=reopened,
            expected_version=reopened.version,
            resolution="再次修复",
        )
        reopened = s.close(actor=world.agent, request=reopened, expected_version=reopened.version)
    with time_machine.travel(at("2026-05-01 10:00"), tick=False), pytest.raises(Conflict) as err:
        s.reopen(
            actor=world.agent, request=reopened, expected_version=reopened.version, reason="太晚了"
        )
    assert err.value.code == "reopen_window_passed"


def test_cancel_needs_a_valid_reason(world: World, register) -> None:
    request = register()
    with pytest.raises(ValidationError):
        s.cancel(
            actor=world.agent, request=request, expected_version=request.version, reason="bored"
        )
    cancelled = s.cancel(
        actor=world.agent,
        request=request,
        expected_version=request.version,
        reason="invalid",
        note="打错电话",
    )
    assert cancelled.status == Status.CANCELLED and cancelled.cancel_reason == "invalid"


def test_merge_points_the_duplicate_at_the_survivor(world: World, register) -> None:
    survivor = register(title="泵漏水")
    duplicate = register(title="泵漏水（重复来电）")
    merged = s.merge(
        actor=world.agent, request=duplicate, expected_version=duplicate.version, into=survivor
    )
    assert merged.status == Status.CANCELLED and merged.merged_into == survivor
    assert history_for(survivor).filter(action="merged_in").exists()
    assert history_for(merged).filter(action="merge").exists()
    assert Message.objects.filter(request=survivor, kind=MessageKind.NOTE).exists()


def test_merge_across_companies_is_refused(world: World, register) -> None:
    other = register(company=world.globex, contact=world.globex_contact)
    mine = register()
    with pytest.raises(ValidationError):
        s.merge(actor=world.director, request=mine, expected_version=mine.version, into=other)


def test_reassignment_records_from_to_who_and_why(world: World, register) -> None:
    request = _accepted(world, register)
    with pytest.raises(ValidationError):
        s.assign(
            actor=world.manager,
            request=request,
            expected_version=request.version,
            owner=world.outsider_engineer,
            reason="",
        )
    request = s.assign(
        actor=world.manager,
        request=request,
        expected_version=request.version,
        owner=world.outsider_engineer,
        reason="需要技术部处理",
    )
    entry = history_for(request).get(action="reassign")
    assert entry.actor == world.manager
    assert entry.changes["owner"][0]["id"] == world.engineer.pk
    assert entry.changes["owner"][1]["id"] == world.outsider_engineer.pk
    assert entry.message == "需要技术部处理"
    assert request.department == world.technical


def test_portal_user_cannot_become_owner(world: World, register) -> None:
    request = _accepted(world, register)
    with pytest.raises(ValidationError):
        s.assign(
            actor=world.manager,
            request=request,
            expected_version=request.version,
            owner=world.acme_portal,
            reason="x",
        )


def test_invited_expert_sees_and_notes_but_does_not_own(world: World, register) -> None:
    request = _accepted(world, register)
    assert (
        not ServiceRequest.objects.visible_to(world.outsider_engineer)
        .filter(pk=request.pk)
        .exists()
    )
    s.invite_expert(
        actor=world.engineer, request=request, expert=world.outsider_engineer, reason="请技术部会诊"
    )
    assert ServiceRequest.objects.visible_to(world.outsider_engineer).filter(pk=request.pk).exists()
    s.add_note(actor=world.outsider_engineer, request=request, body="建议更换密封圈型号")
    with pytest.raises(PermissionDenied):
        s.start_work(
            actor=world.outsider_engineer,
            request=request,
            expected_version=ServiceRequest.objects.get(pk=request.pk).version,
        )
    assert ServiceRequest.objects.get(pk=request.pk).owner == world.engineer


def test_portal_user_never_sees_internal_notes(world: World, register) -> None:
    request = _accepted(world, register)
    s.add_note(actor=world.engineer, request=request, body="内部：客户操作不当")
    s.add_reply(actor=world.engineer, request=request, body="我们已收到，正在处理。")
    seen = list(
        Message.objects.visible_to(world.acme_portal)
        .filter(request=request)
        .values_list("body", flat=True)
    )
    assert seen == ["我们已收到，正在处理。"]
    assert not Message.objects.visible_to(world.globex_portal).exists()


def test_customer_reply_resumes_a_request_waiting_for_them(world: World, register) -> None:
    request = _accepted(world, register)
    request = s.start_work(actor=world.engineer, request=request, expected_version=request.version)
    request = s.wait(
        actor=world.engineer,
        request=request,
        expected_version=request.version,
        status=Status.WAITING_CUSTOMER,
        reason="请客户提供照片",
    )
    s.add_reply(actor=world.acme_portal, request=request, body="照片见附件")
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS


def test_allowed_actions_follow_the_table(world: World, register) -> None:
    request = register()
    assert allowed_actions(world.agent, request) == ["accept", "cancel", "merge"]
    assert allowed_actions(world.acme_portal, request) == []
    assert set(TRANSITIONS) >= {"accept", "resolve", "confirm", "close", "reopen", "cancel"}
