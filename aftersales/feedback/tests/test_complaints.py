"""Complaints in three steps with the departments' parts; the opinion form; suggestions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import history_for
from aftersales.feedback.choices import ComplaintStep, ContactMethod, Rating, Severity
from aftersales.feedback.models import Complaint, Suggestion
from aftersales.feedback.services import complaints as cs
from aftersales.feedback.services import returnvisits as rv
from aftersales.feedback.tests.helpers import visit_of
from aftersales.service import services as s
from aftersales.service.choices import MessageKind, RequestType
from aftersales.service.models import Message
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _complaint(world: World) -> Complaint:
    req = new_request(world, owner=world.engineer, request_type=RequestType.COMPLAINT)
    return Complaint.objects.get(request=req)


def _confirmed(world: World) -> Complaint:
    c = _complaint(world)
    return cs.confirm_complaint(
        actor=world.agent,
        complaint=c,
        expected_version=c.version,
        problem="二号泵三次维修后仍漏水",
        preliminary_solution="明日派高级工程师到场，先更换整套密封。",
    )


def _planned(world: World) -> Complaint:
    c = _confirmed(world)
    return cs.plan_complaint(
        actor=world.manager,
        complaint=c,
        expected_version=c.version,
        severity=Severity.MAJOR,
        plan="技术部分析密封失效原因；售后部更换并跟踪。",
        parts=[
            {"department": world.technical, "task": "失效分析报告", "due_on": None},
            {"department": world.service, "task": "更换密封并试机", "due_on": None},
        ],
    )


def test_an_accepted_complaint_gets_its_record_with_the_24_hour_promise(world: World) -> None:
    c = _complaint(world)
    assert c.step == ComplaintStep.CONFIRM
    delta = c.confirm_due_at - c.request.received_at
    assert dt.timedelta(hours=23, minutes=59) <= delta <= dt.timedelta(hours=24, minutes=1)


def test_step_one_replies_to_the_customer_and_records_the_time(world: World) -> None:
    c = _confirmed(world)
    assert c.step == ComplaintStep.PLAN
    assert c.confirmed_in_time is True
    assert c.confirmed_by == world.agent
    reply = Message.objects.filter(request=c.request, kind=MessageKind.REPLY).last()
    assert reply is not None and "明日派高级工程师" in reply.body
    assert "complaint_confirm" in [h.action for h in history_for(c)]
    assert "complaint_confirm" in [h.action for h in history_for(c.request)]


def test_a_late_confirmation_is_recorded_as_late(world: World) -> None:
    c = _complaint(world)
    with clock.at(c.confirm_due_at + dt.timedelta(hours=1)):
        c = cs.confirm_complaint(
            actor=world.agent,
            complaint=c,
            expected_version=c.version,
            problem="问题",
            preliminary_solution="方案",
        )
    assert c.confirmed_in_time is False


def test_step_one_names_missing_fields(world: World) -> None:
    c = _complaint(world)
    with pytest.raises(ValidationError) as exc:
        cs.confirm_complaint(
            actor=world.agent,
            complaint=c,
            expected_version=c.version,
            problem="",
            preliminary_solution=" ",
        )
    assert set(exc.value.message_dict) == {"problem", "preliminary_solution"}


def test_steps_go_in_order(world: World) -> None:
    c = _complaint(world)
    with pytest.raises(Conflict):
        cs.execute_complaint(
            actor=world.agent, complaint=c, expected_version=c.version, execution="做完了"
        )


def test_each_department_marks_only_its_own_part(world: World) -> None:
    c = _planned(world)
    technical_part = c.parts.get(department=world.technical)
    with pytest.raises(PermissionDenied):
        cs.complete_part(actor=world.engineer, part=technical_part, result="不是我们的")
    cs.complete_part(actor=world.outsider_engineer, part=technical_part, result="密封材质不符")
    technical_part.refresh_from_db()
    assert technical_part.done_by == world.outsider_engineer
    assert "complaint_part_done" in [h.action for h in history_for(c)]


def test_the_department_concerned_sees_the_complaint(world: World) -> None:
    c = _planned(world)
    assert Complaint.objects.visible_to(world.outsider_manager).filter(pk=c.pk).exists()
    assert not Complaint.objects.visible_to(world.production_manager).exists()
    assert not Complaint.objects.visible_to(world.acme_portal).exists()


def test_execution_waits_for_every_part_then_the_return_visit_finishes(world: World) -> None:
    c = _planned(world)
    with pytest.raises(ValidationError) as exc:
        cs.execute_complaint(
            actor=world.agent, complaint=c, expected_version=c.version, execution="已处理"
        )
    assert "execution" in exc.value.message_dict
    for part in c.parts.all():
        actor = world.outsider_engineer if part.department == world.technical else world.engineer
        cs.complete_part(actor=actor, part=part, result="完成")
    c = cs.execute_complaint(
        actor=world.agent, complaint=c, expected_version=c.version, execution="已更换整套密封"
    )
    assert c.step == ComplaintStep.RETURN_VISIT
    req = c.request
    req = s.start_work(actor=world.engineer, request=req, expected_version=req.version)
    req = s.resolve(
        actor=world.engineer, request=req, expected_version=req.version, resolution="好"
    )
    req = s.confirm_resolution(actor=world.agent, request=req, expected_version=req.version)
    visit = visit_of(req)
    rv.record_return_visit(
        actor=world.office,
        visit=visit,
        expected_version=visit.version,
        method=ContactMethod.IN_PERSON,
        rating=Rating.SATISFIED,
        solved=True,
    )
    c.refresh_from_db()
    assert c.step == ComplaintStep.DONE
    assert "complaint_visit" in [h.action for h in history_for(c)]


def test_a_plan_needs_a_department_and_a_severity(world: World) -> None:
    c = _confirmed(world)
    with pytest.raises(ValidationError) as exc:
        cs.plan_complaint(
            actor=world.manager,
            complaint=c,
            expected_version=c.version,
            severity="huge",
            plan="计划",
            parts=[],
        )
    assert set(exc.value.message_dict) == {"severity", "parts"}


def test_the_opinion_form_prints_as_a_pdf_with_embedded_fonts(world: World, tmp_path: Path) -> None:
    from aftersales.testing.pdf import fonts, to_png

    c = _planned(world)
    cs.update_opinion(
        actor=world.agent,
        complaint=c,
        expected_version=c.version,
        opinion="设备多次维修仍漏水，影响生产。",
        demand="要求更换新泵",
    )
    client = Client()
    client.force_login(world.agent)
    response = client.get(reverse("feedback:opinion-pdf", kwargs={"pk": c.request_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "opinion.pdf"
    path.write_bytes(response.content)
    used = fonts(path)
    assert used and all(embedded for _name, embedded in used)
    assert any("CJK" in name or "SC" in name for name, _e in used)
    assert to_png(path, "feedback-opinion-form")


def test_an_outsider_cannot_print_or_open_another_departments_complaint(world: World) -> None:
    c = _confirmed(world)
    client = Client()
    client.force_login(world.production_manager)
    assert client.get(reverse("feedback:complaint", kwargs={"pk": c.request_id})).status_code == 404
    assert (
        client.get(reverse("feedback:opinion-pdf", kwargs={"pk": c.request_id})).status_code == 404
    )


def test_the_complaint_page_walks_the_steps(world: World) -> None:
    c = _complaint(world)
    client = Client()
    client.force_login(world.agent)
    url = reverse("feedback:complaint", kwargs={"pk": c.request_id})
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"action": "confirm", "confirm-version": c.version, "confirm-problem": ""}
    )
    assert bad.status_code == 400
    assert "problem" in bad.context["forms"]["confirm"].errors
    ok = client.post(
        url,
        {
            "action": "confirm",
            "confirm-version": c.version,
            "confirm-problem": "漏水",
            "confirm-preliminary_solution": "更换密封",
        },
    )
    assert ok.status_code == 302
    c.refresh_from_db()
    page = client.post(
        url,
        {
            "action": "plan",
            "plan-version": c.version,
            "plan-severity": "minor",
            "plan-plan": "更换",
            "plan-department_0": world.service.pk,
            "plan-task_0": "更换密封",
        },
    )
    assert page.status_code == 302
    c.refresh_from_db()
    assert c.step == ComplaintStep.EXECUTE
    assert c.parts.count() == 1


# --- Suggestions ----------------------------------------------------------------------------


def _suggestion(world: World) -> Suggestion:
    req = new_request(world, request_type=RequestType.SUGGESTION, title="建议增加远程监控功能")
    return cs.route_suggestion(
        actor=world.agent, request=req, department=world.technical, note="请技术部答复"
    )


def test_a_suggestion_is_routed_and_answered_by_the_department(world: World) -> None:
    sg = _suggestion(world)
    assert Suggestion.objects.visible_to(world.outsider_manager).filter(pk=sg.pk).exists()
    with pytest.raises(PermissionDenied):
        cs.answer_suggestion(
            actor=world.engineer, suggestion=sg, expected_version=sg.version, answer="好"
        )
    sg = cs.answer_suggestion(
        actor=world.outsider_manager,
        suggestion=sg,
        expected_version=sg.version,
        answer="感谢建议，下一版本将提供远程监控模块。",
    )
    assert sg.answered_by == world.outsider_manager
    actions = [h.action for h in history_for(sg.request)]
    assert "suggestion_routed" in actions and "suggestion_answered" in actions


def test_the_answer_is_visible_on_the_customers_portal_only(world: World) -> None:
    sg = _suggestion(world)
    cs.answer_suggestion(
        actor=world.outsider_manager,
        suggestion=sg,
        expected_version=sg.version,
        answer="下一版本将提供远程监控模块。",
    )
    assert Suggestion.objects.visible_to(world.acme_portal).filter(pk=sg.pk).exists()
    assert not Suggestion.objects.visible_to(world.globex_portal).exists()
    client = Client()
    client.force_login(world.acme_portal)
    page = client.get(f"/portal/requests/{sg.request_id}/")
    assert page.status_code == 200
    assert "下一版本将提供远程监控模块" in page.content.decode()
    other = Client()
    other.force_login(world.globex_portal)
    assert other.get(f"/portal/requests/{sg.request_id}/").status_code == 404


def test_an_empty_answer_names_the_field(world: World) -> None:
    sg = _suggestion(world)
    with pytest.raises(ValidationError) as exc:
        cs.answer_suggestion(
            actor=world.outsider_manager, suggestion=sg, expected_version=sg.version, answer=""
        )
    assert "answer" in exc.value.message_dict


def test_only_suggestions_are_routed(world: World) -> None:
    req = new_request(world)
    with pytest.raises(ValidationError):
        cs.route_suggestion(actor=world.agent, request=req, department=world.technical)
