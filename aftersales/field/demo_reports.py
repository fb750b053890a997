"""Demo service reports: a draft, one awaiting the customer, effective ones with drawn
signatures (one reviewed), and a correcting revision. Chinese first, like the paper form."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.core import clock
from aftersales.field.choices import VisitStatus
from aftersales.field.models import ServiceReport, Visit
from aftersales.field.services import reports as svc
from aftersales.parts.models import Part
from aftersales.service.choices import Status

# (fault found, cause, work done, customer's opinion, part code, old serial)
STORIES = [
    (
        "冷却水泵机械密封处渗漏，停机检查发现动环端面磨损。",
        "密封件超期使用，冷却水含沙量偏高。",
        "更换机械密封一套，清理密封腔，试运行两小时无渗漏。",
        "处理及时，工程师讲解清楚，满意。",
        "MS-200",
        "MS-2025-0415",
    ),
    (
        "主电机运行噪声大，轴承部位温度达 85℃。",
        "前端轴承润滑脂干涸，轴承滚道点蚀。",
        "更换前端轴承 6205，加注润滑脂，空载、负载各运行一小时，温升正常。",
        "希望下次保养时一并检查后端轴承。",
        "BR-6205",
        "",
    ),
    (
        "控制柜报“变频器过流”故障，设备无法启动。",
        "变频器散热风扇损坏，模块过热保护。",
        "更换散热风扇，清洁散热器和滤网，复位后连续运行正常。",
        "满意。",
        "FAN-120",
        "FAN-OLD-7781",
    ),
    (
        "液压站压力波动，保压时间不足。",
        "溢流阀阀芯卡滞，油液污染度超标。",
        "清洗溢流阀，更换液压油滤芯，调整系统压力至 16 MPa。",
        "已恢复正常，建议定期换油。",
        "FLT-10",
        "",
    ),
    (
        "输送带跑偏，边缘磨损严重。",
        "从动滚筒轴承座松动。",
        "紧固轴承座并重新调整张紧，运行半小时无跑偏。",
        "满意。",
        "",
        "",
    ),
]

PARTS = [
    ("MS-200", "机械密封 HP-200", "Mechanical seal HP-200", "套", Decimal("680.00")),
    ("BR-6205", "深沟球轴承 6205", "Deep-groove ball bearing 6205", "个", Decimal("45.00")),
    ("FAN-120", "变频器散热风扇 120mm", "Inverter cooling fan 120 mm", "个", Decimal("95.00")),
    ("FLT-10", "液压油滤芯 10μm", "Hydraulic filter element 10 µm", "个", Decimal("120.00")),
]


def signature(rng: random.Random, *, strokes: int = 3) -> bytes:
    """A believable hand-drawn signature: a few connected wavy strokes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x = 30
    for _ in range(strokes):
        points = []
        for _step in range(rng.randint(5, 9)):
            points.append((x, rng.randint(40, 120)))
            x += rng.randint(12, 26)
        draw.line(points, fill=(20, 20, 40, 255), width=4, joint="curve")
        x += rng.randint(10, 30)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _parts() -> dict[str, Part]:
    found = {p.code: p for p in Part.objects.filter(code__in=[c for c, *_ in PARTS])}
    for code, name, name_en, unit, cost in PARTS:
        if code not in found:
            found[code] = Part.objects.create(
                code=code, name=name, name_en=name_en, unit=unit, cost=cost
            )
    return found


def _when(moment: dt.datetime, hours: float) -> dt.datetime:
    return min(moment + dt.timedelta(hours=hours), clock.now() - dt.timedelta(minutes=5))


def build(world: Any, rng: random.Random) -> None:
    """Reports on a few requests of the after-sales department that had an engineer on site."""
    org = world.organisation
    service = org.departments["service"]
    engineers = org.with_role(Role.ENGINEER, "service")
    manager = service.manager
    director = org.with_role(Role.SERVICE_DIRECTOR)[0]
    parts = _parts()
    candidates = [
        r
        for r in world.service_requests
        if r.department_id == service.pk
        and r.equipment_id
        and r.status in (Status.ON_SITE, Status.RESOLVED, Status.CLOSED)
    ][:6]
    plan = ["effective_reviewed", "effective", "revision", "awaiting_customer", "draft"]
    for request, kind, story in zip(candidates, plan, STORIES, strict=False):
        engineer = rng.choice(engineers)
        start = request.on_site_at or request.received_at + dt.timedelta(hours=4)
        start = min(start, clock.now() - dt.timedelta(hours=6))
        with clock.at(start):
            visit = Visit.objects.create(
                request=request,
                window_start=start - dt.timedelta(minutes=30),
                window_end=start + dt.timedelta(hours=3),
                status=VisitStatus.DONE,
                arrived_at=start,
                left_at=start + dt.timedelta(hours=2, minutes=30),
            )
            visit.engineers.add(engineer)
            report = svc.create_report(actor=engineer, request=request, visit=visit)
            fault, cause, work, opinion, code, old_serial = story
            report = svc.save_draft(
                actor=engineer,
                report=report,
                expected_version=report.version,
                data={
                    "fault_found": fault,
                    "cause": cause,
                    "work_done": work,
                    "customer_opinion": opinion if kind != "draft" else "",
                },
                labour=[svc.LabourLine(engineer, Decimal(rng.choice(["2.0", "2.5", "3.5"])))],
                parts=[svc.PartLine(parts[code], Decimal("1"), old_serial)] if code else [],
            )
        if kind == "draft":
            continue
        with clock.at(_when(start, 2.5)):
            report = svc.submit_report(
                actor=engineer, report=report, expected_version=report.version
            )
        if kind == "awaiting_customer":
            continue
        signer = request.contact.name if request.contact else "现场负责人"
        with clock.at(_when(start, 2.6)):
            report = svc.sign_by_customer(
                actor=engineer,
                report=report,
                expected_version=report.version,
                signer_name=signer,
                signature=signature(rng),
            )
        with clock.at(_when(start, 26)):
            report = svc.sign_off(
                actor=manager,
                report=report,
                expected_version=report.version,
                signature=signature(rng, strokes=2),
            )
        if kind == "effective_reviewed":
            with clock.at(_when(start, 30)):
                svc.review_report(
                    actor=director,
                    report=report,
                    expected_version=report.version,
                    state="ok",
                    comment="处理规范，报告完整。",
                )
        if kind == "revision":
            with clock.at(_when(start, 28)):
                revision = svc.revise_report(actor=engineer, report=report)
                revision = svc.save_draft(
                    actor=engineer,
                    report=revision,
                    expected_version=revision.version,
                    data={"cause": cause + "（补充：现场复核确认。）"},
                )
                svc.submit_report(
                    actor=engineer, report=revision, expected_version=revision.version
                )


__all__ = ["ServiceReport", "build", "signature"]
