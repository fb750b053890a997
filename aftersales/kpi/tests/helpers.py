"""Small builders for the kpi tests: return visits recorded directly (the feedback app's
recording service is built elsewhere) and requests with a unit of a known amount."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.utils import timezone

from aftersales.customers.models import Equipment
from aftersales.feedback.choices import ReturnVisitStatus
from aftersales.feedback.models import ReturnVisit
from aftersales.service.models import ServiceRequest
from aftersales.testing import factories as f
from aftersales.testing.requests import new_request
from aftersales.testing.world import World

SHANGHAI = timezone.get_default_timezone()


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment in the company's zone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def unit(
    world: World, amount: str = "100000.00", *, project_amount: str | None = None
) -> Equipment:
    """A unit of acme with its own contract amount (and a project when asked)."""
    project = None
    if project_amount is not None:
        project = f.ProjectFactory(company=world.acme, contract_amount=Decimal(project_amount))
    created = f.EquipmentFactory(
        company=world.acme,
        product_model=world.model,
        project=project,
        contract_amount=Decimal(amount),
    )
    return cast(Equipment, created)


def order(world: World, *, engineer: Any = None, amount: str = "100000.00") -> ServiceRequest:
    """A request on a unit worth ``amount``, owned by ``engineer`` (default: the engineer)."""
    return new_request(world, owner=engineer or world.engineer, equipment=unit(world, amount))


def visit(
    world: World,
    *,
    rating: int,
    when: dt.datetime,
    engineer: Any = None,
    request: ServiceRequest | None = None,
    praised: Iterable[Any] = (),
    round: int = 0,
) -> ReturnVisit:
    """A return visit recorded at ``when`` by the office, rating the engineer's work (in the
    request's ``round`` of work: a reopened request is visited again)."""
    engineer = engineer or world.engineer
    rv = ReturnVisit.objects.create(
        request=request,
        company=request.company if request is not None else world.acme,
        engineer=engineer,
        due_on=when.date(),
        status=ReturnVisitStatus.DONE,
        done_by=world.office,
        done_at=when,
        rating=rating,
        round=round,
    )
    rv.praised.set(list(praised))
    return rv
