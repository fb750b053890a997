"""Warehouses, the append-only stock ledger, balances and reservations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.core.i18n import localized
from aftersales.core.models import AppendOnlyError, TimeStampedModel
from aftersales.parts.choices_stock import MovementKind, Purpose, ReservationStatus

QTY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")


class Warehouse(TimeStampedModel):
    """A store of parts (总库、区域备件库)."""

    code = models.CharField(_("warehouse code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("keeper"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name in the current language."""
        return localized(self.name, self.name_en)


class MovementQuerySet(models.QuerySet):
    """Ledger rows in bulk: insert only."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("stock movements are append-only")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("stock movements are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("stock movements are append-only")


class StockMovement(models.Model):
    """One line of the stock ledger: a signed quantity of a part into (+) or out of (−) a
    warehouse. Never changed or deleted; a mistake is corrected by an adjustment."""

    created_at = models.DateTimeField(_("time"), default=clock.now, editable=False)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    quantity = models.DecimalField(_("quantity"), **QTY)
    balance_after = models.DecimalField(_("balance after"), **QTY)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    requisition = models.ForeignKey(
        "parts.Requisition",
        verbose_name=_("requisition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["warehouse", "part", "-created_at"], name="parts_move_wh_part"),
            models.Index(fields=["-created_at"], name="parts_move_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="parts_move_qty_ne_0"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="parts_move_bal_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part_id} {self.quantity:+}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("stock movements are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("stock movements are append-only")


class StockBalance(models.Model):
    """Stock on hand and reserved of one part in one warehouse: the ledger's running sum,
    written in the same transaction as each movement, under the row's lock."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="balances"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="balances"
    )
    on_hand = models.DecimalField(_("on hand"), default=ZERO, **QTY)
    reserved = models.DecimalField(_("reserved"), default=ZERO, **QTY)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["warehouse", "part"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "part"], name="parts_balance_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="parts_balance_on_hand_gte_0"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="parts_balance_reserved_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="parts_balance_reserved_lte_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.part_id}: {self.on_hand}"

    @property
    def available(self) -> Decimal:
        """On hand and not reserved."""
        return self.on_hand - self.reserved


class Reservation(models.Model):
    """Stock held for a requisition line (service) or a production order (production)."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReservationStatus.choices,
        default=ReservationStatus.ACTIVE,
    )
    line = models.OneToOneField(
        "parts.RequisitionLine",
        verbose_name=_("requisition line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservation",
    )
    production_order = models.CharField(_("production order"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["warehouse", "part", "purpose"],
                condition=Q(status="active"),
                name="parts_resv_active",
            )
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_resv_qty_gt_0"),
            models.CheckConstraint(
                condition=Q(purpose="service", line__isnull=False)
                | Q(purpose="production", line__isnull=True),
                name="parts_resv_service_has_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.part_id} × {self.quantity}"
