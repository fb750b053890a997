"""Service requests for tests of the apps built on them (field, parts, feedback, kpi)."""

from __future__ import annotations

from typing import Any

from aftersales.service import services
from aftersales.service.choices import Channel, Priority, RequestType
from aftersales.service.models import ServiceRequest
from aftersales.testing.world import World


def new_request(
    world: World, *, owner: Any = None, company: Any = None, **data: Any
) -> ServiceRequest:
    """A fault request registered by the agent (for acme unless ``company``), accepted by
    ``owner`` when given; other keywords go to the registration data (equipment, site...)."""
    company = company or world.acme
    values: dict[str, Any] = {
        "channel": Channel.PHONE,
        "request_type": RequestType.FAULT,
        "priority": Priority.P3,
        "company": company,
        "contact": world.acme_contact if company == world.acme else world.globex_contact,
        "title": "冷却水泵漏水",
        "description": "二号机组冷却水泵机械密封处漏水，需要尽快处理。",
        **data,
    }
    request = services.register_request(actor=world.agent, data=values)
    if owner is not None:
        request = services.accept_request(
            actor=world.agent, request=request, expected_version=None, owner=owner
        )
    return request
