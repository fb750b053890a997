"""Demo data of stock, requisitions, shipments and old parts (Chinese first), written
through the services so that the ledger, balances and history read like real use.

Listed in ``demo.build.DEMO_EXTENSIONS`` as ``aftersales.parts.demo_stock``.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from aftersales.parts.choices_stock import MovementKind, Transport, WarrantyCover
from aftersales.parts.models import Part, Warehouse
from aftersales.parts.services import requisitions as rq
from aftersales.parts.services import returns, shipments, stock
from aftersales.service.choices import OPEN, WORKING

WAREHOUSES = (
    ("WH-SZ", "苏州总部备件库", "Suzhou central parts store", "江苏省苏州市工业园区星湖街 218 号"),
    ("WH-SH", "上海备件库", "Shanghai parts store", "上海市嘉定区叶城路 1288 号"),
    ("WH-GZ", "广州备件库", "Guangzhou parts store", "广州市黄埔区科学大道 99 号"),
)

# code, name, English name, unit, cost, wearing, reorder level, model codes, stock per store
PARTS: tuple[tuple[str, str, str, str, str, bool, int, tuple[str, ...], tuple[int, ...]], ...] = (
    (
        "RO-MEM-8040",
        "反渗透膜元件 8040",
        "RO membrane element 8040",
        "支",
        "3200.00",
        True,
        4,
        ("HT-RO-500", "HT-RO-2000"),
        (12, 4, 2),
    ),
    (
        "RO-HPP-15",
        "高压泵 15 m³/h",
        "High-pressure pump 15 m³/h",
        "台",
        "18600.00",
        False,
        1,
        ("HT-RO-2000",),
        (2, 0, 0),
    ),
    (
        "UF-MOD-60",
        "超滤膜组件",
        "Ultrafiltration module",
        "支",
        "5400.00",
        True,
        2,
        ("HT-UF-1000",),
        (3, 1, 0),
    ),
    ("EDI-STK-3", "EDI 模块", "EDI stack", "块", "26800.00", False, 1, ("HT-EDI-300",), (1, 0, 0)),
    (
        "SC-AE-75",
        "空气端 75 kW",
        "Air end 75 kW",
        "台",
        "42000.00",
        False,
        1,
        ("HT-SC-75",),
        (1, 0, 0),
    ),
    (
        "SC-OF-132",
        "油过滤器",
        "Oil filter",
        "个",
        "380.00",
        True,
        10,
        ("HT-SC-75", "HT-SC-132"),
        (40, 12, 8),
    ),
    (
        "SC-SEP-132",
        "油气分离芯",
        "Oil separator element",
        "个",
        "1650.00",
        True,
        4,
        ("HT-SC-75", "HT-SC-132"),
        (10, 3, 2),
    ),
    (
        "SC-INV-132",
        "变频器 132 kW",
        "Inverter 132 kW",
        "台",
        "35800.00",
        False,
        1,
        ("HT-SC-132",),
        (0, 0, 0),
    ),
    ("RD-EXP-30", "膨胀阀", "Expansion valve", "个", "960.00", False, 2, ("HT-RD-30",), (5, 2, 1)),
    (
        "AD-DES-20",
        "吸附剂（活性氧化铝）",
        "Desiccant (activated alumina)",
        "kg",
        "28.00",
        True,
        100,
        ("HT-AD-20",),
        (600, 150, 100),
    ),
    (
        "GEN-SEAL-45",
        "机械密封 45 mm",
        "Mechanical seal 45 mm",
        "套",
        "720.00",
        True,
        6,
        (),
        (20, 6, 4),
    ),
)

CARRIERS: dict[str, str] = {
    Transport.EXPRESS: "顺丰速运",
    Transport.RAIL: "中铁快运",
    Transport.COURIER: "",
}


def _user(world: Any, username: str) -> Any:
    return world.organisation.users[username]


def build(world: Any, rng: random.Random) -> None:
    """Warehouses, parts and stock; requisitions in every state; shipments in transit and
    received; a production reservation taken for a customer; old parts at each step."""
    keeper = _user(world, "luo.qiang")
    agent = _user(world, "wang.fang")
    production = _user(world, "ma.jun")
    qc = _user(world, "he.wei")
    stores = [
        Warehouse.objects.create(code=c, name=n, name_en=e, address=a, keeper=keeper)
        for c, n, e, a in WAREHOUSES
    ]
    models = world.catalogue.models
    parts: dict[str, Part] = {}
    for code, name, name_en, unit, cost, wearing, reorder, fits, amounts in PARTS:
        part = Part.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            unit=unit,
            cost=Decimal(cost),
            is_wearing=wearing,
            reorder_level=Decimal(reorder),
        )
        part.compatible_models.set([models[m] for m in fits if m in models])
        parts[code] = part
        for store, amount in zip(stores, amounts, strict=True):
            if amount:
                stock.receive_stock(
                    actor=keeper,
                    warehouse=store,
                    part=part,
                    quantity=amount,
                    reference=f"RK-{rng.randint(10000, 99999)}",
                    note="期初入库",
                )
    main = stores[0]
    stock.transfer_stock(
        actor=keeper,
        source=main,
        target=stores[1],
        part=parts["SC-OF-132"],
        quantity=6,
        note="补充上海库",
    )
    stock.adjust_stock(
        actor=keeper,
        warehouse=stores[2],
        part=parts["AD-DES-20"],
        quantity=-5,
        note="盘点短少 5 kg",
    )
    stock.issue_stock(
        actor=keeper,
        warehouse=main,
        part=parts["SC-SEP-132"],
        quantity=2,
        reference="生产令 MO-2026-0418",
    )
    stock.receive_stock(
        actor=keeper,
        warehouse=main,
        part=parts["GEN-SEAL-45"],
        quantity=1,
        kind=MovementKind.RETURN,
        reference="现场未用退回",
    )
    # Production holds the last separator elements of Shanghai; a customer needs them.
    stock.reserve_for_production(
        actor=production,
        warehouse=stores[1],
        part=parts["SC-SEP-132"],
        quantity=3,
        order="MO-2026-0502",
    )
    stock.reserve_for_production(
        actor=production,
        warehouse=main,
        part=parts["AD-DES-20"],
        quantity=200,
        order="MO-2026-0507",
    )

    working = [r for r in world.service_requests if r.status in WORKING and r.owner_id]
    open_ = [r for r in world.service_requests if r.status in OPEN and r not in working]
    pool = iter(working + open_)

    def raise_(lines: list[tuple[str, int]], store: Warehouse = main, reason: str = "") -> Any:
        request = next(pool)
        cover = WarrantyCover.IN_WARRANTY if rng.random() < 0.7 else WarrantyCover.CHARGEABLE
        return rq.raise_requisition(
            actor=agent,
            request=request,
            warehouse=store,
            reason=reason or "现场更换损坏配件，恢复设备运行",
            cover=cover,
            lines=[(parts[c], q) for c, q in lines],
        )

    def approve(req: Any) -> Any:
        return rq.approve_requisition(
            actor=production, requisition=req, expected_version=None, comment="同意，先顾客后生产"
        )

    def issue(req: Any) -> Any:
        return rq.issue_requisition(actor=keeper, requisition=approve(req), expected_version=None)

    gate = iter(range(1, 100))

    def ship(req: Any, transport: str) -> Any:
        lines = list(req.lines.select_related("part"))
        unit = req.request.equipment
        return shipments.register_shipment(
            actor=keeper,
            requisition=req,
            gate_pass=f"CMZ-{world.today:%Y%m}-{next(gate):03d}",
            destination=(req.request.site.address if req.request.site else "")
            or req.request.company.name,
            transport=transport,
            items=[(line.part, line.issued_quantity) for line in lines],
            product_model=unit.product_model if unit else None,
            carrier=CARRIERS[transport],
            tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}"
            if transport == Transport.EXPRESS
            else "",
        )

    # Shipped and received, shipped and in transit (the request waits for parts).
    for transport in (Transport.EXPRESS, Transport.RAIL):
        done = ship(issue(raise_([("SC-OF-132", 2), ("SC-SEP-132", 1)])), transport)
        shipments.receive_shipment(actor=done.request.owner, shipment=done, expected_version=None)
    ship(
        issue(raise_([("RO-MEM-8040", 2)], reason="产水电导率升高，更换两支反渗透膜")),
        Transport.EXPRESS,
    )
    ship(issue(raise_([("GEN-SEAL-45", 1)])), Transport.COURIER)
    # Issued, not yet shipped; ready; waiting for stock; customer first over production.
    issue(raise_([("RD-EXP-30", 1)]))
    approve(raise_([("UF-MOD-60", 1)]))
    approve(raise_([("SC-INV-132", 1)], reason="变频器炸机，需整机更换"))
    approve(raise_([("SC-SEP-132", 2)], store=stores[1], reason="客户停机待修，先顾客后生产"))
    # Awaiting approval, rejected, cancelled.
    raise_([("EDI-STK-3", 1)], reason="EDI 产水电阻率下降")
    rq.reject_requisition(
        actor=production,
        requisition=raise_([("SC-AE-75", 1)]),
        expected_version=None,
        comment="空气端可修复，请先返厂检测",
    )
    rq.cancel_requisition(
        actor=agent,
        requisition=approve(raise_([("AD-DES-20", 50)])),
        expected_version=None,
        reason="客户已自行采购",
    )

    # Old parts at every step.
    olds = [
        returns.expect_old_part(
            actor=working[i].owner if i < len(working) else agent,
            part=parts[code],
            quantity=1,
            request=working[i] if i < len(working) else None,
            old_serial=serial,
        )
        for i, (code, serial) in enumerate(
            [
                ("RO-MEM-8040", "FT8040-22A118"),
                ("SC-SEP-132", "SEP-132-0912"),
                ("RD-EXP-30", "EXV-30-5531"),
                ("SC-AE-75", "AE75-190233"),
            ]
        )
    ]
    for ret in olds[1:]:
        returns.receive_old_part(actor=keeper, ret=ret, expected_version=None)
    for ret in olds[2:]:
        returns.inspect_old_part(
            actor=qc, ret=ret, expected_version=None, findings="阀芯卡滞，密封面有划痕"
        )
    returns.decide_old_part(
        actor=qc,
        ret=olds[3],
        expected_version=None,
        outcome="supplier",
        note="属外购件质量问题，退供应商索赔",
    )
