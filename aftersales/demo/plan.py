"""Pure planning of the demo projects and equipment: dates, amounts, serials, checklist text.

Everything that needs the seeded random generator for projects and units is decided here,
before anything is written, so the plan is deterministic and can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from aftersales.accounts.choices import Role
from aftersales.customers.choices import HandoverSection, Tier
from aftersales.demo import data

TARGET_UNITS = 300
STANDALONE_UNITS = 36
MIN_PROJECT_UNITS = 3
MAX_PROJECT_UNITS = 14
COMPLETED = "completed"
NOT_ACCEPTED = frozenset({"drafting", "new"})
EXTENDED_WARRANTY_MONTHS = 36
EXTENDED_WARRANTY_NOTE = "合同约定整机质保 36 个月（大客户延保条款）。"
# The sections a project team fills in first, before acceptance.
DRAFTING_ORDER = (
    HandoverSection.OVERVIEW,
    HandoverSection.CONFIGURATION,
    HandoverSection.PARAMETERS,
    HandoverSection.CONTACTS,
    HandoverSection.SUPPLIERS,
    HandoverSection.DRAWINGS,
    HandoverSection.MILESTONES,
    HandoverSection.OPEN_ISSUES,
)
STANDALONE_NOTES = (
    "单独采购：增购备用机组。",
    "单独采购：替换旧设备。",
    "单独采购：产能扩充。",
    "",
)


@dataclass
class UnitPlan:
    """One equipment unit to register."""

    company: str
    model: str
    delivered_on: dt.date
    commissioned_on: dt.date | None
    amount: Decimal
    site_index: int = 0
    warranty_months: int | None = None
    notes: str = ""
    serial: str = ""


@dataclass
class ProjectPlan:
    """One project to create, with its units and the handover state it should reach."""

    company: str
    kind: str
    name: str
    site_index: int
    pm: str
    state: str
    signed_on: dt.date
    delivered_on: dt.date
    commissioned_on: dt.date | None
    accepted_on: dt.date | None
    units: list[UnitPlan] = field(default_factory=list)
    open_issues: list[str] = field(default_factory=list)
    drawings_not_applicable: bool = False
    contract_number: str = ""
    amount: Decimal = Decimal("0")
    filled_sections: int = 8


@dataclass
class DemoPlan:
    """The projects (oldest first) and the units bought without a project."""

    projects: list[ProjectPlan]
    standalone: list[UnitPlan]

    def all_units(self) -> list[UnitPlan]:
        """Every planned unit, project units first."""
        return [u for p in self.projects for u in p.units] + self.standalone


def _cny(value: Decimal, step: int) -> Decimal:
    """Round to a whole multiple of ``step`` yuan, as a two-place money amount."""
    return ((value / step).quantize(Decimal("1")) * step).quantize(Decimal("0.01"))


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _models_by_code() -> dict[str, data.ProductModelSpec]:
    return {m.code: m for m in data.PRODUCT_MODELS}


def _main_models(kind: str) -> list[str]:
    return [m.code for m in data.PRODUCT_MODELS if kind in m.kinds]


def _unit_amount(rng: random.Random, model: str) -> Decimal:
    price = _models_by_code()[model].price
    return _cny(price * rng.randint(90, 105) / 100, 100)


def _project_slots(rng: random.Random, today: dt.date) -> list[ProjectPlan]:
    """One plan per project, with dates and state but no units yet."""
    companies = {c.key: c for c in data.COMPANIES}
    open_by_company = {key: (state, pm) for key, state, pm in data.OPEN_HANDOVERS}
    plans: list[ProjectPlan] = []
    for spec in data.COMPANIES:
        engineers = _engineers_of(spec.served_by)
        used_names: set[str] = set()
        for index in range(spec.projects):
            is_newest = index == spec.projects - 1
            state, pm = COMPLETED, rng.choice(engineers)
            if is_newest and spec.key in open_by_company:
                state, pm = open_by_company[spec.key]
            if state == COMPLETED:
                anchor_days = rng.randint(100, 1095)
            elif state in NOT_ACCEPTED:
                anchor_days = rng.randint(5, 40)
            else:
                anchor_days = rng.randint(30, 120)
            anchor = today - dt.timedelta(days=anchor_days)
            kind = spec.kinds[index % len(spec.kinds)]
            site_index = index % len(spec.sites)
            name = spec.sites[site_index].name + rng.choice(data.PACKAGES[kind].project_names)
            if name in used_names:
                name = (
                    f"{spec.sites[site_index].name}二期{name[len(spec.sites[site_index].name) :]}"
                )
            used_names.add(name)
            delivered = anchor - dt.timedelta(days=rng.randint(40, 100))
            commissioned: dt.date | None = anchor - dt.timedelta(days=rng.randint(3, 25))
            if state == "new":
                commissioned = None
            plans.append(
                ProjectPlan(
                    company=spec.key,
                    kind=kind,
                    name=name,
                    site_index=site_index,
                    pm=pm,
                    state=state,
                    signed_on=delivered - dt.timedelta(days=rng.randint(60, 150)),
                    delivered_on=delivered,
                    commissioned_on=commissioned,
                    accepted_on=None if state in NOT_ACCEPTED else anchor,
                    filled_sections=_filled_sections(rng, state),
                )
            )
            # Key accounts' projects are bigger and more often leave something open.
            chance = 0.5 if companies[spec.key].tier == Tier.KEY else 0.3
            if state != "new" and rng.random() < chance:
                plans[-1].open_issues = _open_issues(rng, anchor, pm)
    plans.sort(key=lambda p: (p.accepted_on or today, p.delivered_on))
    return plans


def _filled_sections(rng: random.Random, state: str) -> int:
    """How many checklist sections the project team has filled in so far."""
    if state == "new":
        return 0
    return rng.randint(3, 5) if state == "drafting" else len(DRAFTING_ORDER)


def _engineers_of(department: str) -> list[str]:
    return [
        s.username for s in data.STAFF if Role.ENGINEER in s.roles and s.department == department
    ]


def _open_issues(rng: random.Random, anchor: dt.date, pm: str) -> list[str]:
    names = {s.username: s.full_name for s in data.STAFF}
    count = 1 if rng.random() < 0.7 else 2
    issues = []
    for template in rng.sample(data.OPEN_ISSUE_TEMPLATES, count):
        due = anchor + dt.timedelta(days=rng.randint(20, 75))
        issues.append(template.format(date=_cn_date(due), pm=names[pm]))
    return issues


def _unit_counts(rng: random.Random, plans: list[ProjectPlan], total: int) -> list[int]:
    """A believable number of units per project that adds up to ``total`` exactly."""
    tiers = {c.key: c.tier for c in data.COMPANIES}
    counts = [
        rng.randint(5, 11) if tiers[p.company] == Tier.KEY else rng.randint(3, 8) for p in plans
    ]
    while sum(counts) != total:
        i = rng.randrange(len(counts))
        if sum(counts) < total and counts[i] < MAX_PROJECT_UNITS:
            counts[i] += 1
        elif sum(counts) > total and counts[i] > MIN_PROJECT_UNITS:
            counts[i] -= 1
    return counts


def _plan_units(rng: random.Random, plan: ProjectPlan, count: int) -> None:
    models = [data.CONTROL_CABINET]
    if count >= 5 and rng.random() < 0.6:
        models.append(data.GATEWAY)
    models += [rng.choice(group) for group in data.PACKAGES[plan.kind].core]
    main = _main_models(plan.kind)
    models += [rng.choice(main) for _ in range(count - len(models))]
    for model in models:
        delivered = plan.delivered_on + dt.timedelta(days=rng.randint(0, 4))
        commissioned = None
        if plan.commissioned_on is not None:
            commissioned = max(
                delivered, plan.commissioned_on - dt.timedelta(days=rng.randint(0, 6))
            )
        plan.units.append(
            UnitPlan(
                company=plan.company,
                model=model,
                delivered_on=delivered,
                commissioned_on=commissioned,
                amount=_unit_amount(rng, model),
                site_index=plan.site_index,
            )
        )
    units_total = sum((u.amount for u in plan.units), Decimal("0"))
    plan.amount = _cny(units_total * rng.randint(112, 135) / 100, 1000)
    # Small single-machine orders come without site drawings.
    plan.drawings_not_applicable = count <= 3 and plan.state == COMPLETED


def _plan_standalone(rng: random.Random, count: int, today: dt.date) -> list[UnitPlan]:
    """Units bought without a project: each company's extras, the rest spread at random."""
    owners = [c.key for c in data.COMPANIES for _ in range(c.extra_units)]
    while len(owners) < count:
        owners.append(rng.choice(data.COMPANIES).key)
    specs = {c.key: c for c in data.COMPANIES}
    units = []
    for owner in owners[:count]:
        spec = specs[owner]
        kind = rng.choice(spec.kinds)
        model = rng.choice(_main_models(kind))
        delivered = today - dt.timedelta(days=rng.randint(30, 1060))
        commissioned = delivered + dt.timedelta(days=rng.randint(2, 20))
        units.append(
            UnitPlan(
                company=owner,
                model=model,
                delivered_on=delivered,
                commissioned_on=commissioned if commissioned < today else None,
                amount=_unit_amount(rng, model),
                site_index=rng.randrange(len(spec.sites)),
                notes=rng.choice(STANDALONE_NOTES),
            )
        )
    return units


def _extend_warranties(rng: random.Random, plans: list[ProjectPlan]) -> None:
    """Two key-account projects bought a 36-month warranty for their main units."""
    tiers = {c.key: c.tier for c in data.COMPANIES}
    candidates = [p for p in plans if tiers[p.company] == Tier.KEY and p.state == COMPLETED]
    for plan in rng.sample(candidates, min(2, len(candidates))):
        for unit in plan.units:
            if unit.model not in (data.CONTROL_CABINET, data.GATEWAY):
                unit.warranty_months = EXTENDED_WARRANTY_MONTHS
                unit.notes = EXTENDED_WARRANTY_NOTE


def _number(rng: random.Random, plans: list[ProjectPlan], units: list[UnitPlan]) -> None:
    """Contract numbers by signing year and serial numbers by delivery year, in date order."""
    contract_seq: dict[int, int] = defaultdict(lambda: rng.randint(80, 160))
    for plan in sorted(plans, key=lambda p: p.signed_on):
        contract_seq[plan.signed_on.year] += rng.randint(1, 6)
        seq = contract_seq[plan.signed_on.year]
        plan.contract_number = f"{data.CONTRACT_PREFIX}-{plan.signed_on.year}-{seq:04d}"
    serial_seq: dict[int, int] = defaultdict(lambda: rng.randint(120, 380))
    for unit in sorted(units, key=lambda u: u.delivered_on):
        serial_seq[unit.delivered_on.year] += rng.randint(1, 3)
        seq = serial_seq[unit.delivered_on.year]
        unit.serial = f"{data.SERIAL_PREFIX}{unit.delivered_on.year}-{seq:06d}"


def plan_demo(rng: random.Random, today: dt.date) -> DemoPlan:
    """Decide every project and unit of the demo."""
    plans = _project_slots(rng, today)
    for plan, count in zip(
        plans, _unit_counts(rng, plans, TARGET_UNITS - STANDALONE_UNITS), strict=True
    ):
        _plan_units(rng, plan, count)
    _extend_warranties(rng, plans)
    standalone = _plan_standalone(rng, STANDALONE_UNITS, today)
    demo = DemoPlan(projects=plans, standalone=standalone)
    _number(rng, plans, demo.all_units())
    return demo


# --- Checklist text -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistContext:
    """What the checklist text needs to know about the project besides its plan."""

    company_name: str
    site_name: str
    site_address: str
    pm_name: str
    contacts: list[str]
    service_contact: str


def _capacity(plan: ProjectPlan) -> str:
    total = sum(data.MODEL_CAPACITY.get(u.model, 0) for u in plan.units)
    return str(max(total, 1))


def checklist(plan: ProjectPlan, ctx: ChecklistContext) -> dict[str, tuple[str, bool]]:
    """Section → (content, not applicable) for the eight standard sections."""
    package = data.PACKAGES[plan.kind]
    models = _models_by_code()
    quantities: dict[str, int] = defaultdict(int)
    for unit in plan.units:
        quantities[unit.model] += 1
    accepted = (
        f"项目已于 {_cn_date(plan.accepted_on)} 通过用户最终验收。"
        if plan.accepted_on
        else "项目尚未最终验收。"
    )
    overview = (
        f"{ctx.company_name}{plan.name}。合同编号 {plan.contract_number}，合同金额人民币 "
        f"{plan.amount:,.2f} 元。我公司负责设备供货、安装指导与调试，共交付设备 "
        f"{len(plan.units)} 台（套），安装地点：{ctx.site_name}（{ctx.site_address}）。"
        f"项目经理：{ctx.pm_name}。{accepted}"
    )
    configuration = "\n".join(
        [
            *(
                f"• {code} {models[code].name} × {qty} 台（套）"
                for code, qty in sorted(quantities.items())
            ),
            package.process,
        ]
    )
    drawing_no = plan.contract_number
    drawings = (
        f"工艺流程图（P&ID）{drawing_no}-PID-01 B 版；设备平面布置图 {drawing_no}-GA-01；"
        f"电气原理图及端子接线图 {drawing_no}-EL-01~03；设备基础图。纸质版两套已移交用户，"
        "电子版存技术部文控室。"
    )
    steps = [
        ("合同签订", plan.signed_on),
        ("设备发货", plan.delivered_on),
        ("安装完成", plan.delivered_on + dt.timedelta(days=12)),
        ("调试完成", plan.commissioned_on),
        ("72 小时连续试运行", plan.commissioned_on and plan.commissioned_on + dt.timedelta(days=3)),
        ("最终验收", plan.accepted_on),
    ]
    milestones = "；".join(f"{label}：{_cn_date(day) if day else '待定'}" for label, day in steps)
    issues = (
        "\n".join(f"{n}. {text}" for n, text in enumerate(plan.open_issues, 1))
        if plan.open_issues
        else data.NO_OPEN_ISSUES
    )
    contacts = "\n".join(
        [
            *ctx.contacts,
            f"我方售后联系人：{ctx.service_contact}；24 小时服务热线 {data.SERVICE_HOTLINE}。",
        ]
    )
    return {
        HandoverSection.OVERVIEW: (overview, False),
        HandoverSection.CONFIGURATION: (configuration, False),
        HandoverSection.PARAMETERS: (package.parameters.format(capacity=_capacity(plan)), False),
        HandoverSection.DRAWINGS: (
            (data.DRAWINGS_NOT_APPLICABLE, True)
            if plan.drawings_not_applicable
            else (drawings, False)
        ),
        HandoverSection.MILESTONES: (milestones, False),
        HandoverSection.OPEN_ISSUES: (issues, False),
        HandoverSection.CONTACTS: (contacts, False),
        HandoverSection.SUPPLIERS: (package.suppliers, False),
    }
