"""Trip plans for tests: a request is dispatched only by approving its plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aftersales.core.clock import now as clock_now
from aftersales.field.models.trips import TripPlan, TripScope
from aftersales.field.services import trips
from aftersales.service.models import ServiceRequest
from aftersales.testing.world import World


def plan_trip(
    world: World,
    *requests: ServiceRequest,
    planner: Any = None,
    engineers: list[Any] | None = None,
    scope: str = TripScope.OUT_OF_TOWN,
    **data: Any,
) -> TripPlan:
    """A draft plan by ``planner`` (the manager of the service department by default)."""
    start = data.pop("departure_at", None) or clock_now() + dt.timedelta(hours=1)
    return trips.create_plan(
        actor=planner or world.manager,
        requests=list(requests),
        data={
            "engineers": engineers or [world.engineer],
            "scope": scope,
            "departure_at": start,
            "return_at": data.pop("return_at", None) or start + dt.timedelta(hours=8),
            "work_content": "更换机械密封",
            **data,
        },
    )


def approvers(world: World, plan: TripPlan) -> dict[str, Any]:
    """Who holds each step for a plan of the service department."""
    manager = plan.department.manager or world.manager
    return {
        "department_manager": manager,
        "business_manager": world.business_manager,
        "office": world.office,
        "vp": world.vp,
    }


def approve_all(world: World, plan: TripPlan) -> TripPlan:
    """Submit (if a draft) and approve every step in order."""
    if plan.status == "draft":
        plan = trips.submit_plan(actor=plan.planner, plan=plan, expected_version=plan.version)
    who = approvers(world, plan)
    while (step := trips.current_step(plan)) is not None:
        plan = trips.decide(
            actor=who[step.role], plan=plan, expected_version=plan.version, approve=True
        )
    return plan


def dispatch_by_plan(world: World, request: ServiceRequest, **data: Any) -> ServiceRequest:
    """Dispatch ``request`` the only way there is: an approved trip plan."""
    planner = data.pop("planner", None) or request.owner or world.manager
    approve_all(world, plan_trip(world, request, planner=planner, **data))
    return ServiceRequest.objects.get(pk=request.pk)
