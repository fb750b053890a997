"""Trip plans: planned by who may dispatch, approved step by step along a chain copied at
submission; the last approval dispatches the requests, and nothing else does."""

from __future__ import annotations

import pytest

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.models import Notification
from aftersales.field.models.trips import (
    ApprovalChain,
    ApprovalChainStep,
    ChainScope,
    Decision,
    StepRole,
    TripPlan,
    TripScope,
    TripStatus,
)
from aftersales.field.services import trips
from aftersales.service import services as s
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest
from aftersales.testing.requests import new_request
from aftersales.testing.trips import approve_all, plan_trip
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _approve(plan: TripPlan, actor, comment: str = "") -> TripPlan:
    return trips.decide(
        actor=actor, plan=plan, expected_version=plan.version, approve=True, comment=comment
    )


def _submitted(world: World, **kwargs) -> TripPlan:
    request = new_request(world, owner=world.engineer)
    plan = plan_trip(world, request, **kwargs)
    return trips.submit_plan(actor=plan.planner, plan=plan, expected_version=plan.version)


def test_a_plan_is_numbered_and_records_its_creation_on_the_plan_and_the_request(world) -> None:
    request = new_request(world, owner=world.engineer)
    plan = plan_trip(world, request)
    assert plan.number.startswith("CC-") and plan.status == TripStatus.DRAFT
    assert plan.company == world.acme and plan.department == world.service
    assert history_for(plan).filter(action="created").exists()
    assert history_for(request).filter(action="trip_planned").exists()


def test_the_default_chain_runs_in_order_and_dispatches_only_at_the_end(world) -> None:
    plan = _submitted(world)
    roles = list(plan.approvals.order_by("position").values_list("role", flat=True))
    assert roles == ["department_manager", "business_manager", "office", "vp"]
    request = plan.requests.get()
    for actor in [world.manager, world.business_manager, world.office]:
        plan = _approve(plan, actor)
        assert plan.status == TripStatus.SUBMITTED
        assert ServiceRequest.objects.get(pk=request.pk).status == Status.ACCEPTED
    plan = _approve(plan, world.vp, "同意")
    assert plan.status == TripStatus.APPROVED and plan.approved_at
    request.refresh_from_db()
    assert request.status == Status.DISPATCHED and request.dispatched_at
    actions = list(history_for(request).values_list("action", flat=True))
    assert actions.count("trip_step_approved") == 4 and actions.count("dispatch") == 1
    plan_actions = list(history_for(plan).values_list("action", flat=True))
    assert plan_actions.count("approve_step") == 4 and "approve" in plan_actions


def test_a_later_step_cannot_approve_before_the_earlier_ones(world) -> None:
    plan = _submitted(world)
    with pytest.raises(PermissionDenied):
        _approve(plan, world.office)
    plan = _approve(plan, world.manager)
    with pytest.raises(PermissionDenied):
        _approve(plan, world.vp)


def test_only_the_manager_of_the_plans_department_approves_its_first_step(world) -> None:
    plan = _submitted(world)
    for outsider in [world.outsider_manager, world.engineer, world.director, world.acme_portal]:
        with pytest.raises(PermissionDenied):
            _approve(plan, outsider)
    assert trips.current_step(plan).decision == Decision.PENDING


def test_rejection_returns_the_plan_to_its_planner_with_the_comment(world) -> None:
    plan = _approve(_submitted(world), world.manager)
    with pytest.raises(ValidationError) as err:
        trips.decide(
            actor=world.business_manager, plan=plan, expected_version=plan.version, approve=False
        )
    assert "comment" in err.value.message_dict
    plan = trips.decide(
        actor=world.business_manager,
        plan=plan,
        expected_version=plan.version,
        approve=False,
        comment="人数不够，加派一人",
    )
    assert plan.status == TripStatus.DRAFT and plan.rejection_comment == "人数不够，加派一人"
    assert Notification.objects.filter(user=plan.planner, kind="trip_rejected").exists()
    assert plan.requests.get().status == Status.ACCEPTED
    assert history_for(plan).filter(action="reject", message="人数不够，加派一人").exists()
    # Resubmitted, the chain starts again from the first step.
    plan = trips.submit_plan(actor=plan.planner, plan=plan, expected_version=plan.version)
    assert plan.round == 2 and trips.current_step(plan).role == StepRole.DEPARTMENT_MANAGER
    assert plan.rejection_comment == ""


def test_reconfiguring_the_chain_does_not_change_a_plan_in_approval(world) -> None:
    plan = _submitted(world)
    chain = ApprovalChain.objects.get(department=None, scope=ChainScope.ANY)
    chain.steps.filter(role=StepRole.VP).delete()
    chain.steps.filter(role=StepRole.OFFICE).delete()
    for actor in [world.manager, world.business_manager, world.office]:
        plan = _approve(plan, actor)
    assert plan.status == TripStatus.SUBMITTED and trips.current_step(plan).role == StepRole.VP
    later = _submitted(world)
    assert later.approvals.count() == 2


def test_a_local_trip_skips_the_vp(world) -> None:
    plan = _submitted(world, scope=TripScope.LOCAL)
    for actor in [world.manager, world.business_manager, world.office]:
        plan = _approve(plan, actor)
    assert plan.status == TripStatus.APPROVED
    assert plan.requests.get().status == Status.DISPATCHED


def test_a_departments_own_chain_wins_over_the_default(world) -> None:
    chain = ApprovalChain.objects.create(name="售后部", department=world.service)
    ApprovalChainStep.objects.create(chain=chain, position=1, role=StepRole.OFFICE)
    plan = _submitted(world)
    assert list(plan.approvals.values_list("role", flat=True)) == ["office"]
    plan = _approve(plan, world.office)
    assert plan.status == TripStatus.APPROVED


def test_the_next_approver_is_notified(world) -> None:
    plan = _submitted(world)
    assert Notification.objects.filter(user=world.manager, kind="trip_approval").exists()
    _approve(plan, world.manager)
    assert Notification.objects.filter(user=world.business_manager, kind="trip_approval").exists()


def test_dispatching_by_hand_is_refused_without_an_approved_plan(world) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError):
        s.dispatch(actor=world.engineer, request=request, expected_version=request.version)
    plan = _submitted(world)
    request = plan.requests.get()
    with pytest.raises(ValidationError):
        s.dispatch(actor=world.engineer, request=request, expected_version=request.version)


def test_the_request_page_offers_no_dispatch_button(world, client) -> None:
    request = new_request(world, owner=world.engineer)
    client.force_login(world.engineer)
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert 'data-action="dispatch"' not in page
    assert 'data-action="plan-trip"' in page


def test_who_may_not_dispatch_may_not_plan(world) -> None:
    request = new_request(world, owner=world.engineer)
    with pytest.raises(PermissionDenied):
        plan_trip(world, request, planner=world.agent)
    with pytest.raises(ValidationError):
        plan_trip(world, request, planner=world.outsider_manager)


def test_bad_input_names_the_field(world) -> None:
    request = new_request(world, owner=world.engineer)
    plan = plan_trip(world, request)
    with pytest.raises(ValidationError) as err:
        trips.update_plan(
            actor=world.manager,
            plan=plan,
            expected_version=plan.version,
            changes={"return_at": plan.departure_at, "engineers": [world.agent]},
        )
    assert {"return_at", "engineers"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        plan_trip(world, new_request(world, owner=world.engineer), work_content=" ")
    assert "work_content" in err.value.message_dict


def test_a_request_is_on_one_live_plan_and_one_customer_per_plan(world) -> None:
    request = new_request(world, owner=world.engineer)
    plan_trip(world, request)
    with pytest.raises(ValidationError) as err:
        plan_trip(world, request)
    assert "requests" in err.value.message_dict
    other = new_request(world, owner=world.director, company=world.globex)
    mine = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError):
        plan_trip(world, mine, other, planner=world.director)


def test_a_stale_version_changes_nothing(world) -> None:
    plan = _submitted(world)
    with pytest.raises(Conflict):
        trips.decide(
            actor=world.manager, plan=plan, expected_version=plan.version - 1, approve=True
        )
    assert trips.current_step(plan).decision == Decision.PENDING


def test_cancel_depart_and_return_write_history(world) -> None:
    plan = _submitted(world)
    cancelled = trips.cancel_plan(
        actor=world.manager, plan=plan, expected_version=plan.version, reason="客户改期"
    )
    assert cancelled.status == TripStatus.CANCELLED
    approved = approve_all(world, plan_trip(world, new_request(world, owner=world.engineer)))
    departed = trips.depart(actor=world.engineer, plan=approved, expected_version=approved.version)
    back = trips.return_home(actor=world.engineer, plan=departed, expected_version=departed.version)
    assert back.status == TripStatus.RETURNED and back.departed_at and back.returned_at
    assert {"depart", "return"} <= set(history_for(back).values_list("action", flat=True))
    with pytest.raises(PermissionDenied):
        trips.depart(actor=world.outsider_engineer, plan=back, expected_version=back.version)


def test_portal_users_and_outsiders_never_see_trip_plans(world) -> None:
    plan = _submitted(world)
    assert not TripPlan.objects.visible_to(world.acme_portal).exists()
    assert not TripPlan.objects.visible_to(world.globex_portal).exists()
    assert not TripPlan.objects.visible_to(world.outsider_engineer).exists()
    assert TripPlan.objects.visible_to(world.engineer).filter(pk=plan.pk).exists()
    assert TripPlan.objects.visible_to(world.office).filter(pk=plan.pk).exists()
