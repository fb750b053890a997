"""Building blocks of the service-report tests: a request with a visit, parts, signatures."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from aftersales.core import clock
from aftersales.field.models import ServiceReport, Visit
from aftersales.field.services import reports as svc
from aftersales.parts.models import Part
from aftersales.testing.factories import EquipmentFactory
from aftersales.testing.requests import new_request
from aftersales.testing.world import World


def signature_png(*, blank: bool = False) -> bytes:
    """A drawn signature as the canvas sends it: black strokes on a transparent ground."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 80), (80, 30), (140, 90), (220, 25), (280, 70)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def parts(world: World) -> tuple[Part, Part]:
    """A seal that fits the world's pump model and a bearing that fits nothing in particular."""
    seal = Part.objects.create(code="MS-200", name="机械密封", name_en="Mechanical seal")
    seal.compatible_models.add(world.model)
    bearing = Part.objects.create(code="BR-6205", name="轴承 6205", name_en="Bearing 6205")
    return seal, bearing


def request_with_visit(world: World, *, company: Any = None) -> tuple[Any, Visit]:
    """A request owned by the engineer, with a unit of the pump model and a finished visit."""
    company = company or world.acme
    unit = EquipmentFactory(company=company, product_model=world.model)
    engineer = world.engineer if company == world.acme else world.outsider_engineer
    request = new_request(world, owner=engineer, company=company, equipment=unit)
    start = clock.now() - dt.timedelta(hours=5)
    visit = Visit.objects.create(
        request=request,
        window_start=start,
        window_end=start + dt.timedelta(hours=4),
        arrived_at=start + dt.timedelta(minutes=30),
    )
    visit.engineers.add(engineer)
    return request, visit


def written_report(world: World, *, company: Any = None) -> ServiceReport:
    """A draft with text, hours and a part, ready to be submitted."""
    request, visit = request_with_visit(world, company=company)
    engineer = request.owner
    report = svc.create_report(actor=engineer, request=request, visit=visit)
    seal = Part.objects.filter(code="MS-200").first() or parts(world)[0]
    return svc.save_draft(
        actor=engineer,
        report=report,
        expected_version=report.version,
        data={
            "fault_found": "二号机组冷却水泵机械密封磨损，漏水。",
            "cause": "密封件超期使用。",
            "work_done": "更换机械密封，试运行两小时无泄漏。",
            "customer_opinion": "处理及时，满意。",
        },
        labour=[svc.LabourLine(engineer, Decimal("3.5"))],
        parts=[svc.PartLine(seal, Decimal("1"), "MS-OLD-0091")],
    )


def effective_report(world: World) -> ServiceReport:
    """A report signed by the customer on the device and signed off by the manager."""
    report = written_report(world)
    report = svc.submit_report(actor=world.engineer, report=report, expected_version=report.version)
    report = svc.sign_by_customer(
        actor=world.engineer,
        report=report,
        expected_version=report.version,
        signer_name="张伟",
        signature=signature_png(),
    )
    return svc.sign_off(
        actor=world.manager,
        report=report,
        expected_version=report.version,
        signature=signature_png(),
    )
