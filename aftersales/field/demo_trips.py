"""Demo data of trips and visits: every demo request that goes on site is dispatched through
an approved trip plan (the only way there is), plus engineers' skills, plans waiting in each
state, and visits booked for today."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING, Any

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core import clock
from aftersales.core.clock import now as clock_now
from aftersales.field.models.trips import EngineerSkill, StepRole, TripPlan, TripScope
from aftersales.field.services import trips, visits
from aftersales.service.choices import Status
from aftersales.service.models import ServiceRequest

if TYPE_CHECKING:
    from aftersales.demo.build import DemoWorld

WORK = [
    "更换机械密封并试机",
    "现场排查异响原因",
    "更换轴承，校正联轴器",
    "调试变频器参数",
    "年度保养与巡检",
]
TOOLS = ["百分表、扭力扳手、密封安装工装", "测振仪、红外测温枪", "万用表、笔记本电脑、调试线"]
PARTS = ["机械密封 2 套、O 型圈若干", "轴承 6309 两只", "变频器控制板 1 块"]
DOCUMENTS = ["设备档案、维修记录表、售后服务报告", "安装手册、调试记录表"]
REJECTIONS = ["出差人数不够，请加派一名工程师", "请先与客户确认到场时间"]


def _role_holders() -> dict[str, Any]:
    first = {
        role: User.objects.filter(is_active=True, groups__name=role).order_by("pk").first()
        for role in (Role.BUSINESS_MANAGER, Role.OFFICE, Role.VP)
    }
    return {
        StepRole.BUSINESS_MANAGER: first[Role.BUSINESS_MANAGER],
        StepRole.OFFICE: first[Role.OFFICE],
        StepRole.VP: first[Role.VP],
    }


def _engineers_for(request: ServiceRequest, planner: Any) -> list[Any]:
    if planner.groups.filter(name=Role.ENGINEER).exists():
        return [planner]
    found = (
        User.objects.filter(
            is_active=True, groups__name=Role.ENGINEER, department_id=request.department_id
        )
        .order_by("pk")
        .first()
    )
    return [found] if found else []


def _plan(request: ServiceRequest, planner: Any, rng: random.Random, *, local: bool) -> TripPlan:
    start = clock_now()
    return trips.create_plan(
        actor=planner,
        requests=[request],
        data={
            "engineers": _engineers_for(request, planner),
            "scope": TripScope.LOCAL if local else TripScope.OUT_OF_TOWN,
            "departure_at": start,
            "return_at": start + dt.timedelta(hours=rng.choice([8, 24, 48])),
            "work_content": rng.choice(WORK),
            "tools": rng.choice(TOOLS),
            "parts": rng.choice(PARTS),
            "documents": rng.choice(DOCUMENTS),
        },
    )


def _approve(plan: TripPlan, steps: int | None = None, holders: dict[str, Any] | None = None):
    holders = holders or _role_holders()
    plan = trips.submit_plan(actor=plan.planner, plan=plan, expected_version=plan.version)
    done = 0
    while (step := trips.current_step(plan)) is not None and (steps is None or done < steps):
        actor = (
            plan.department.manager
            if step.role == StepRole.DEPARTMENT_MANAGER
            else holders[step.role]
        )
        plan = trips.decide(actor=actor, plan=plan, expected_version=plan.version, approve=True)
        done += 1
    return plan


def dispatch_through_plan(
    *, request: ServiceRequest, planner: Any, rng: random.Random, local: bool
) -> ServiceRequest:
    """Plan the trip for ``request`` and have every approver approve it now (the demo's
    stories run on a clock of their own, so the approvals land at the moment of dispatch)."""
    _approve(_plan(request, planner, rng, local=local))
    return ServiceRequest.objects.get(pk=request.pk)


def build(world: DemoWorld, rng: random.Random) -> None:
    """Skills for every engineer; plans in draft, in approval and rejected; today's visits."""
    org = world.organisation
    lines = list({e.product_model.line_id: e.product_model.line for e in world.equipment}.values())
    today = world.today
    for engineer in [u for u in org.users.values() if u.groups.filter(name=Role.ENGINEER).exists()]:
        for line in rng.sample(lines, k=min(len(lines), rng.randint(1, 3))):
            since = today - dt.timedelta(days=rng.randint(60, 1500))
            expired = rng.random() < 0.15
            EngineerSkill.objects.create(
                engineer=engineer,
                product_line=line,
                certified_since=since,
                certified_until=today - dt.timedelta(days=10) if expired else None,
                note="厂家培训认证" if not expired else "证书已过期，待复训",
            )
    waiting = list(
        ServiceRequest.objects.filter(status__in=[Status.ACCEPTED, Status.IN_PROGRESS])
        .exclude(trip_plans__isnull=False)
        .exclude(owner__isnull=True)
        .select_related("owner", "department__manager")
        .order_by("pk")[:5]
    )
    holders = _role_holders()
    with clock.at(clock_now()):
        for index, request in enumerate(waiting):
            planner = request.owner
            if not trips.may_plan(planner, request) or not _engineers_for(request, planner):
                continue
            plan = _plan(request, planner, rng, local=index % 2 == 0)
            if index == 1:
                _approve(plan, steps=1, holders=holders)  # waits for the business manager
            elif index == 2:
                plan = trips.submit_plan(
                    actor=plan.planner, plan=plan, expected_version=plan.version
                )
                manager = plan.department.manager
                trips.decide(
                    actor=manager,
                    plan=plan,
                    expected_version=plan.version,
                    approve=False,
                    comment=rng.choice(REJECTIONS),
                )
            elif index == 3:
                _approve(plan, steps=2, holders=holders)
        # Dispatched requests get today's appointment, so engineers find them on the phone.
        start = clock_now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
        for request in ServiceRequest.objects.filter(status=Status.DISPATCHED).order_by("pk")[:8]:
            found = request.trip_plans.order_by("-pk").first()
            engineers = list(found.engineers.all()) if found else []
            if not engineers or request.owner is None:
                continue
            visits.schedule_visit(
                actor=request.owner,
                request=request,
                engineers=engineers,
                window_start=start,
                window_end=start + dt.timedelta(hours=2),
                note="已与客户电话确认到场时间",
                trip_plan=found,
            )
