"""Requests brought to the point where feedback starts."""

from __future__ import annotations

from typing import Any

from aftersales.feedback.models import ReturnVisit
from aftersales.service import services as s
from aftersales.service.models import ServiceRequest
from aftersales.testing.requests import new_request
from aftersales.testing.world import World


def resolved(world: World, **data: Any) -> ServiceRequest:
    """A request owned by the engineer, worked and resolved."""
    req = new_request(world, owner=world.engineer, **data)
    req = s.start_work(actor=world.engineer, request=req, expected_version=req.version)
    return s.resolve(
        actor=world.engineer,
        request=req,
        expected_version=req.version,
        resolution="更换机械密封，试机正常。",
    )


def confirmed(world: World, **data: Any) -> ServiceRequest:
    """A resolved request the customer confirmed: its return visit is due."""
    req = resolved(world, **data)
    return s.confirm_resolution(actor=world.agent, request=req, expected_version=req.version)


def visit_of(req: ServiceRequest) -> ReturnVisit:
    """The request's return visit of its current round."""
    return ReturnVisit.objects.get(request=req, round=req.reopen_count)
