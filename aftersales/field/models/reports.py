"""Service reports (售后服务报告): the document everything else hangs from. The customer
signs it, the manager signs it off, and only an effective report is reimbursed and
return-visited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.field.choices import ReportStatus
from aftersales.field.models.visits import Visit


class ServiceReport(TimeStampedModel):
    """The engineer's report of a visit (售后服务报告); immutable once effective."""

    number = models.CharField(_("report number"), max_length=32)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="service_reports",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("visit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    revises = models.OneToOneField(
        "self",
        verbose_name=_("revision of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revised_by",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="service_reports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    fault_found = models.TextField(_("fault found"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    customer_opinion = models.TextField(_("customer's opinion"), blank=True)
    effective_at = models.DateTimeField(_("effective at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], name="field_report_revision"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.EFFECTIVE, effective_at__isnull=False)
                | ~Q(status=ReportStatus.EFFECTIVE),
                name="field_report_effective_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} r{self.revision}"


class ReportLabour(models.Model):
    """Hours one engineer worked for a report; labour cost is hours × the engineer's rate."""

    report = models.ForeignKey(
        ServiceReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="labour"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="report_labour",
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("labour")
        verbose_name_plural = _("labour")
        constraints = [
            models.UniqueConstraint(fields=["report", "engineer"], name="field_labour_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="field_labour_hours_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.engineer_id} {self.hours} h"


class ReportPart(models.Model):
    """A part used in the work: from the catalogue, how many, and the old part's serial."""

    report = models.ForeignKey(
        ServiceReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="parts"
    )
    part = models.ForeignKey(
        "parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="used_in"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    old_serial = models.CharField(_("serial of the replaced part"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="field_reportpart_qty_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} × {self.quantity}"
