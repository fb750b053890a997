"""Warranty decisions (三包一赔): each outcome with its rule and its approver, and the
out-of-warranty quotation the customer accepts before work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.core.services import attachments_of
from aftersales.parts.models import Quotation, WarrantyDecision
from aftersales.parts.models.warranty import DecisionStatus, Outcome, QuotationStatus
from aftersales.parts.services import warranty as w
from aftersales.service import services as s
from aftersales.service.choices import Status
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

FAULT = dt.date(2026, 6, 1)


def _unit(world: World, **kw: Any) -> Any:
    """An acme unit commissioned 2026-01-15 with 12 months' warranty (to 2027-01-14)."""
    return f.EquipmentFactory(company=world.acme, product_model=world.model, **kw)


def _old_unit(world: World) -> Any:
    """An acme unit whose warranty ended on 2024-12-31."""
    return _unit(
        world,
        delivered_on=dt.date(2023, 12, 20),
        commissioned_on=dt.date(2024, 1, 1),
        warranty_end=dt.date(2024, 12, 31),
    )


def _request(world: World, unit: Any) -> Any:
    return new_request(world, owner=world.engineer, equipment=unit)


def _decide(world: World, sr: Any, outcome: str, actor: Any = None, **kw: Any) -> WarrantyDecision:
    values: dict[str, Any] = {"fault_date": FAULT, "conditions": {}, **kw}
    return w.propose_decision(actor=actor or world.engineer, request=sr, outcome=outcome, **values)


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, Any]:
    return exc.value.message_dict


def test_repair_in_warranty_for_a_dangerous_defect_is_approved_by_the_department_manager(
    world: World,
) -> None:
    sr = _request(world, _unit(world))
    photo = SimpleUploadedFile("密封件.jpg", b"\xff\xd8photo", content_type="image/jpeg")
    decision = _decide(
        world,
        sr,
        Outcome.REPAIR,
        conditions={"cond_defect_endangers": True},
        amount="1200.50",
        evidence=[photo],
    )
    assert decision.in_warranty is True
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.amount == Decimal("1200.50")
    assert decision.number.startswith("WD-")
    assert [a.original_name for a in attachments_of(decision)] == ["密封件.jpg"]

    approved = w.approve_decision(
        actor=world.manager, decision=decision, expected_version=decision.version, comment="同意"
    )
    assert approved.status == DecisionStatus.APPROVED
    assert approved.approved_by == world.manager
    assert w.free_of_charge(approved) is True
    actions = [h.action for h in history_for(approved)]
    assert actions[:2] == ["decision_approved", "attachment_added"]
    assert "created" in actions
    assert {"warranty_decided", "warranty_approved"} <= {h.action for h in history_for(sr)}


def test_repair_without_its_condition_is_refused_naming_the_condition(world: World) -> None:
    sr = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.REPAIR)
    assert "cond_defect_endangers" in _errors(exc)
    assert not WarrantyDecision.objects.exists()


def test_return_needs_the_not_to_spec_condition_and_a_director(world: World) -> None:
    sr = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.RETURN, conditions={"cond_defect_endangers": True})
    assert list(_errors(exc)) == ["cond_not_to_spec"]

    decision = _decide(
        world, sr, Outcome.RETURN, conditions={"cond_not_to_spec": True}, amount="98000"
    )
    with pytest.raises(PermissionDenied):
        w.approve_decision(actor=world.manager, decision=decision, expected_version=1)
    approved = w.approve_decision(actor=world.director, decision=decision, expected_version=1)
    assert approved.status == DecisionStatus.APPROVED
    assert approved.approved_by == world.director


def test_replace_is_for_an_irreparable_defect_found_before_operation(world: World) -> None:
    running = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(
            world,
            running,
            Outcome.REPLACE,
            conditions={"cond_irreparable_before_operation": True},
        )
    assert "cond_irreparable_before_operation" in _errors(exc)

    not_commissioned = _request(
        world, _unit(world, delivered_on=dt.date(2026, 5, 1), commissioned_on=None)
    )
    decision = _decide(
        world,
        not_commissioned,
        Outcome.REPLACE,
        conditions={"cond_irreparable_before_operation": True},
    )
    approved = w.approve_decision(actor=world.vp, decision=decision, expected_version=1)
    assert approved.status == DecisionStatus.APPROVED


def test_compensation_needs_a_major_loss_and_an_amount(world: World) -> None:
    sr = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.COMPENSATION)
    assert set(_errors(exc)) == {"cond_major_loss", "amount"}
    decision = _decide(
        world, sr, Outcome.COMPENSATION, conditions={"cond_major_loss": True}, amount="50000"
    )
    approved = w.approve_decision(actor=world.director, decision=decision, expected_version=1)
    assert approved.amount == Decimal("50000.00")


def test_a_unit_out_of_warranty_can_only_be_charged(world: World) -> None:
    sr = _request(world, _old_unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.REPAIR, conditions={"cond_defect_endangers": True})
    assert "outcome" in _errors(exc)
    decision = _decide(world, sr, Outcome.CHARGEABLE)
    assert decision.in_warranty is False
    assert decision.quotation.status == QuotationStatus.DRAFT


def test_charging_a_unit_in_warranty_needs_a_reason(world: World) -> None:
    sr = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.CHARGEABLE)
    assert "reason" in _errors(exc)
    decision = _decide(world, sr, Outcome.CHARGEABLE, reason="用户误操作导致损坏")
    assert decision.in_warranty is True


def test_a_fault_date_in_the_future_and_a_request_without_unit_are_refused(world: World) -> None:
    sr = _request(world, _unit(world))
    with pytest.raises(ValidationError) as exc:
        _decide(world, sr, Outcome.CHARGEABLE, fault_date=dt.date(2099, 1, 1))
    assert "fault_date" in _errors(exc)
    bare = new_request(world, owner=world.engineer)
    with pytest.raises(ValidationError) as exc:
        _decide(world, bare, Outcome.CHARGEABLE)
    assert "equipment" in _errors(exc)


def test_nobody_approves_their_own_decision(world: World) -> None:
    sr = _request(world, _unit(world))
    decision = _decide(
        world, sr, Outcome.REPAIR, actor=world.manager, conditions={"cond_defect_endangers": True}
    )
    with pytest.raises(PermissionDenied):
        w.approve_decision(actor=world.manager, decision=decision, expected_version=1)
    assert not w.may_approve(world.manager, decision)


def test_the_outsider_manager_can_neither_see_nor_approve(world: World) -> None:
    sr = _request(world, _unit(world))
    decision = _decide(world, sr, Outcome.REPAIR, conditions={"cond_defect_endangers": True})
    assert not WarrantyDecision.objects.visible_to(world.outsider_manager).exists()
    assert not WarrantyDecision.objects.visible_to(world.globex_portal).exists()
    assert WarrantyDecision.objects.visible_to(world.acme_portal).count() == 1
    with pytest.raises(PermissionDenied):
        w.approve_decision(actor=world.outsider_manager, decision=decision, expected_version=1)
    with pytest.raises(PermissionDenied):
        _decide(world, sr, Outcome.CHARGEABLE, actor=world.outsider_engineer)


def test_a_rejection_needs_a_reason_and_frees_the_request_for_a_new_decision(
    world: World,
) -> None:
    sr = _request(world, _unit(world))
    decision = _decide(world, sr, Outcome.REPAIR, conditions={"cond_defect_endangers": True})
    with pytest.raises(Conflict):
        _decide(world, sr, Outcome.CHARGEABLE, reason="误操作")
    with pytest.raises(ValidationError) as exc:
        w.reject_decision(actor=world.manager, decision=decision, expected_version=1, comment=" ")
    assert "comment" in _errors(exc)
    rejected = w.reject_decision(
        actor=world.manager, decision=decision, expected_version=1, comment="非制造缺陷"
    )
    assert rejected.status == DecisionStatus.REJECTED
    assert history_for(rejected).first().action == "decision_rejected"
    again = _decide(world, sr, Outcome.CHARGEABLE, reason="用户误操作")
    with pytest.raises(Conflict):
        w.approve_decision(actor=world.manager, decision=rejected, expected_version=2)
    assert again.status == DecisionStatus.PROPOSED


def test_a_stale_version_changes_nothing(world: World) -> None:
    sr = _request(world, _unit(world))
    decision = _decide(world, sr, Outcome.REPAIR, conditions={"cond_defect_endangers": True})
    with pytest.raises(Conflict):
        w.approve_decision(actor=world.manager, decision=decision, expected_version=7)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


# --- Quotation before work ------------------------------------------------------------------


def _quoted(world: World) -> tuple[Any, Quotation]:
    part = f_part()
    sr = _request(world, _old_unit(world))
    decision = _decide(world, sr, Outcome.CHARGEABLE)
    quotation = decision.quotation
    w.add_quotation_line(actor=world.engineer, quotation=quotation, part=part, quantity="2")
    w.add_quotation_line(
        actor=world.engineer,
        quotation=quotation,
        description="现场维修工时",
        quantity="3",
        unit_price="200",
    )
    quotation.refresh_from_db()
    return sr, quotation


def f_part() -> Any:
    from aftersales.parts.models import Part

    return Part.objects.create(code="MS-45", name="机械密封", cost=Decimal("350.00"))


def test_out_of_warranty_work_waits_for_the_customer_to_accept_the_quotation(
    world: World,
) -> None:
    sr, quotation = _quoted(world)
    assert quotation.total == Decimal("1300.00")
    assert quotation.decision.amount == Decimal("1300.00")
    sr.refresh_from_db()
    with pytest.raises(ValidationError, match=quotation.decision.number):
        s.start_work(actor=world.engineer, request=sr, expected_version=sr.version)

    with pytest.raises(Conflict):  # not approved yet
        w.offer_quotation(actor=world.engineer, quotation=quotation, expected_version=3)
    w.approve_decision(actor=world.manager, decision=quotation.decision, expected_version=1)
    offered = w.offer_quotation(actor=world.engineer, quotation=quotation, expected_version=3)
    assert offered.status == QuotationStatus.OFFERED
    assert world.acme_portal.notifications.filter(kind="quotation_offered").exists()
    sr.refresh_from_db()
    with pytest.raises(ValidationError):
        s.dispatch(actor=world.engineer, request=sr, expected_version=sr.version)

    accepted = w.answer_quotation(
        actor=world.acme_portal, quotation=offered, expected_version=offered.version, accept=True
    )
    assert accepted.status == QuotationStatus.ACCEPTED
    assert accepted.answered_for == "张伟"
    assert world.engineer.notifications.filter(kind="quotation_accepted").exists()
    assert "quotation_accepted" in {h.action for h in history_for(sr)}
    sr.refresh_from_db()
    started = s.start_work(actor=world.engineer, request=sr, expected_version=sr.version)
    assert started.status == Status.IN_PROGRESS


def test_an_in_warranty_decision_does_not_hold_up_work(world: World) -> None:
    sr = _request(world, _unit(world))
    _decide(world, sr, Outcome.REPAIR, conditions={"cond_defect_endangers": True})
    sr.refresh_from_db()
    assert s.start_work(actor=world.engineer, request=sr, expected_version=sr.version).status == (
        Status.IN_PROGRESS
    )


def test_a_quotation_is_offered_only_with_lines(world: World) -> None:
    sr = _request(world, _old_unit(world))
    decision = _decide(world, sr, Outcome.CHARGEABLE)
    w.approve_decision(actor=world.manager, decision=decision, expected_version=1)
    with pytest.raises(ValidationError) as exc:
        w.offer_quotation(actor=world.engineer, quotation=decision.quotation, expected_version=1)
    assert "lines" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        w.add_quotation_line(
            actor=world.engineer, quotation=decision.quotation, description="工时", quantity="0"
        )
    assert "quantity" in _errors(exc)


def test_another_companys_portal_user_cannot_see_or_accept_the_quotation(world: World) -> None:
    _sr, quotation = _quoted(world)
    w.approve_decision(actor=world.manager, decision=quotation.decision, expected_version=1)
    offered = w.offer_quotation(actor=world.engineer, quotation=quotation, expected_version=3)
    assert not Quotation.objects.visible_to(world.globex_portal).exists()
    with pytest.raises(PermissionDenied):
        w.answer_quotation(
            actor=world.globex_portal, quotation=offered, expected_version=4, accept=True
        )
    offered.refresh_from_db()
    assert offered.status == QuotationStatus.OFFERED


def test_a_draft_quotation_is_hidden_from_the_customer(world: World) -> None:
    _sr, _quotation = _quoted(world)
    assert not Quotation.objects.visible_to(world.acme_portal).exists()
    assert Quotation.objects.visible_to(world.engineer).count() == 1


def test_staff_recording_an_answer_name_the_customers_person(world: World) -> None:
    sr, quotation = _quoted(world)
    w.approve_decision(actor=world.manager, decision=quotation.decision, expected_version=1)
    offered = w.offer_quotation(actor=world.engineer, quotation=quotation, expected_version=3)
    with pytest.raises(ValidationError) as exc:
        w.answer_quotation(actor=world.agent, quotation=offered, expected_version=4, accept=False)
    assert "answered_for" in _errors(exc)
    declined = w.answer_quotation(
        actor=world.agent,
        quotation=offered,
        expected_version=4,
        accept=False,
        signatory="张伟（电话）",
        comment="价格太高",
    )
    assert declined.status == QuotationStatus.DECLINED
    sr.refresh_from_db()
    with pytest.raises(ValidationError):
        s.start_work(actor=world.engineer, request=sr, expected_version=sr.version)
    revised = w.revise_quotation(actor=world.engineer, quotation=declined, expected_version=5)
    assert revised.status == QuotationStatus.DRAFT
    assert [h.action for h in history_for(revised)][:2] == [
        "quotation_revised",
        "quotation_declined",
    ]
