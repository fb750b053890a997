"""Warranty decisions (三包一赔) on a unit for a request, and quotations for chargeable work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel


class Outcome(models.TextChoices):
    """The remedy: the three guarantees and compensation (三包一赔), or chargeable work."""

    REPAIR = "repair", _("Repair (包修)")
    RETURN = "return", _("Return (包退)")
    REPLACE = "replace", _("Replace (包换)")
    COMPENSATION = "compensation", _("Compensation (包赔)")
    CHARGEABLE = "chargeable", _("Out of warranty (chargeable)")


# The outcomes that give up a product or pay money: a director decides (see services).
MAJOR_OUTCOMES = frozenset({Outcome.RETURN, Outcome.REPLACE, Outcome.COMPENSATION})
WARRANTY_OUTCOMES = frozenset({Outcome.REPAIR, *MAJOR_OUTCOMES})


class DecisionStatus(models.TextChoices):
    """A decision is proposed, then approved or rejected (a rejected one may be redone)."""

    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


LIVE_DECISION = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED)

# The rule's conditions (三包一赔), each a boolean field of the decision.
CONDITIONS: dict[str, Any] = {
    "cond_defect_endangers": _("A manufacturing defect endangers safe operation"),
    "cond_not_to_spec": _("The product is not to the contracted specification or capacity"),
    "cond_irreparable_before_operation": _(
        "An irreparable manufacturing defect was found before operation"
    ),
    "cond_major_loss": _("A quality problem caused the customer a major loss"),
}
# Which condition each remedy rests on (seed 4.6: 包修、包退、包换、包赔).
REQUIRED_CONDITION = {
    Outcome.REPAIR: "cond_defect_endangers",
    Outcome.RETURN: "cond_not_to_spec",
    Outcome.REPLACE: "cond_irreparable_before_operation",
    Outcome.COMPENSATION: "cond_major_loss",
}


class WarrantyDecisionQuerySet(models.QuerySet):
    """Decisions are seen with their request (a portal user: their company's)."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.service.querysets import request_q

        q = request_q(user, "request")
        return self if q is None else self.filter(q)


class WarrantyDecision(TimeStampedModel):
    """The warranty decision (三包一赔) for a request on one unit, with its approval."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="warranty_decisions",
    )
    equipment = models.ForeignKey(
        "customers.Equipment",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="warranty_decisions",
    )
    # Denormalised from the unit for the per-model report (one GROUP BY, no join chain).
    product_model = models.ForeignKey(
        "customers.ProductModel",
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    fault_date = models.DateField(_("fault date"))
    in_warranty = models.BooleanField(_("in warranty on the fault date"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    cond_defect_endangers = models.BooleanField(CONDITIONS["cond_defect_endangers"], default=False)
    cond_not_to_spec = models.BooleanField(CONDITIONS["cond_not_to_spec"], default=False)
    cond_irreparable_before_operation = models.BooleanField(
        CONDITIONS["cond_irreparable_before_operation"], default=False
    )
    cond_major_loss = models.BooleanField(CONDITIONS["cond_major_loss"], default=False)
    reason = models.TextField(_("reasoning"), blank=True)
    amount = models.DecimalField(
        _("money involved (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = WarrantyDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("warranty decision")
        verbose_name_plural = _("warranty decisions")
        ordering = ["-decided_at", "-id"]
        permissions = [("approve_warrantydecision", _("Can approve warranty decisions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=LIVE_DECISION),
                name="parts_warranty_one_live_per_request",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="parts_warranty_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(status=DecisionStatus.PROPOSED)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="parts_warranty_decided_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=models.F("decided_by")),
                name="parts_warranty_four_eyes",
            ),
            # The rule of each remedy, kept by the database too.
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.REPAIR) | Q(cond_defect_endangers=True),
                name="parts_warranty_repair_defect",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.RETURN) | Q(cond_not_to_spec=True),
                name="parts_warranty_return_not_to_spec",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.REPLACE) | Q(cond_irreparable_before_operation=True),
                name="parts_warranty_replace_irreparable",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.COMPENSATION) | Q(cond_major_loss=True),
                name="parts_warranty_compensation_major_loss",
            ),
        ]
        indexes = [
            models.Index(fields=["equipment", "-decided_at"], name="parts_wd_unit"),
            models.Index(fields=["product_model", "decided_at"], name="parts_wd_model_month"),
            models.Index(fields=["status", "-decided_at"], name="parts_wd_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_outcome_display()}"

    @property
    def conditions(self) -> list[Any]:
        """The labels of the conditions recorded as met."""
        return [label for name, label in CONDITIONS.items() if getattr(self, name)]

    @property
    def is_chargeable(self) -> bool:
        """Out-of-warranty work: a quotation must be accepted before work."""
        return self.outcome == Outcome.CHARGEABLE


class QuotationStatus(models.TextChoices):
    """A quotation is drafted, offered to the customer, then accepted or declined."""

    DRAFT = "draft", _("Draft")
    OFFERED = "offered", _("Offered to the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    DECLINED = "declined", _("Declined")


class QuotationQuerySet(models.QuerySet):
    """Quotations are seen with their request; a portal user never sees a draft."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of
        from aftersales.service.querysets import request_q

        q = request_q(user, "decision__request")
        rows = self if q is None else self.filter(q)
        if scope_of(user).is_portal:
            rows = rows.exclude(status=QuotationStatus.DRAFT)
        return rows


class Quotation(TimeStampedModel):
    """The price of out-of-warranty work, which the customer accepts before work starts."""

    decision = models.OneToOneField(
        WarrantyDecision,
        verbose_name=_("warranty decision"),
        on_delete=models.PROTECT,
        related_name="quotation",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=QuotationStatus.choices, default=QuotationStatus.DRAFT
    )
    total = models.DecimalField(
        _("total (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_for = models.CharField(
        _("customer's signatory"),
        max_length=100,
        blank=True,
        help_text=_("Who accepted or declined for the customer, when staff record it."),
    )
    answer_comment = models.TextField(_("customer's comment"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = QuotationQuerySet.as_manager()

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-id"]
        permissions = [("accept_quotation", _("Can accept or decline a quotation"))]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="parts_quotation_total_gte_0"),
            models.CheckConstraint(
                condition=Q(status__in=[QuotationStatus.DRAFT, QuotationStatus.OFFERED])
                | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="parts_quotation_answer_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.number} · {self.total}"


class QuotationLine(models.Model):
    """One line of a quotation: a part or a service, quantity and unit price."""

    quotation = models.ForeignKey(
        Quotation, verbose_name=_("quotation"), on_delete=models.CASCADE, related_name="lines"
    )
    part = models.ForeignKey(
        "parts.Part",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_qline_qty_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="parts_qline_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        """Quantity times unit price, to the fen."""
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))
