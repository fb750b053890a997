"""Old parts (旧件回收): expected, received, inspected, outcome."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.parts.choices_stock import ReturnOutcome, ReturnStatus
from aftersales.parts.models import OldPartReturn
from aftersales.parts.services import returns
from aftersales.parts.tests.stock_helpers import part
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def test_an_old_part_goes_from_expected_to_an_outcome_with_history(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    ret = returns.expect_old_part(
        actor=world.engineer, part=part(), quantity=1, request=request, old_serial="MS-2291"
    )
    assert ret.status == ReturnStatus.EXPECTED and ret.number.startswith("JJ-")
    ret = returns.receive_old_part(actor=world.warehouse, ret=ret, expected_version=ret.version)
    ret = returns.inspect_old_part(
        actor=world.qc, ret=ret, expected_version=ret.version, findings="密封面磨损，弹簧断裂"
    )
    ret = returns.decide_old_part(
        actor=world.qc,
        ret=ret,
        expected_version=ret.version,
        outcome=ReturnOutcome.SUPPLIER,
        note="退回供应商索赔",
    )
    assert (ret.status, ret.outcome) == (ReturnStatus.DECIDED, ReturnOutcome.SUPPLIER)
    assert [h.action for h in history_for(ret)] == ["decide", "inspect", "receive", "created"]


def test_an_old_part_from_a_report_line_takes_its_part_serial_and_request(world: World) -> None:
    from aftersales.field.models import ReportPart, ServiceReport

    request = new_request(world, owner=world.engineer)
    report = ServiceReport.objects.create(
        number="BG-2026-000001", request=request, author=world.engineer, work_done="更换机械密封"
    )
    line = ReportPart.objects.create(
        report=report, part=part(), quantity=Decimal("1"), old_serial="MS-77"
    )
    ret = returns.expect_old_part(actor=world.engineer, report_part=line)
    assert (ret.request, ret.old_serial, ret.part) == (request, "MS-77", line.part)
    with pytest.raises(ValidationError) as caught:
        returns.expect_old_part(actor=world.engineer, report_part=line)
    assert "report_part" in caught.value.message_dict


def test_steps_out_of_order_and_by_the_wrong_people_are_refused(world: World) -> None:
    ret = returns.expect_old_part(actor=world.agent, part=part(), quantity=1)
    with pytest.raises(Conflict):
        returns.inspect_old_part(actor=world.qc, ret=ret, expected_version=None, findings="x")
    with pytest.raises(PermissionDenied):
        returns.receive_old_part(actor=world.agent, ret=ret, expected_version=None)
    with pytest.raises(Conflict):
        returns.receive_old_part(actor=world.warehouse, ret=ret, expected_version=ret.version + 3)


def test_missing_findings_and_outcome_name_their_fields(world: World) -> None:
    ret = returns.expect_old_part(actor=world.agent, part=part(), quantity=1)
    ret = returns.receive_old_part(actor=world.warehouse, ret=ret, expected_version=None)
    with pytest.raises(ValidationError) as caught:
        returns.inspect_old_part(actor=world.qc, ret=ret, expected_version=None, findings="")
    assert "findings" in caught.value.message_dict
    ret = returns.inspect_old_part(actor=world.qc, ret=ret, expected_version=None, findings="ok")
    with pytest.raises(ValidationError) as caught:
        returns.decide_old_part(actor=world.qc, ret=ret, expected_version=None, outcome="sell")
    assert "outcome" in caught.value.message_dict


def test_an_outsider_and_portal_users_see_no_old_parts(world: World) -> None:
    request = new_request(world, owner=world.engineer)
    returns.expect_old_part(actor=world.engineer, part=part(), quantity=1, request=request)
    assert not OldPartReturn.objects.visible_to(world.outsider_engineer).exists()
    assert not OldPartReturn.objects.visible_to(world.acme_portal).exists()
    assert OldPartReturn.objects.visible_to(world.warehouse).count() == 1
    with pytest.raises(PermissionDenied):
        returns.expect_old_part(actor=world.acme_portal, part=part("P2"), quantity=1)
