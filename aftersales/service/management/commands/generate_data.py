"""Generate a large, realistic volume of service requests for benchmarks.

Fast by construction: rows are built in memory and written with bulk_create in chunks;
due times come from the same pure working-time functions the services use, so the SLA
columns are what real traffic would have produced. Not for production databases.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.accounts.models import Department, User
from aftersales.core.models import Sequence
from aftersales.customers.choices import RegionClass, Tier
from aftersales.customers.models import Company, Equipment, ProductLine, ProductModel
from aftersales.insight.stats import refresh_all
from aftersales.service import search
from aftersales.service.choices import Channel, Priority, RequestType, Status
from aftersales.service.models import ServiceRequest
from aftersales.sla import services as sla
from aftersales.sla.choices import TargetKind
from aftersales.sla.models import Clock, Policy

SYMPTOMS = [
    "漏水",
    "异响",
    "报警",
    "不启动",
    "压力低",
    "温度高",
    "振动大",
    "跳闸",
    "通讯中断",
    "产水量下降",
    "电导率超标",
    "电机过热",
    "阀门卡死",
    "显示屏黑屏",
    "传感器故障",
]
PARTS = [
    "冷却水泵",
    "反渗透膜组",
    "空压机",
    "变频器",
    "控制柜",
    "高压泵",
    "加药装置",
    "管道接头",
    "PLC模块",
    "流量计",
    "储气罐",
    "干燥机",
    "风机",
    "换热器",
]
DETAILS = [
    "客户来电反映{part}{symptom}，已持续两天，影响正常生产。",
    "现场操作员发现{part}{symptom}，请求尽快派工程师处理。",
    "{part}运行中出现{symptom}现象，客户已按手册排查无果。",
    "巡检时发现{part}{symptom}，需确认是否在三包期内。",
]
BATCH = 5000


class Command(BaseCommand):
    help = "Generate N service requests (with clocks) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, required=True)
        parser.add_argument("--companies", type=int, default=500)
        # A service organisation handles about ten requests per engineer and working day,
        # so a year of N requests needs about N / 2,500 engineers (at least 60).
        parser.add_argument("--engineers", type=int, default=None)
        parser.add_argument("--units", type=int, default=5000)
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--open-share", type=float, default=0.08)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **opts: Any) -> None:
        rng = random.Random(opts["seed"])
        if opts["engineers"] is None:
            opts["engineers"] = max(60, opts["requests"] // 2500)
        started = time.monotonic()
        world = self._world(rng, opts)
        self.stdout.write(f"base data ready in {time.monotonic() - started:.1f}s")
        cal = sla.load_calendar()
        now = timezone.now()
        total = opts["requests"]
        made = 0
        while made < total:
            size = min(BATCH, total - made)
            with transaction.atomic():
                self._batch(rng, world, cal, now, size, opts)
            made += size
            rate = made / (time.monotonic() - started)
            self.stdout.write(f"\r{made}/{total} requests ({rate:.0f}/s)", ending="")
            self.stdout.flush()
        self.stdout.write(
            f"\nlast number: {ServiceRequest.objects.aggregate(m=Max('number'))['m']}"
        )
        # The dashboard's period charts read daily statistics: count the generated days.
        stats = refresh_all()
        if stats:
            self.stdout.write(f"daily statistics rebuilt: {stats.daily_rows} rows")
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")

    # --- base data -----------------------------------------------------------------------

    def _world(self, rng: random.Random, opts: dict[str, Any]) -> dict[str, Any]:
        dept, _ = Department.objects.get_or_create(
            code="bench-service",
            defaults={
                "name": "压测售后部",
                "name_en": "Bench service",
                "kind": DepartmentKind.SERVICE,
            },
        )
        creator, _ = User.objects.get_or_create(
            username="bench.agent", defaults={"full_name": "压测客服", "department": dept}
        )
        creator.groups.add(Group.objects.get(name=Role.AGENT))
        engineers = []
        group = Group.objects.get(name=Role.ENGINEER)
        for i in range(opts["engineers"]):
            user, _ = User.objects.get_or_create(
                username=f"bench.eng{i:03d}",
                defaults={"full_name": f"工程师{i:03d}", "department": dept},
            )
            engineers.append(user)
        group.user_set.add(*engineers)
        line, _ = ProductLine.objects.get_or_create(
            code="bench-line", defaults={"name": "压测产品线"}
        )
        model, _ = ProductModel.objects.get_or_create(
            code="BENCH-1", defaults={"line": line, "name": "压测型号"}
        )
        existing = Company.objects.filter(code__startswith="BENCH-").count()
        Company.objects.bulk_create(
            [
                Company(
                    code=f"BENCH-{i:05d}",
                    name=f"压测客户{i:05d}有限公司",
                    tier=Tier.KEY if i % 7 == 0 else Tier.NORMAL,
                    region_class=rng.choice(list(RegionClass)),
                    service_department=dept,
                )
                for i in range(existing, opts["companies"])
            ]
        )
        companies = list(Company.objects.filter(code__startswith="BENCH-"))
        have = Equipment.objects.filter(serial_number__startswith="BENCH").count()
        Equipment.objects.bulk_create(
            [
                Equipment(
                    serial_number=f"BENCH{i:07d}",
                    product_model=model,
                    company=companies[i % len(companies)],
                    contract_amount=Decimal("50000"),
                    commissioned_on=dt.date(2025, 1, 1),
                    warranty_end=dt.date(2026, 12, 31),
                )
                for i in range(have, opts["units"])
            ],
            batch_size=BATCH,
        )
        units: dict[int, list[int]] = {}
        for unit_id, company_id in Equipment.objects.filter(
            serial_number__startswith="BENCH"
        ).values_list("pk", "company_id"):
            units.setdefault(company_id, []).append(unit_id)
        policies = list(Policy.objects.filter(is_active=True))
        return {
            "dept": dept,
            "creator": creator,
            "engineers": engineers,
            "companies": companies,
            "units": units,
            "policies": policies,
        }

    # --- requests ------------------------------------------------------------------------

    def _batch(
        self,
        rng: random.Random,
        world: dict[str, Any],
        cal: Any,
        now: dt.datetime,
        size: int,
        opts: dict[str, Any],
    ) -> None:
        policies = world["policies"]
        span = dt.timedelta(days=opts["days"])
        requests: list[ServiceRequest] = []
        plans: list[tuple[ServiceRequest, dict[str, Any], bool]] = []
        numbers = self._numbers(size, now)
        for i in range(size):
            company = rng.choice(world["companies"])
            received = now - dt.timedelta(seconds=rng.random() * span.total_seconds())
            is_open = rng.random() < opts["open_share"]
            status = (
                rng.choice(
                    [
                        Status.ACCEPTED,
                        Status.IN_PROGRESS,
                        Status.IN_PROGRESS,
                        Status.DISPATCHED,
                        Status.WAITING_PARTS,
                        Status.NEW,
                    ]
                )
                if is_open
                else rng.choice([Status.CLOSED, Status.CLOSED, Status.CONFIRMED, Status.RESOLVED])
            )
            part, symptom = rng.choice(PARTS), rng.choice(SYMPTOMS)
            title = f"{part}{symptom}"
            description = rng.choice(DETAILS).format(part=part, symptom=symptom)
            owner = None if status == Status.NEW else rng.choice(world["engineers"])
            unit_ids = world["units"].get(company.pk) or [None]
            request = ServiceRequest(
                number=numbers[i],
                channel=rng.choice(list(Channel)),
                request_type=rng.choice([RequestType.FAULT] * 5 + list(RequestType)),
                priority=rng.choice(
                    [
                        Priority.P1,
                        Priority.P2,
                        Priority.P2,
                        Priority.P3,
                        Priority.P3,
                        Priority.P3,
                        Priority.P4,
                    ]
                ),
                company=company,
                equipment_id=rng.choice(unit_ids),
                title=title,
                description=description,
                received_at=received,
                owner=owner,
                department=world["dept"] if owner else None,
                status=status,
                created_by=world["creator"],
                accepted_at=received + dt.timedelta(minutes=5) if owner else None,
            )
            if status in {Status.RESOLVED, Status.CONFIRMED, Status.CLOSED}:
                request.first_response_at = received + dt.timedelta(minutes=rng.randint(3, 40))
                request.resolved_at = received + dt.timedelta(hours=rng.randint(2, 120))
                request.resolution = "已更换故障部件，试运行正常。"
                if status != Status.RESOLVED:
                    request.confirmed_at = request.resolved_at + dt.timedelta(hours=4)
                if status == Status.CLOSED:
                    request.closed_at = request.resolved_at + dt.timedelta(days=1)
            if status == Status.WAITING_PARTS:
                request.resume_status = Status.IN_PROGRESS
            request.search_document = search.document(
                [request.number, title, description, company.name]
            )
            chosen = sla.select_policies(
                tier=company.tier,
                request_type=request.request_type,
                priority=request.priority,
                region=company.region_class,
                policies=policies,
            )
            requests.append(request)
            plans.append((request, chosen, is_open))
        clocks: list[Clock] = []
        for request, chosen, is_open in plans:
            request_clocks: list[Clock] = []
            for kind, policy in chosen.items():
                minutes, mode = policy.target(kind)  # type: ignore[misc]
                clock = Clock(
                    request=request,
                    kind=kind,
                    policy=policy,
                    target_minutes=minutes,
                    mode=mode,
                    warn_percent=policy.warn_percent,
                    escalation_interval_minutes=policy.escalation_interval_minutes,
                    started_at=request.received_at,
                )
                sla._schedule(cal, clock, request.received_at)
                if not is_open or (kind == TargetKind.RESPONSE and request.first_response_at):
                    met = request.resolved_at or request.first_response_at or clock.due_at
                    clock.met_at, clock.running_since, clock.warn_at = met, None, None
                    if clock.due_at and met and met > clock.due_at:
                        clock.breached_at = clock.due_at
                elif request.status == Status.WAITING_PARTS:
                    clock.consumed_seconds, clock.running_since = 600, None
                    clock.due_at = clock.warn_at = None
                elif clock.due_at and clock.due_at < now:
                    # Old open work: already handled by earlier sweeps.
                    clock.warned_at = clock.breached_at = clock.due_at
                    clock.escalation_level = 3
                request_clocks.append(clock)
            clocks.extend(request_clocks)
            request.next_due_at, request.sla_state = sla.summarise(request_clocks, now)
        # The summary columns are known before insert: no UPDATE pass over the batch.
        ServiceRequest.objects.bulk_create(requests)
        for clock in clocks:
            clock.request_id = clock.request.pk
        Clock.objects.bulk_create(clocks)

    def _numbers(self, size: int, now: dt.datetime) -> list[str]:
        # Allocate a block from the yearly counter so later real requests continue gaplessly.
        year = timezone.localtime(now).year
        with transaction.atomic():
            seq, _ = Sequence.objects.select_for_update().get_or_create(prefix="SR", year=year)
            first = seq.last_value + 1
            seq.last_value += size
            seq.save(update_fields=["last_value"])
        return [f"SR-{year}-{n:06d}" for n in range(first, first + size)]
