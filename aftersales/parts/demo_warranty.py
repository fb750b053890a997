"""Demo warranty decisions (三包一赔), quotations, suppliers and supplier service notices.

Runs after the demo requests (``DEMO_EXTENSIONS``): every record goes through the service
functions inside ``clock.at(moment)``, so history rows carry the day the work happened.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from aftersales.core import clock
from aftersales.parts.models.suppliers import CostBearer
from aftersales.parts.models.warranty import Outcome
from aftersales.parts.services import suppliers as sup
from aftersales.parts.services import warranty as w
from aftersales.service.choices import Status

if TYPE_CHECKING:
    from aftersales.demo.build import DemoWorld

SUPPLIERS = [
    {
        "name": "江南密封件有限公司",
        "name_en": "Jiangnan Seals Co., Ltd.",
        "contact_name": "王强",
        "phone": "0512-66668888",
    },
    {
        "name": "华东轴承制造厂",
        "name_en": "East China Bearing Works",
        "contact_name": "钱芳",
        "phone": "021-58881234",
    },
    {
        "name": "苏州汇川电机有限公司",
        "name_en": "Suzhou Huichuan Motors",
        "contact_name": "孙涛",
        "phone": "0512-65432100",
    },
]

# (supplier index, problem, model, quantity, cost bearer, what happens)
NOTICES = [
    (
        0,
        "机械密封运行约三周后渗漏，拆检发现动环端面有裂纹，疑为材质缺陷。",
        "MS-45 机械密封",
        2,
        CostBearer.SUPPLIER,
        "solved",
    ),
    (
        1,
        "减速机输出轴轴承异响、温升超过 75℃，更换后仍复发。",
        "6312-2RS 深沟球轴承",
        4,
        CostBearer.SUPPLIER,
        "responded",
    ),
    (
        2,
        "变频电机启动时过流保护频繁动作，现场测得绕组绝缘电阻偏低。",
        "YVF2-160M-4 变频电机",
        1,
        CostBearer.SHARED,
        "overdue",
    ),
]
CLOSED = {Status.CLOSED, Status.CANCELLED}


def _at(moment: dt.datetime, hours: int) -> dt.datetime:
    return min(moment + dt.timedelta(hours=hours), timezone.now())


def _decide(world: DemoWorld, rng: random.Random) -> None:
    org = world.organisation
    agent = org.users["wang.fang"]
    manager = org.users["li.ming"]
    director = org.users["wang.jianhua"]
    candidates = [
        sr
        for sr in world.service_requests
        if sr.equipment_id is not None and sr.status not in CLOSED and sr.owner_id is not None
    ]
    rng.shuffle(candidates)
    plans = [Outcome.REPAIR, Outcome.REPAIR, Outcome.COMPENSATION, Outcome.RETURN]
    charged = 0
    for sr in candidates[:14]:
        unit = sr.equipment
        assert unit is not None
        fault = timezone.localdate(sr.received_at)
        in_warranty = unit.in_warranty(fault)
        owner = sr.owner
        decider = owner if owner and owner.has_perm("parts.add_warrantydecision") else agent
        approver = manager if sr.department_id == manager.department_id else director
        moment = _at(sr.received_at, 6)
        if in_warranty and plans:
            outcome = plans.pop(0)
            condition = {
                Outcome.REPAIR: "cond_defect_endangers",
                Outcome.RETURN: "cond_not_to_spec",
                Outcome.COMPENSATION: "cond_major_loss",
            }[outcome]
            amount = {
                Outcome.REPAIR: Decimal("1860.00"),
                Outcome.RETURN: unit.contract_amount,
                Outcome.COMPENSATION: Decimal("35000.00"),
            }[outcome]
            reason = {
                Outcome.REPAIR: "制造原因导致密封失效，继续运行有安全隐患，按包修处理。",
                Outcome.RETURN: "到货设备功率与合同约定规格不符，按包退处理。",
                Outcome.COMPENSATION: "主泵质量问题导致用户停产两天，经协商按包赔处理。",
            }[outcome]
            if outcome in {Outcome.RETURN, Outcome.COMPENSATION}:
                approver = director
            with clock.at(moment):
                decision = w.propose_decision(
                    actor=decider,
                    request=sr,
                    outcome=outcome,
                    fault_date=fault,
                    conditions={condition: True},
                    reason=reason,
                    amount=amount,
                )
            with clock.at(_at(moment, 3)):
                if approver.pk != decider.pk:
                    w.approve_decision(
                        actor=approver, decision=decision, expected_version=1, comment="同意。"
                    )
        elif in_warranty is False and charged < 3:
            charged += 1
            with clock.at(moment):
                decision = w.propose_decision(
                    actor=decider,
                    request=sr,
                    outcome=Outcome.CHARGEABLE,
                    fault_date=fault,
                    conditions={},
                    reason="设备已过三包期，按有偿服务处理。",
                )
                quotation = decision.quotation
                w.add_quotation_line(
                    actor=decider,
                    quotation=quotation,
                    description="更换机械密封组件",
                    quantity="1",
                    unit_price="1280.00",
                )
                w.add_quotation_line(
                    actor=decider,
                    quotation=quotation,
                    description="现场维修工时（每小时）",
                    quantity="4",
                    unit_price="180.00",
                )
            with clock.at(_at(moment, 2)):
                w.approve_decision(actor=approver, decision=decision, expected_version=1)
                quotation.refresh_from_db()
                quotation = w.offer_quotation(
                    actor=decider,
                    quotation=quotation,
                    expected_version=quotation.version,
                    valid_until=timezone.localdate(clock.now()) + dt.timedelta(days=30),
                )
            if charged < 3 and sr.contact is not None:
                with clock.at(_at(moment, 20)):
                    w.answer_quotation(
                        actor=agent,
                        quotation=quotation,
                        expected_version=quotation.version,
                        accept=True,
                        signatory=f"{sr.contact.name}（电话确认）",
                    )


def _notify(world: DemoWorld, rng: random.Random) -> None:
    org = world.organisation
    purchasing = org.manager_of("purchasing")
    writer = org.users["wang.fang"]  # after-sales writes; purchasing follows the supplier
    rater = org.users["li.ming"]
    suppliers = [sup.create_supplier(actor=purchasing, data=spec) for spec in SUPPLIERS]
    requests = [
        sr for sr in world.service_requests if sr.site_id is not None and sr.contact is not None
    ]
    rng.shuffle(requests)
    now = timezone.now()
    for (index, problem, model, quantity, bearer, fate), sr in zip(NOTICES, requests, strict=False):
        start = now - dt.timedelta(days=12 if fate != "responded" else 4)
        with clock.at(start):
            notice = sup.create_notice(
                actor=writer,
                data={
                    "supplier": suppliers[index],
                    "request": sr,
                    "problem": problem,
                    "model": model,
                    "quantity": quantity,
                    "required_by": timezone.localdate(start) + dt.timedelta(days=7),
                    "cost_bearer": bearer,
                    "cost_note": "质量问题产生的费用双方各承担一半"
                    if bearer == CostBearer.SHARED
                    else "",
                },
            )
            notice = sup.send_notice(actor=writer, notice=notice, expected_version=1)
        with clock.at(start + dt.timedelta(days=1)):
            notice = sup.record_response(
                actor=purchasing,
                notice=notice,
                expected_version=notice.version,
                response="已收到通知，安排服务工程师两日内到现场处理。",
            )
        if fate == "solved":
            with clock.at(start + dt.timedelta(days=5)):
                sup.solve_notice(
                    actor=rater,
                    notice=notice,
                    expected_version=notice.version,
                    outcome="供应商现场更换两套密封组件，试运行 72 小时无渗漏。",
                    quality=4,
                )
    # The overdue notice is escalated to purchasing as the periodic sweep would.
    sup.escalate_overdue()


def build(world: DemoWorld, rng: random.Random) -> None:
    """Warranty decisions with quotations, and supplier notices in every state."""
    _decide(world, rng)
    _notify(world, rng)


__all__: list[Any] = ["build"]
