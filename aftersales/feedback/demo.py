"""Demo feedback: return visits recorded by the office, key-account schedules, answered
surveys, complaints walked through their steps and suggestions answered (Chinese first)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.core import clock
from aftersales.customers.choices import Tier
from aftersales.feedback.choices import ComplaintStep, ContactMethod, Rating, Severity
from aftersales.feedback.models import Complaint, ReturnVisit, Survey
from aftersales.feedback.services import complaints as cs
from aftersales.feedback.services import returnvisits as rv
from aftersales.service.choices import RequestType, Status
from aftersales.service.models import ServiceRequest

COMMENTS = {
    Rating.VERY_SATISFIED: ["工程师响应很快，问题一次解决，非常满意。", "服务专业，讲解细致。"],
    Rating.SATISFIED: ["问题已解决，希望下次能更早到场。", "整体满意，备件到货稍慢。"],
    Rating.NEUTRAL: ["问题解决了，但沟通不够及时。"],
    Rating.DISSATISFIED: ["等待时间太长，影响了生产。"],
    Rating.VERY_DISSATISFIED: ["多次报修仍未彻底解决。"],
}
RATINGS = [Rating.VERY_SATISFIED] * 6 + [Rating.SATISFIED] * 3 + [Rating.NEUTRAL]


def _moment(world: Any, rng: random.Random, after: dt.datetime | None) -> dt.datetime:
    now = clock.now()
    base = (after or now) + dt.timedelta(hours=rng.randint(20, 72))
    return min(base, now - dt.timedelta(minutes=5))


def _record_visits(world: Any, rng: random.Random, office: list[Any]) -> None:
    visits = list(
        ReturnVisit.objects.filter(status="due", request__isnull=False)
        .select_related("request")
        .order_by("due_on", "id")
    )
    today = world.today
    for visit in visits:
        # Leave the recent ones due (and a few overdue) for the office's list.
        if visit.due_on >= today - dt.timedelta(days=2) or rng.random() < 0.08:
            continue
        workers = rv.workers_of(visit)
        clerk = next((u for u in office if u.pk not in workers), None)
        if clerk is None:
            continue
        rating = rng.choice(RATINGS) if rng.random() > 0.05 else Rating.DISSATISFIED
        praised = (
            [visit.engineer]
            if visit.engineer and rating == Rating.VERY_SATISFIED and rng.random() < 0.4
            else []
        )
        with clock.at(_moment(world, rng, visit.request.confirmed_at if visit.request else None)):
            rv.record_return_visit(
                actor=clerk,
                visit=visit,
                expected_version=visit.version,
                method=rng.choice(
                    [ContactMethod.PHONE] * 4 + [ContactMethod.EMAIL, ContactMethod.IN_PERSON]
                ),
                rating=rating,
                praised=praised,
                solved=True,
                comments=rng.choice(COMMENTS[rating]),
            )


def visit_before_close(request: Any, rng: random.Random, staff: list[Any]) -> None:
    """The return visit the office makes before a demo request is closed (now, by the
    story's clock), by someone who did not do the work."""
    from django.conf import settings

    if request.request_type not in settings.AFTERSALES_RETURN_VISIT_REQUIRED_TYPES:
        return
    visit = ReturnVisit.objects.filter(request=request, round=request.reopen_count).first()
    if visit is None:
        clerk = next((u for u in staff if u.pk != request.owner_id), staff[0])
        visit = rv.ensure_return_visit(actor=clerk, request=request)
    if visit.status != "due":
        return
    workers = rv.workers_of(visit)
    candidates = [
        u for u in staff if u.pk not in workers and u.has_perm("feedback.change_returnvisit")
    ]
    if not candidates:
        return
    rating = rng.choice(RATINGS) if rng.random() > 0.05 else Rating.DISSATISFIED
    praise = visit.engineer and rating == Rating.VERY_SATISFIED and rng.random() < 0.4
    rv.record_return_visit(
        actor=rng.choice(candidates),
        visit=visit,
        expected_version=visit.version,
        method=rng.choice(
            [ContactMethod.PHONE] * 4 + [ContactMethod.EMAIL, ContactMethod.IN_PERSON]
        ),
        rating=rating,
        praised=[visit.engineer] if praise else [],
        solved=True,
        comments=rng.choice(COMMENTS[rating]),
    )


def _schedules(world: Any, rng: random.Random, office: list[Any]) -> None:
    for company in world.customers.companies.values():
        if company.tier != Tier.KEY:
            continue
        rv.save_schedule(
            actor=office[0],
            company=company,
            interval_months=rng.choice([3, 3, 6]),
            next_due_on=world.today - dt.timedelta(days=rng.randint(0, 20)),
            notes="季度回访：设备运行情况、培训需求",
        )
    rv.create_periodic_visits(on=world.today)


def _surveys(rng: random.Random) -> None:
    for survey in Survey.objects.filter(answered_at__isnull=True).order_by("id"):
        if rng.random() < 0.4:
            continue
        scores = [rng.choice([5, 5, 5, 4, 4, 3]) for _ in range(3)]
        answered = min(survey.sent_at + dt.timedelta(hours=rng.randint(2, 48)), clock.now())
        Survey.objects.filter(pk=survey.pk).update(
            answered_at=answered,
            attitude=scores[0],
            speed=scores[1],
            result=scores[2],
            comment=rng.choice(["", "", "工程师态度很好。", "希望响应再快一些。"]),
            language="zh-hans",
        )


def _complaints(world: Any, rng: random.Random) -> None:
    agents = world.organisation.with_role(Role.AGENT)
    departments = [
        d
        for d in world.organisation.departments.values()
        if d.kind in (DepartmentKind.TECHNICAL, DepartmentKind.SERVICE, DepartmentKind.QUALITY)
    ]
    for complaint in Complaint.objects.select_related("request").order_by("id"):
        agent = agents[complaint.pk % len(agents)]
        if complaint.step != ComplaintStep.CONFIRM:
            continue
        req = complaint.request
        if req.status in (Status.CLOSED, Status.CANCELLED):
            continue
        with clock.at(_moment(world, rng, req.received_at - dt.timedelta(hours=12))):
            cs.update_opinion(
                actor=agent,
                complaint=complaint,
                expected_version=complaint.version,
                opinion=f"{req.title}。客户对处理进度不满意，要求尽快给出书面答复。",
                demand="尽快彻底解决，并说明原因。",
            )
            complaint.refresh_from_db()
            complaint = cs.confirm_complaint(
                actor=agent,
                complaint=complaint,
                expected_version=complaint.version,
                problem="经与客户电话确认：设备反复出现同一故障，影响正常生产。",
                preliminary_solution="24小时内安排高级工程师到场排查，同时提供备用机。",
            )
        if rng.random() < 0.3 or not departments:
            continue
        chosen = rng.sample(departments, k=min(2, len(departments)))
        manager = world.organisation.manager_of(chosen[0].code)
        with clock.at(_moment(world, rng, complaint.confirmed_at)):
            complaint = cs.plan_complaint(
                actor=agent,
                complaint=complaint,
                expected_version=complaint.version,
                severity=rng.choice([Severity.MINOR, Severity.MAJOR]),
                plan="技术部分析故障根因，售后服务部负责现场整改并跟踪一个月。",
                parts=[
                    {
                        "department": d,
                        "task": "提交分析报告" if i == 0 else "现场整改并回访",
                        "due_on": None,
                    }
                    for i, d in enumerate(chosen)
                ],
            )
            for part in complaint.parts.select_related("department"):
                if rng.random() < 0.5:
                    cs.complete_part(
                        actor=part.department.manager or manager,
                        part=part,
                        result="已完成，见附件报告。",
                    )


def _suggestions(world: Any, rng: random.Random) -> None:
    agents = world.organisation.with_role(Role.AGENT)
    technical = [
        d for d in world.organisation.departments.values() if d.kind == DepartmentKind.TECHNICAL
    ]
    if not technical or not agents:
        return
    for req in ServiceRequest.objects.filter(request_type=RequestType.SUGGESTION).order_by("id"):
        with clock.at(_moment(world, rng, req.received_at - dt.timedelta(hours=18))):
            suggestion = cs.route_suggestion(
                actor=agents[0], request=req, department=technical[0], note="请评估并答复客户。"
            )
            manager = technical[0].manager
            if manager is not None and rng.random() < 0.6:
                cs.answer_suggestion(
                    actor=manager,
                    suggestion=suggestion,
                    expected_version=suggestion.version,
                    answer="感谢您的建议！我们已列入下一版本的改进计划，预计下季度发布。",
                )


def build(world: Any, rng: random.Random) -> None:
    """Add the feedback records to the loaded demo."""
    office = world.organisation.with_role(Role.OFFICE)
    if not office:
        return
    _record_visits(world, rng, office)
    _schedules(world, rng, office)
    _surveys(rng)
    _complaints(world, rng)
    _suggestions(world, rng)
