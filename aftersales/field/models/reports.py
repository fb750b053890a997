"""Service reports (售后服务报告): the document everything else hangs from. The customer
signs it, the manager signs it off, and only an effective report is reimbursed and
return-visited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.field.choices import ReportStatus
from aftersales.field.models.visits import Visit


class ReviewState(models.TextChoices):
    """Management's review of a report returned from the field (返公司后由公司领导审核)."""

    NOT_REVIEWED = "not_reviewed", _("Not reviewed")
    OK = "ok", _("Reviewed: OK")
    FOLLOW_UP = "follow_up", _("Reviewed: needs follow-up")


class ConfirmationMethod(models.TextChoices):
    """How the customer confirmed the report."""

    SIGNATURE = "signature", _("Signature on the device")
    LINK = "link", _("Confirmation link")
    CODE = "code", _("Confirmation code")


# Statuses in which the customer has confirmed the report.
CUSTOMER_CONFIRMED = [
    ReportStatus.AWAITING_MANAGER,
    ReportStatus.EFFECTIVE,
    ReportStatus.SUPERSEDED,
]


class ServiceReportQuerySet(models.QuerySet):
    """Staff see the reports of the requests they see; a portal user sees only the effective
    reports of their own company's requests."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of
        from aftersales.service.querysets import request_q

        scope = scope_of(user)
        if scope.user_id is None:
            return self.none()
        q = request_q(user, "request")
        visible = self if q is None else self.filter(q)
        if scope.is_portal:
            visible = visible.filter(status=ReportStatus.EFFECTIVE)
        return visible


class ServiceReport(TimeStampedModel):
    """The engineer's report of a visit (售后服务报告); immutable once effective."""

    number = models.CharField(_("report number"), max_length=32)
    revision = models.PositiveIntegerField(_("revision"), default=0)
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
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The customer's confirmation: a drawn signature (PNG bytes) or a link/code, with a name.
    customer_method = models.CharField(
        _("confirmed by"), max_length=16, choices=ConfirmationMethod.choices, blank=True
    )
    customer_signer = models.CharField(_("customer's signatory"), max_length=100, blank=True)
    customer_signature = models.BinaryField(_("customer's signature"), null=True, blank=True)
    customer_signed_at = models.DateTimeField(_("customer confirmed at"), null=True, blank=True)
    # The department manager's sign-off: their drawn signature, or their name and the time.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_off_reports",
    )
    manager_signature = models.BinaryField(_("manager's signature"), null=True, blank=True)
    manager_signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    review_state = models.CharField(
        _("review"), max_length=16, choices=ReviewState.choices, default=ReviewState.NOT_REVIEWED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ServiceReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("service report")
        verbose_name_plural = _("service reports")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("sign_off_servicereport", _("Can sign off service reports")),
            ("review_servicereport", _("Can review service reports")),
        ]
        indexes = [
            models.Index(fields=["request", "-created_at"], name="field_report_request"),
            models.Index(fields=["review_state", "-created_at"], name="field_report_review"),
            models.Index(fields=["status", "-created_at"], name="field_report_status"),
        ]
        constraints = [
            # Corrections are revisions of the same number; only one of them is in force.
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(status=ReportStatus.EFFECTIVE),
                name="field_report_one_effective_revision",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=CUSTOMER_CONFIRMED)
                | Q(customer_signed_at__isnull=False, customer_signer__gt=""),
                name="field_report_confirmed_has_customer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ReportStatus.EFFECTIVE, ReportStatus.SUPERSEDED])
                | Q(manager__isnull=False, manager_signed_at__isnull=False),
                name="field_report_effective_has_manager",
            ),
            models.CheckConstraint(
                condition=Q(review_state=ReviewState.NOT_REVIEWED)
                | Q(reviewer__isnull=False, reviewed_at__isnull=False),
                name="field_report_review_has_reviewer",
            ),
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


class ReportConfirmation(models.Model):
    """A one-time link and code sent to the request's contact to confirm a report.

    Only hashes are stored: whoever reads the database cannot confirm in the contact's name.
    """

    report = models.ForeignKey(
        ServiceReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="report_confirmations",
    )
    token_hash = models.CharField(_("link hash"), max_length=64, unique=True)
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)

    class Meta:
        verbose_name = _("report confirmation")
        verbose_name_plural = _("report confirmations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="field_confirmation_expires_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} @ {self.created_at:%Y-%m-%d %H:%M}"
