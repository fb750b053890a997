"""Parts requisitions (领料单): raised by after-sales, approved by production, issued by
the warehouse."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.parts.choices_stock import RequisitionStatus, WarrantyCover
from aftersales.parts.models.stock import QTY, ZERO, Warehouse
from aftersales.parts.querysets_stock import RequisitionQuerySet

OPEN_STATUSES = [
    RequisitionStatus.SUBMITTED,
    RequisitionStatus.WAITING_STOCK,
    RequisitionStatus.READY,
]


class Requisition(TimeStampedModel):
    """A request for parts from a warehouse for one service request."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    cover = models.CharField(_("warranty"), max_length=16, choices=WarrantyCover.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequisitionStatus.choices,
        default=RequisitionStatus.SUBMITTED,
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="parts_req_status"),
            models.Index(
                fields=["warehouse", "created_at"],
                condition=Q(status="waiting_stock"),
                name="parts_req_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "cancelled"]) | Q(decided_by__isnull=False),
                name="parts_req_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_by__isnull=False),
                name="parts_req_issued_has_issuer",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RequisitionLine(models.Model):
    """One part and quantity of a requisition."""

    requisition = models.ForeignKey(
        Requisition, verbose_name=_("requisition"), on_delete=models.CASCADE, related_name="lines"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    issued_quantity = models.DecimalField(_("issued"), default=ZERO, **QTY)

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_reqline_qty_gt_0"),
            models.UniqueConstraint(fields=["requisition", "part"], name="parts_reqline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"
