"""Old parts coming back from site (旧件回收)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.parts.choices_stock import ReturnOutcome, ReturnStatus
from aftersales.parts.models.stock import QTY
from aftersales.parts.querysets_stock import OldPartQuerySet


class OldPartReturn(TimeStampedModel):
    """A replaced part on its way back: expected, received, inspected, outcome decided."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+"
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="old_parts",
    )
    report_part = models.OneToOneField(
        "field.ReportPart",
        verbose_name=_("part used in the report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="old_part_return",
    )
    old_serial = models.CharField(_("serial of the old part"), max_length=64, blank=True)
    quantity = models.DecimalField(_("quantity"), **QTY)
    status = models.CharField(
        _("status"), max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.EXPECTED
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    findings = models.TextField(_("inspection findings"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ReturnOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("outcome note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = OldPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("old part return")
        verbose_name_plural = _("old part returns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="parts_oldpart_status")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_oldpart_qty_gt_0"),
            models.CheckConstraint(
                condition=~Q(status="decided") | ~Q(outcome=""),
                name="parts_oldpart_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(status="expected") | Q(received_at__isnull=False),
                name="parts_oldpart_received_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number
