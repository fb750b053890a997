"""Return visits after service: due, recorded by someone else, reopening, closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.feedback.choices import ContactMethod, Rating, ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.feedback.services import returnvisits as rv
from aftersales.feedback.services.common import add_working_days
from aftersales.feedback.tests.helpers import confirmed, resolved, visit_of
from aftersales.service import services as s
from aftersales.service.choices import RequestType, Status
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _record(world: World, visit: ReturnVisit, **kw: object) -> ReturnVisit:
    values: dict[str, object] = {
        "method": ContactMethod.PHONE,
        "rating": Rating.VERY_SATISFIED,
        "comments": "客户很满意",
        "solved": True,
        "praised": [world.engineer],
    }
    values.update(kw)
    return rv.record_return_visit(
        actor=world.office, visit=visit, expected_version=visit.version, **values
    )


def test_confirmation_makes_a_return_visit_due_in_working_days(world: World) -> None:
    req = confirmed(world)
    visit = visit_of(req)
    assert visit.status == ReturnVisitStatus.DUE
    assert visit.engineer == world.engineer
    assert visit.department == world.service
    assert visit.due_on > dt.date(2000, 1, 1)
    assert [h.action for h in history_for(req)][:1] == ["return_visit_due"]


def test_working_days_skip_the_national_day_holiday() -> None:
    # 2025-09-30 (Tue) + 1 working day: 1–8 October are holidays; 2025-10-09 is a Thursday.
    assert add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_confirming_twice_keeps_one_visit_per_request(world: World) -> None:
    req = confirmed(world)
    rv.ensure_return_visit(actor=world.agent, request=req)
    assert ReturnVisit.objects.filter(request=req).count() == 1


def test_the_office_records_rating_praise_and_solved(world: World) -> None:
    req = confirmed(world)
    visit = _record(world, visit_of(req))
    assert visit.status == ReturnVisitStatus.DONE
    assert visit.rating == Rating.VERY_SATISFIED
    assert list(visit.praised.all()) == [world.engineer]
    assert visit.done_by == world.office
    assert "return_visit_recorded" in [h.action for h in history_for(visit)]
    assert "return_visit_recorded" in [h.action for h in history_for(req)]


def test_the_engineer_who_did_the_work_cannot_record_its_return_visit(world: World) -> None:
    world.engineer.groups.add(*world.office.groups.all())
    world.engineer._aftersales_scope = None
    world.engineer = type(world.engineer).objects.get(pk=world.engineer.pk)
    req = confirmed(world)
    visit = visit_of(req)
    with pytest.raises(PermissionDenied, match=r"someone else|回访须由他人"):
        rv.record_return_visit(
            actor=world.engineer,
            visit=visit,
            expected_version=visit.version,
            method=ContactMethod.PHONE,
            rating=Rating.SATISFIED,
            solved=True,
        )
    assert visit_of(req).status == ReturnVisitStatus.DUE


def test_a_visit_without_rating_names_the_field(world: World) -> None:
    visit = visit_of(confirmed(world))
    with pytest.raises(ValidationError) as exc:
        _record(world, visit, rating=9, solved=None)
    assert set(exc.value.message_dict) == {"rating", "solved"}


def test_only_engineers_of_the_work_can_be_praised(world: World) -> None:
    visit = visit_of(confirmed(world))
    with pytest.raises(ValidationError) as exc:
        _record(world, visit, praised=[world.outsider_engineer])
    assert "praised" in exc.value.message_dict


def test_a_visit_is_recorded_once(world: World) -> None:
    visit = _record(world, visit_of(confirmed(world)))
    with pytest.raises(Conflict):
        _record(world, visit)


def test_an_unsolved_problem_reopens_the_request(world: World) -> None:
    req = confirmed(world)
    _record(world, visit_of(req), solved=False, rating=Rating.DISSATISFIED, comments="仍然漏水")
    req.refresh_from_db()
    assert req.status == Status.IN_PROGRESS
    assert req.reopen_count == 1
    assert "reopen" in [h.action for h in history_for(req)]


def test_the_next_round_of_work_gets_its_own_visit(world: World) -> None:
    req = confirmed(world)
    _record(world, visit_of(req), solved=False, rating=Rating.NEUTRAL, comments="仍然漏水")
    req.refresh_from_db()
    req = s.resolve(
        actor=world.engineer, request=req, expected_version=req.version, resolution="再修"
    )
    req = s.confirm_resolution(actor=world.agent, request=req, expected_version=req.version)
    assert ReturnVisit.objects.filter(request=req).count() == 2
    assert visit_of(req).round == 1


def test_closing_requires_the_return_visit(world: World) -> None:
    req = confirmed(world)
    with pytest.raises(ValidationError) as exc:
        s.close(actor=world.agent, request=req, expected_version=req.version)
    assert "return_visit" in exc.value.message_dict
    _record(world, visit_of(req))
    req.refresh_from_db()
    req = s.close(actor=world.agent, request=req, expected_version=req.version)
    assert req.status == Status.CLOSED


def test_a_consultation_closes_without_a_return_visit(world: World) -> None:
    req = resolved(world, request_type=RequestType.CONSULTATION)
    req = s.close(actor=world.agent, request=req, expected_version=req.version)
    assert req.status == Status.CLOSED


@override_settings(AFTERSALES_RETURN_VISIT_REQUIRED_TYPES=[])
def test_the_close_rule_is_configurable(world: World) -> None:
    req = confirmed(world)
    req = s.close(actor=world.agent, request=req, expected_version=req.version)
    assert req.status == Status.CLOSED


def test_an_outsider_department_neither_sees_nor_records_the_visit(world: World) -> None:
    visit = visit_of(confirmed(world))
    assert not ReturnVisit.objects.visible_to(world.outsider_manager).exists()
    assert not ReturnVisit.objects.visible_to(world.acme_portal).exists()
    with pytest.raises(PermissionDenied):
        rv.record_return_visit(
            actor=world.outsider_manager,
            visit=visit,
            expected_version=visit.version,
            method=ContactMethod.PHONE,
            rating=Rating.SATISFIED,
            solved=True,
        )


def test_a_stale_version_changes_nothing(world: World) -> None:
    visit = visit_of(confirmed(world))
    with pytest.raises(Conflict):
        rv.record_return_visit(
            actor=world.office,
            visit=visit,
            expected_version=visit.version + 1,
            method=ContactMethod.PHONE,
            rating=Rating.SATISFIED,
            solved=True,
        )


def _effective_report(world: World, req: Any) -> Any:
    from aftersales.testing.reports import report

    # Written by an engineer of another department, with hours booked by the manager.
    return report(req, author=world.outsider_engineer, labour={world.manager: "2"})


def test_an_effective_report_makes_the_visit_due_for_its_engineer(world: World) -> None:
    req = resolved(world)
    report = _effective_report(world, req)
    visit = visit_of(req)
    assert visit.report == report
    assert visit.engineer == world.outsider_engineer
    # Confirmation afterwards keeps the one visit.
    req.refresh_from_db()
    s.confirm_resolution(actor=world.agent, request=req, expected_version=req.version)
    assert ReturnVisit.objects.filter(request=req).count() == 1


def test_an_engineer_who_booked_hours_on_the_report_cannot_record_the_visit(
    world: World,
) -> None:
    req = resolved(world)
    _effective_report(world, req)
    visit = visit_of(req)
    with pytest.raises(PermissionDenied, match=r"someone else|回访须由他人"):
        rv.record_return_visit(
            actor=world.manager,
            visit=visit,
            expected_version=visit.version,
            method=ContactMethod.PHONE,
            rating=Rating.SATISFIED,
            solved=True,
        )
