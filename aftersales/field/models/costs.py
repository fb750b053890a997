"""Costs of field service (费用): engineer grades and their hourly rates, the cost lines an
effective report leaves behind (labour and parts, priced when the report took effect),
engineers' expenses with receipts, reimbursement claims (报销) and departments' yearly budgets.

Money is CNY in ``Decimal`` with two places. Every line is rounded once, ROUND_HALF_UP to
0.01, when it is written; totals are plain sums of those lines and are never rounded again,
so a request's total, a month's total and a department's consumption add up to the cent.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round one line to the cent, half up (the only rounding costs ever do)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class CostKind(models.TextChoices):
    """What a cost line prices."""

    LABOUR = "labour", _("Labour")
    PART = "part", _("Parts")


class ExpenseKind(models.TextChoices):
    """Kinds of expenses an engineer pays on a trip."""

    TRAVEL = "travel", _("Travel")
    LODGING = "lodging", _("Lodging")
    MEALS = "meals", _("Meals")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    """A claim is decided by the department manager, then paid; a rejected one is final and
    frees its expenses for a new claim."""

    SUBMITTED = "submitted", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")


# action → (from statuses, to status)
CLAIM_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({ClaimStatus.SUBMITTED}), ClaimStatus.APPROVED),
    "reject": (frozenset({ClaimStatus.SUBMITTED}), ClaimStatus.REJECTED),
    "pay": (frozenset({ClaimStatus.APPROVED}), ClaimStatus.PAID),
}


# --- Visibility -----------------------------------------------------------------------------


def cost_q(user: Any, *, engineer_field: str | None = "engineer_id") -> Q | None:
    """Which cost rows ``user`` may see; None means all.

    Costs are internal: portal users never see any. Holders of ``field.view_costs`` see the
    rows charged to their departments (all rows for company-wide roles); everyone else
    sees only their own expenses and claims (``engineer_field`` None: nothing).
    """
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    if scope.is_portal or not scope.roles:
        return Q(pk__in=[])
    own = Q(**{engineer_field: scope.user_id}) if engineer_field else Q(pk__in=[])
    if not user.has_perm("field.view_costs"):
        return own
    if scope.sees_all:
        return None
    return own | Q(department_id__in=sorted(scope.department_ids))


class CostQuerySet(models.QuerySet):
    """Cost lines, expenses and claims: filtered by the reader's cost scope."""

    engineer_field: str | None = "engineer_id"

    def visible_to(self, user: Any) -> Self:
        q = cost_q(user, engineer_field=self.engineer_field)
        return self if q is None else self.filter(q)


class LineQuerySet(CostQuerySet):
    """Labour at rates and parts at cost are for those who see costs, not for engineers."""

    engineer_field = None


class ClaimQuerySet(CostQuerySet):
    """Claims belong to their claimant."""

    engineer_field = "claimant_id"


class BudgetQuerySet(models.QuerySet):
    """Budgets are seen by those who see costs, for their departments."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.is_portal or not user.has_perm("field.view_costs"):
            return self.none()
        if scope.sees_all:
            return self
        return self.filter(department_id__in=sorted(scope.department_ids))


# --- Grades and rates -----------------------------------------------------------------------


class Grade(models.Model):
    """An engineer grade (工程师等级) that sets the hourly rate of labour."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("engineer grade")
        verbose_name_plural = _("engineer grades")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the current language."""
        return localized(self.name, self.name_en)


class GradeRate(models.Model):
    """The hourly rate of a grade from a day on; rates are never edited, a new row starts a
    new rate, so the history of rates stays readable."""

    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="rates"
    )
    effective_from = models.DateField(_("effective from"))
    hourly_rate = models.DecimalField(
        _("hourly rate (CNY)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("hourly rate")
        verbose_name_plural = _("hourly rates")
        ordering = ["grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["grade", "effective_from"], name="field_rate_once"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="field_rate_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} {self.effective_from}: {self.hourly_rate}"


class EngineerGrade(models.Model):
    """An engineer's current grade; labour is priced with it when a report takes effect."""

    engineer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="cost_grade",
    )
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="engineers"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("engineer's grade")
        verbose_name_plural = _("engineers' grades")

    def __str__(self) -> str:
        return f"{self.engineer_id}: {self.grade_id}"


# --- Cost lines of effective reports --------------------------------------------------------


class CostLine(models.Model):
    """Labour or parts of one effective report, priced when it took effect (a snapshot:
    later rate or catalogue changes never move past costs)."""

    report = models.ForeignKey(
        "field.ServiceReport",
        verbose_name=_("service report"),
        on_delete=models.PROTECT,
        related_name="cost_lines",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="cost_lines",
    )
    # The department the cost is charged to: the request's, when the report took effect.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CostKind.choices)
    # Labour: who worked; parts: the report's author, so every line has an engineer.
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="cost_lines",
    )
    part = models.ForeignKey(
        "parts.Part",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    grade = models.ForeignKey(
        Grade,
        verbose_name=_("grade"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quantity = models.DecimalField(_("hours or quantity"), max_digits=10, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    # No rate was known for the engineer when the report took effect: priced at 0.
    unpriced = models.BooleanField(_("no rate known"), default=False)
    day = models.DateField(_("date"))
    # The ReportLabour or ReportPart row priced: a report is priced once, whatever happens.
    source_id = models.PositiveBigIntegerField(_("source line"))

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=CostKind.PART, part__isnull=False))
                | Q(kind=CostKind.LABOUR, part__isnull=True),
                name="field_costline_part_only_for_parts",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="field_costline_amount_gte_0"),
            models.UniqueConstraint(fields=["kind", "source_id"], name="field_costline_once"),
        ]
        indexes = [
            models.Index(fields=["request", "kind"], name="field_cost_request"),
            models.Index(fields=["department", "day"], name="field_cost_dept_day"),
            models.Index(fields=["engineer", "day"], name="field_cost_engineer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.amount}"


# --- Expenses and claims --------------------------------------------------------------------


class Expense(TimeStampedModel):
    """Money an engineer paid for a request (travel, lodging, meals...), with receipts."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="expenses",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ExpenseKind.choices)
    amount = models.DecimalField(
        _("amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(CENT)],
    )
    spent_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CostQuerySet.as_manager()

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["-spent_on", "-id"]
        permissions = [
            ("view_costs", _("Can see costs and budgets")),
            ("manage_rates", _("Can manage grades and hourly rates")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="field_expense_amount_gt_0"),
        ]
        indexes = [
            models.Index(fields=["request", "engineer"], name="field_expense_request"),
            models.Index(fields=["department", "spent_on"], name="field_expense_dept_day"),
            models.Index(fields=["engineer", "spent_on"], name="field_expense_engineer_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ReimbursementClaim(TimeStampedModel):
    """An engineer's claim (报销) for their expenses on a request, against an effective
    service report; decided by the manager of the claimant's department, then paid."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimant"),
        on_delete=models.PROTECT,
        related_name="reimbursement_claims",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="reimbursement_claims",
    )
    report = models.ForeignKey(
        "field.ServiceReport",
        verbose_name=_("service report"),
        on_delete=models.PROTECT,
        related_name="reimbursement_claims",
    )
    # The claimant's department, whose manager decides.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("reimbursement claim")
        verbose_name_plural = _("reimbursement claims")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("decide_claim", _("Can approve or reject reimbursement claims")),
            ("pay_claim", _("Can mark reimbursement claims paid")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="field_claim_total_gt_0"),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.SUBMITTED) | Q(decided_at__isnull=False),
                name="field_claim_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.PAID) | Q(paid_at__isnull=False),
                name="field_claim_paid_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="field_claim_dept_status"),
            models.Index(fields=["claimant", "-created_at"], name="field_claim_claimant"),
        ]

    def __str__(self) -> str:
        return self.number


class ClaimLine(models.Model):
    """One expense in a claim, with its amount when claimed. An expense is in at most one
    live (not rejected) claim: ``live`` is cleared when the claim is rejected."""

    claim = models.ForeignKey(
        ReimbursementClaim,
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    expense = models.ForeignKey(
        Expense, verbose_name=_("expense"), on_delete=models.PROTECT, related_name="claim_lines"
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    live = models.BooleanField(_("live"), default=True)

    class Meta:
        verbose_name = _("claimed expense")
        verbose_name_plural = _("claimed expenses")
        constraints = [
            models.UniqueConstraint(
                fields=["expense"], condition=Q(live=True), name="field_claimline_once_live"
            ),
            models.UniqueConstraint(fields=["claim", "expense"], name="field_claimline_once"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}: {self.expense_id}"


# --- Budgets --------------------------------------------------------------------------------


class DepartmentBudget(TimeStampedModel):
    """A department's yearly budget for after-sales service costs (年度预算)."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="budgets",
    )
    year = models.PositiveIntegerField(_("year"))
    amount = models.DecimalField(
        _("budget (CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = BudgetQuerySet.as_manager()

    class Meta:
        verbose_name = _("department budget")
        verbose_name_plural = _("department budgets")
        ordering = ["-year", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="field_budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="field_budget_gte_0"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="field_budget_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.year}: {self.amount}"
