"""Reading costs: a request's summary, the cost report by request, customer, engineer or
month, and departments' consumption of their yearly budgets.

The figures are sums of lines each rounded once to the cent when written (labour and parts
of effective reports, expenses), so every total here adds up exactly:
request total = labour + parts + expenses; a month's total = the sum of its requests'.
Labour and parts count from the day their report took effect, expenses from the day spent.

``department_cost`` and ``department_budget`` are the public functions for the KPI app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Department, User
from aftersales.core.dates import add_months
from aftersales.core.i18n import localized
from aftersales.customers.models import Company
from aftersales.field.choices import ReportStatus
from aftersales.field.models.costs import (
    CENT,
    CostKind,
    CostLine,
    CostQuerySet,
    DepartmentBudget,
    Expense,
    LineQuerySet,
)
from aftersales.service.models import ServiceRequest

ZERO = Decimal("0.00")


@dataclass
class Figures:
    """Money of one row of a cost report (CNY)."""

    labour: Decimal = ZERO
    parts: Decimal = ZERO
    expenses: Decimal = ZERO
    hours: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """Labour + parts + expenses."""
        return self.labour + self.parts + self.expenses

    def add(self, other: Figures) -> None:
        """Add ``other`` into this row."""
        self.labour += other.labour
        self.parts += other.parts
        self.expenses += other.expenses
        self.hours += other.hours


@dataclass
class Row:
    """One row of a cost report: what it is about and its figures."""

    key: Any
    label: str
    detail: str = ""
    url: str = ""
    figures: Figures = field(default_factory=Figures)


@dataclass
class CostReport:
    """Rows of one dimension and their total."""

    dimension: str
    rows: list[Row]
    total: Figures


DIMENSIONS: dict[str, Promise] = {
    "request": _("By request"),
    "customer": _("By customer"),
    "engineer": _("By engineer"),
    "month": _("By month"),
}
# The grouping column of cost lines and of expenses for each dimension.
_LINE_KEY = {
    "request": "request_id",
    "customer": "request__company_id",
    "engineer": "engineer_id",
    "month": "day__month",
}
_EXPENSE_KEY = {
    "request": "request_id",
    "customer": "request__company_id",
    "engineer": "engineer_id",
    "month": "spent_on__month",
}


def _cents(value: Decimal | None) -> Decimal:
    """A sum of two-place amounts as an exact two-place Decimal. SQLite adds decimals as
    floats and hands back e.g. 12.3500000000000; the sum of whole cents is whole cents, so
    this only normalises the representation (it is not a second rounding)."""
    return (value or ZERO).quantize(CENT)


def effective_lines() -> LineQuerySet[CostLine]:
    """Cost lines that count: those of effective reports (not superseded revisions)."""
    return CostLine.objects.filter(report__status=ReportStatus.EFFECTIVE)


def _period(
    lines: LineQuerySet[CostLine],
    expenses: CostQuerySet[Expense],
    year: int | None,
    month: int | None,
) -> tuple[LineQuerySet[CostLine], CostQuerySet[Expense]]:
    if year is not None:
        lines = lines.filter(day__year=year)
        expenses = expenses.filter(spent_on__year=year)
    if month is not None:
        lines = lines.filter(day__month=month)
        expenses = expenses.filter(spent_on__month=month)
    return lines, expenses


def _grouped(
    lines: QuerySet[CostLine], expenses: QuerySet[Expense], dimension: str
) -> dict[Any, Figures]:
    """Two grouped SUM queries, whatever the number of rows."""
    found: dict[Any, Figures] = {}
    line_key, expense_key = _LINE_KEY[dimension], _EXPENSE_KEY[dimension]
    for row in (
        lines.order_by()
        .values(line_key, "kind")
        .annotate(amount=Sum("amount"), quantity=Sum("quantity"))
    ):
        figures = found.setdefault(row[line_key], Figures())
        if row["kind"] == CostKind.LABOUR:
            figures.labour += _cents(row["amount"])
            figures.hours += _cents(row["quantity"])
        else:
            figures.parts += _cents(row["amount"])
    for row in expenses.order_by().values(expense_key).annotate(amount=Sum("amount")):
        found.setdefault(row[expense_key], Figures()).expenses += _cents(row["amount"])
    return found


def request_figures(user: Any, request: ServiceRequest) -> Figures:
    """The costs of one request that ``user`` may see."""
    lines = effective_lines().visible_to(user).filter(request=request)
    expenses = Expense.objects.visible_to(user).filter(request=request)
    return _grouped(lines, expenses, "request").get(request.pk, Figures())


def _labels(dimension: str, keys: list[Any]) -> dict[Any, tuple[str, str, str]]:
    """Key → (label, detail, url) with one query for the page's keys."""
    if dimension == "request":
        return {
            r["pk"]: (
                r["number"],
                f"{r['title']} · {localized(r['company__name'], r['company__name_en'])}",
                reverse("service:detail", args=[r["pk"]]),
            )
            for r in ServiceRequest.objects.filter(pk__in=keys).values(
                "pk", "number", "title", "company__name", "company__name_en"
            )
        }
    if dimension == "customer":
        return {
            c["pk"]: (
                localized(c["name"], c["name_en"]),
                c["code"],
                reverse("customers:company-detail", args=[c["pk"]]),
            )
            for c in Company.objects.filter(pk__in=keys).values("pk", "name", "name_en", "code")
        }
    if dimension == "engineer":
        return {
            u.pk: (str(u), u.department.display_name if u.department else "", "")
            for u in User.objects.filter(pk__in=keys).select_related("department")
        }
    return {k: (f"{k:02d}", "", "") for k in keys}


def cost_report(
    user: Any,
    *,
    dimension: str,
    year: int,
    month: int | None = None,
    department: Department | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> CostReport:
    """The costs ``user`` may see in a year (or one month of it), grouped by ``dimension``.

    Months are in calendar order; other rows by total, largest first. ``limit`` and
    ``offset`` page the rows (labels are read for the page only); the total is of all rows.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    lines = effective_lines().visible_to(user)
    expenses = Expense.objects.visible_to(user)
    if department is not None:
        lines = lines.filter(department=department)
        expenses = expenses.filter(department=department)
    lines, expenses = _period(lines, expenses, year, month)
    grouped = _grouped(lines, expenses, dimension)
    total = Figures()
    for figures in grouped.values():
        total.add(figures)
    if dimension == "month":
        keys = sorted(grouped)
    else:
        keys = sorted(grouped, key=lambda k: (-grouped[k].total, k))
    page = keys[offset : offset + limit] if limit is not None else keys[offset:]
    labels = _labels(dimension, page)
    rows = [Row(key, *labels.get(key, (str(key), "", "")), figures=grouped[key]) for key in page]
    return CostReport(dimension=dimension, rows=rows, total=total)


@dataclass
class BudgetLine:
    """A department's budget for a year and what its costs consumed."""

    department: Department
    budget: DepartmentBudget | None
    consumed: Decimal

    @property
    def remaining(self) -> Decimal | None:
        """Budget minus consumption (negative when over); None without a budget."""
        return None if self.budget is None else self.budget.amount - self.consumed

    @property
    def percent(self) -> int | None:
        """Consumption as a whole percentage of the budget."""
        if self.budget is None or not self.budget.amount:
            return None
        return int(self.consumed * 100 / self.budget.amount)


def _consumption(year: int, department_ids: list[int] | None) -> dict[int | None, Decimal]:
    lines = effective_lines().filter(day__year=year)
    expenses = Expense.objects.filter(spent_on__year=year)
    if department_ids is not None:
        lines = lines.filter(department_id__in=department_ids)
        expenses = expenses.filter(department_id__in=department_ids)
    found: dict[int | None, Decimal] = {}
    for queryset in (lines, expenses):
        for row in queryset.order_by().values("department_id").annotate(amount=Sum("amount")):
            found[row["department_id"]] = found.get(row["department_id"], ZERO) + _cents(
                row["amount"]
            )
    return found


def budget_lines(user: Any, year: int) -> list[BudgetLine]:
    """Each department ``user`` may see the budget of, with its budget and consumption."""
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    if scope.is_portal or not user.has_perm("field.view_costs"):
        return []
    departments = Department.objects.filter(is_active=True)
    if not scope.sees_all:
        departments = departments.filter(pk__in=sorted(scope.department_ids))
    departments_list = list(departments.order_by("code"))
    ids = [d.pk for d in departments_list]
    budgets = {
        b.department_id: b
        for b in DepartmentBudget.objects.filter(year=year, department_id__in=ids)
    }
    consumed = _consumption(year, ids)
    return [
        BudgetLine(department=d, budget=budgets.get(d.pk), consumed=consumed.get(d.pk, ZERO))
        for d in departments_list
    ]


# --- For the KPI app ------------------------------------------------------------------------


def department_cost(department: Department, year: int, month: int | None = None) -> Decimal:
    """All costs charged to ``department`` in ``year`` (or one ``month`` of it), CNY.

    Labour and parts of effective reports by the day they took effect, plus expenses by the
    day spent; charged to the request's department at that time.
    """
    lines, expenses = _period(
        effective_lines().filter(department=department),
        Expense.objects.filter(department=department),
        year,
        month,
    )
    total = ZERO
    for queryset in (lines, expenses):
        total += _cents(queryset.aggregate(amount=Sum("amount"))["amount"])
    return total


def monthly_department_costs(
    department_ids: Collection[int] | None, first: dt.date, last: dt.date
) -> dict[tuple[int, dt.date], Decimal]:
    """Costs per (department id, first day of month) for the months from ``first`` to
    ``last`` (inclusive, first days), all departments when ``department_ids`` is None — two
    grouped queries whatever the span, for the KPI page."""
    end = add_months(last, 1)
    lines = effective_lines().filter(day__gte=first, day__lt=end)
    expenses = Expense.objects.filter(spent_on__gte=first, spent_on__lt=end)
    if department_ids is not None:
        lines = lines.filter(department_id__in=list(department_ids))
        expenses = expenses.filter(department_id__in=list(department_ids))
    cells: dict[tuple[int, dt.date], Decimal] = {}
    for queryset, day in ((lines, "day"), (expenses, "spent_on")):
        rows = (
            queryset.annotate(_month=TruncMonth(day))
            .values("department_id", "_month")
            .annotate(amount=Sum("amount"))
            .order_by()
        )
        for row in rows:
            month = row["_month"]
            month = month.date() if isinstance(month, dt.datetime) else month
            key = (row["department_id"], month.replace(day=1))
            cells[key] = cells.get(key, ZERO) + _cents(row["amount"])
    return cells


def department_budgets(
    department_ids: Collection[int] | None, years: Collection[int]
) -> dict[tuple[int, int], Decimal]:
    """Budgets per (department id, year) in one query."""
    budgets = DepartmentBudget.objects.filter(year__in=list(years))
    if department_ids is not None:
        budgets = budgets.filter(department_id__in=list(department_ids))
    return {
        (row["department_id"], row["year"]): row["amount"]
        for row in budgets.values("department_id", "year", "amount")
    }


def department_budget(department: Department, year: int) -> Decimal | None:
    """The department's budget for ``year``, or None when none was set."""
    return (
        DepartmentBudget.objects.filter(department=department, year=year)
        .values_list("amount", flat=True)
        .first()
    )


__all__ = [
    "DIMENSIONS",
    "BudgetLine",
    "CostReport",
    "Figures",
    "Row",
    "budget_lines",
    "cost_report",
    "department_budget",
    "department_budgets",
    "department_cost",
    "effective_lines",
    "monthly_department_costs",
    "request_figures",
]
