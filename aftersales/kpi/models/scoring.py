"""The scoring rules as versioned data, the scored months, the cards and their lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.kpi.choices import LineKind, PeriodStatus
from aftersales.kpi.querysets import ScorecardQuerySet, ScoreLineQuerySet, ScorePeriodQuerySet


class ScoringRuleSet(models.Model):
    """One version of the monthly scoring rules, in force from the first day of a month.

    A version is never edited: a change is a new version, so a locked scorecard always
    shows the rules it was computed with.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    valid_from = models.DateField(
        _("valid from"), help_text=_("The first month the rules apply to.")
    )
    praise_points = models.IntegerField(_("points per praise"), default=5)
    all_top_points = models.IntegerField(
        _("points when every return visit is very satisfied"), default=5
    )
    mostly_top_points = models.IntegerField(
        _("points when the very-satisfied share is reached and none is dissatisfied"), default=10
    )
    mostly_top_percent = models.DecimalField(
        _("very-satisfied share (percent, inclusive)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    dissatisfied_points = models.IntegerField(_("points per dissatisfied return visit"), default=-5)
    bonus_rate = models.DecimalField(
        _("bonus rate of the project amount"),
        max_digits=7,
        decimal_places=5,
        default=Decimal("0.001"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("scoring rule set")
        verbose_name_plural = _("scoring rule sets")
        ordering = ["-valid_from", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mostly_top_percent__gte=0, mostly_top_percent__lte=100),
                name="kpi_ruleset_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(bonus_rate__gte=0, bonus_rate__lte=1), name="kpi_ruleset_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.valid_from:%Y-%m})"


class ScorePeriod(models.Model):
    """One department's scored month: computed, reviewed by its manager, then locked."""

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="score_periods",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT
    )
    rule_set = models.ForeignKey(
        ScoringRuleSet,
        verbose_name=_("rules used"),
        on_delete=models.PROTECT,
        related_name="periods",
    )
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScorePeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("scored month")
        verbose_name_plural = _("scored months")
        ordering = ["-month", "department_id"]
        permissions = [
            ("compute_scoreperiod", _("Can compute a month's scorecards")),
            ("review_scoreperiod", _("Can review a department's scorecards")),
            ("lock_scoreperiod", _("Can lock a reviewed month")),
            ("view_department_kpis", _("Can view department KPIs")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], name="kpi_period_one_per_month"
            ),
            models.CheckConstraint(
                condition=~Q(status=PeriodStatus.LOCKED) | Q(locked_at__isnull=False),
                name="kpi_period_locked_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status=PeriodStatus.DRAFT) | Q(reviewed_at__isnull=False),
                name="kpi_period_reviewed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m}"


class Scorecard(models.Model):
    """One engineer's month: the points and the bonus, with the rules they were computed by."""

    period = models.ForeignKey(
        ScorePeriod, verbose_name=_("month"), on_delete=models.CASCADE, related_name="cards"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    month = models.DateField(_("month"))
    rule_set = models.ForeignKey(
        ScoringRuleSet,
        verbose_name=_("rules used"),
        on_delete=models.PROTECT,
        related_name="cards",
    )
    visits = models.PositiveIntegerField(_("return visits"), default=0)
    very_satisfied = models.PositiveIntegerField(_("very satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied or worse"), default=0)
    praises = models.PositiveIntegerField(_("praises"), default=0)
    praise_points = models.IntegerField(_("praise points"), default=0)
    all_top_points = models.IntegerField(_("all very satisfied points"), default=0)
    mostly_top_points = models.IntegerField(_("very-satisfied share points"), default=0)
    dissatisfied_points = models.IntegerField(_("dissatisfied points"), default=0)
    points = models.IntegerField(_("points"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    orders_paid = models.PositiveIntegerField(_("orders paid"), default=0)
    bonus = models.DecimalField(_("bonus (CNY)"), max_digits=12, decimal_places=2, default=0)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["-month", "engineer__username"]
        constraints = [
            models.UniqueConstraint(fields=["period", "engineer"], name="kpi_card_one_per_period"),
            models.CheckConstraint(
                condition=Q(very_satisfied__lte=models.F("visits"))
                & Q(dissatisfied__lte=models.F("visits")),
                name="kpi_card_counts_within_visits",
            ),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="kpi_card_bonus_gte_0"),
        ]
        indexes = [models.Index(fields=["engineer", "month"], name="kpi_card_engineer_month")]

    def __str__(self) -> str:
        return f"{self.engineer} {self.month:%Y-%m}"

    @property
    def very_satisfied_percent(self) -> Decimal | None:
        """The share of very satisfied return visits, or None without any."""
        if not self.visits:
            return None
        return (Decimal(self.very_satisfied) * 100 / self.visits).quantize(Decimal("0.1"))


class ScoreLine(models.Model):
    """One reason behind a number on a scorecard: a rule hit or an order, with its source."""

    card = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    points = models.IntegerField(_("points"), default=0)
    amount = models.DecimalField(
        _("amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    base_amount = models.DecimalField(
        _("project amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    return_visit = models.ForeignKey(
        "feedback.ReturnVisit",
        verbose_name=_("return visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="score_lines",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="score_lines",
    )

    objects = ScoreLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["card_id", "kind", "id"]
        indexes = [models.Index(fields=["request", "kind"], name="kpi_line_request_kind")]

    def __str__(self) -> str:
        return f"{self.card_id} {self.kind} {self.points}"
