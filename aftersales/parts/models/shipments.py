"""The shipment register (配件发送登记): every dispatch of parts to a site."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.core.models import TimeStampedModel
from aftersales.parts.choices_stock import ShipmentStatus, Transport
from aftersales.parts.models.stock import QTY
from aftersales.parts.querysets_stock import ShipmentQuerySet


class Shipment(TimeStampedModel):
    """Parts sent out of the gate on a gate pass (出门证) to a site, until received."""

    gate_pass = models.CharField(_("gate pass number"), max_length=32, unique=True)
    requisition = models.ForeignKey(
        "parts.Requisition",
        verbose_name=_("requisition"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    destination = models.CharField(_("destination"), max_length=200)
    product_model = models.ForeignKey(
        "customers.ProductModel",
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)
    transport = models.CharField(_("transport"), max_length=16, choices=Transport.choices)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    stub = models.FileField(_("dispatch stub"), upload_to="parts/stubs/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "-sent_at"], name="parts_ship_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent") | Q(received_at__isnull=False),
                name="parts_ship_received_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(transport="express") | ~Q(tracking_number=""),
                name="parts_ship_express_has_tracking",
            ),
        ]

    def __str__(self) -> str:
        return self.gate_pass


class ShipmentItem(models.Model):
    """One part and quantity in a shipment."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="items"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QTY)

    class Meta:
        verbose_name = _("shipped item")
        verbose_name_plural = _("shipped items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_shipitem_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"
