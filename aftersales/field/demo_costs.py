"""Demo data of costs (费用): engineer grades with last year's and this year's hourly rates,
departments' budgets, engineers' expenses with receipts, and reimbursement claims in every
state (submitted, approved, rejected, paid).

Runs after the service-report demo when there is one: its effective reports are priced by
the ``report_effective`` receiver. Without effective reports (the report workflow's demo
not loaded), a few are written directly, announced like a sign-off, so that the cost pages
have something to show.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core import clock
from aftersales.core.exceptions import PermissionDenied
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ServiceReport
from aftersales.field.models.costs import CostLine
from aftersales.field.services import costs as services
from aftersales.parts.models import Part

GRADES = (
    # code, name, English name, last year's rate, this year's rate
    ("junior", "助理工程师", "Assistant engineer", "80.00", "85.00"),
    ("engineer", "工程师", "Engineer", "120.00", "128.00"),
    ("senior", "高级工程师", "Senior engineer", "180.00", "190.00"),
)
GRADE_OF = {
    "liu.yang": "engineer",
    "chen.lei": "senior",
    "yang.fan": "junior",
    "xu.jing": "senior",
    "gao.feng": "engineer",
}
BUDGETS = {"service": ("550000.00", "600000.00"), "technical": ("180000.00", "200000.00")}
PARTS = (
    ("MS-HP200", "机械密封 HP-200", "Mechanical seal HP-200", "386.50"),
    ("BRG-6308", "深沟球轴承 6308", "Deep-groove ball bearing 6308", "92.80"),
    ("ORING-75", "O 形圈 75×3.5", "O-ring 75×3.5", "3.20"),
)
EXPENSES = (
    ("travel", "高铁 上海虹桥—南京南 往返", (Decimal("280.00"), Decimal("420.00"))),
    ("travel", "出租车 南京南站—客户厂区", (Decimal("45.00"), Decimal("120.00"))),
    ("lodging", "客户厂区附近酒店住宿", (Decimal("320.00"), Decimal("760.00"))),
    ("meals", "出差伙食补助", (Decimal("60.00"), Decimal("180.00"))),
    ("other", "现场临时采购密封胶", (Decimal("18.50"), Decimal("65.00"))),
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _admin(world: Any) -> Any:
    return world.organisation.admin


def _grades(world: Any, today: dt.date) -> None:
    director = world.organisation.with_role(Role.SERVICE_DIRECTOR)[0]
    admin = _admin(world)
    made = {}
    for code, name, name_en, last, this in GRADES:
        grade = services.create_grade(actor=admin, code=code, name=name, name_en=name_en)
        services.set_hourly_rate(
            actor=director,
            grade=grade,
            effective_from=dt.date(today.year - 1, 1, 1),
            hourly_rate=Decimal(last),
        )
        services.set_hourly_rate(
            actor=director,
            grade=grade,
            effective_from=dt.date(today.year, 1, 1),
            hourly_rate=Decimal(this),
        )
        made[code] = grade
    for username, code in GRADE_OF.items():
        engineer = world.organisation.users.get(username)
        if engineer is not None:
            services.set_engineer_grade(actor=director, engineer=engineer, grade=made[code])


def _budgets(world: Any, today: dt.date) -> None:
    director = world.organisation.with_role(Role.SERVICE_DIRECTOR)[0]
    for code, (last, this) in BUDGETS.items():
        department = world.organisation.departments[code]
        for year, amount in ((today.year - 1, last), (today.year, this)):
            services.set_budget(
                actor=director, department=department, year=year, amount=Decimal(amount)
            )


def _parts() -> list[Part]:
    return [
        Part.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "cost": Decimal(cost)}
        )[0]
        for code, name, name_en, cost in PARTS
    ]


def _receipt(rng: random.Random, index: int) -> SimpleUploadedFile:
    if rng.random() < 0.5:
        return SimpleUploadedFile(f"发票-{index:03d}.pdf", PDF, content_type="application/pdf")
    return SimpleUploadedFile(f"票据照片-{index:03d}.png", PNG, content_type="image/png")


def _money(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    cents = rng.randint(int(low * 100), int(high * 100))
    return Decimal(cents) / 100


def _expenses_and_claims(world: Any, rng: random.Random, today: dt.date) -> None:
    reports = list(
        ServiceReport.objects.filter(status=ReportStatus.EFFECTIVE)
        .select_related("request")
        .order_by("effective_at", "pk")
    )
    office = world.organisation.with_role(Role.OFFICE)
    payer = next((u for u in office if u.has_perm("field.pay_claim")), _admin(world))
    outcomes = ["submitted", "approved", "rejected", "paid"]
    counter = 0
    for index, report in enumerate(reports):
        engineer = report.author
        effective_at = report.effective_at or timezone.now()
        day = min(timezone.localtime(effective_at).date(), today)
        expenses = []
        for kind, text, (low, high) in rng.sample(EXPENSES, rng.randint(2, 4)):
            counter += 1
            spent_on = day - dt.timedelta(days=rng.randint(0, 2))
            with clock.at(effective_at):
                try:
                    expenses.append(
                        services.add_expense(
                            actor=engineer,
                            request=report.request,
                            kind=kind,
                            amount=_money(rng, low, high),
                            spent_on=spent_on,
                            description=text,
                            receipts=[_receipt(rng, counter)],
                        )
                    )
                except PermissionDenied:
                    break  # an author who no longer sees the request: no expenses
        outcome = outcomes[index % len(outcomes)] if index < 2 * len(outcomes) else None
        if not expenses or outcome is None:
            continue
        later = effective_at + dt.timedelta(days=1)
        with clock.at(min(later, timezone.now())):
            claim = services.submit_claim(
                actor=engineer, report=report, expenses=expenses, note="本次出差费用报销"
            )
        manager = engineer.department.manager if engineer.department else None
        if outcome == "submitted" or manager is None:
            continue
        decided = min(effective_at + dt.timedelta(days=2), timezone.now())
        with clock.at(decided):
            if outcome == "rejected":
                services.reject_claim(
                    actor=manager,
                    claim=claim,
                    expected_version=claim.version,
                    comment="住宿发票抬头不是公司名称，请重开后再报",
                )
                continue
            claim = services.approve_claim(
                actor=manager, claim=claim, expected_version=claim.version, comment="同意报销"
            )
        if outcome == "paid":
            with clock.at(min(effective_at + dt.timedelta(days=5), timezone.now())):
                services.mark_claim_paid(actor=payer, claim=claim, expected_version=claim.version)


def build(world: Any, rng: random.Random) -> None:
    """Grades and rates, budgets, priced reports, expenses and claims in every state."""
    today = world.today
    _grades(world, today)
    _budgets(world, today)
    director = world.organisation.with_role(Role.SERVICE_DIRECTOR)[0]
    # The reports demo (which runs first) signed reports off before the engineers had
    # grades: price them now, at the rate of their day.
    for report in ServiceReport.objects.filter(
        pk__in=CostLine.objects.filter(unpriced=True).values("report_id")
    ):
        services.price_unpriced(actor=director, report=report)
    _expenses_and_claims(world, rng, today)
