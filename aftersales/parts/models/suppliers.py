"""Suppliers of bought-in parts and the written service notices sent to them (供应商服务通知)."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel


class _StaffOnly(models.QuerySet):
    """Suppliers and their notices are internal: every member of staff with the permission
    sees them (purchasing, production and after-sales all work on them); portal users never."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        return self


class Supplier(TimeStampedModel):
    """A supplier of bought-in parts (外购、外协件)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = _StaffOnly.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the current language."""
        return localized(self.name, self.name_en)


class NoticeStatus(models.TextChoices):
    """A notice is drafted, sent, answered by the supplier and followed until solved."""

    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RESPONDED = "responded", _("Supplier responded")
    SOLVED = "solved", _("Solved")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_NOTICE = (NoticeStatus.SENT, NoticeStatus.RESPONDED)


class CostBearer(models.TextChoices):
    """Who pays for fixing the quality problem (seed: 由于质量问题所产生的承担费用)."""

    SUPPLIER = "supplier", _("The supplier")
    COMPANY = "company", _("Our company")
    SHARED = "shared", _("Shared")
    CUSTOMER = "customer", _("The customer")


class SupplierNotice(TimeStampedModel):
    """A written service notice to a supplier, followed until the problem is solved."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="notices"
    )
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_notices",
    )
    problem = models.TextField(_("device problem"))
    model = models.CharField(_("model"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    site_address = models.CharField(_("site address"), max_length=255)
    contact_name = models.CharField(_("contact name"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    required_by = models.DateField(_("to be solved by"))
    cost_bearer = models.CharField(
        _("cost borne by"), max_length=16, choices=CostBearer.choices, default=CostBearer.SUPPLIER
    )
    cost_note = models.CharField(_("cost arrangement"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    emailed_to = models.EmailField(_("emailed to"), blank=True)
    response = models.TextField(_("supplier's response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    on_time = models.BooleanField(_("solved on time"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(
        _("service quality (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=255, blank=True)
    # Set once by the overdue sweep: the guard column that makes escalation idempotent.
    escalated_at = models.DateTimeField(_("escalated to purchasing at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = _StaffOnly.as_manager()

    class Meta:
        verbose_name = _("supplier service notice")
        verbose_name_plural = _("supplier service notices")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("rate_suppliernotice", _("Can close supplier notices as solved and rate the supplier"))
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="parts_notice_qty_gte_1"),
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | Q(quality__gte=1, quality__lte=5),
                name="parts_notice_quality_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(status=NoticeStatus.SOLVED)
                | Q(solved_at__isnull=False, quality__isnull=False, on_time__isnull=False),
                name="parts_notice_solved_is_rated",
            ),
            models.CheckConstraint(
                condition=Q(status=NoticeStatus.DRAFT)
                | Q(status=NoticeStatus.CANCELLED)
                | Q(sent_at__isnull=False),
                name="parts_notice_sent_has_time",
            ),
        ]
        indexes = [
            # The overdue sweep reads only open, not yet escalated notices by due date.
            models.Index(
                fields=["required_by"],
                name="parts_notice_overdue",
                condition=Q(status__in=OPEN_NOTICE, escalated_at__isnull=True),
            ),
            models.Index(fields=["supplier", "status"], name="parts_notice_supplier"),
            models.Index(fields=["request"], name="parts_notice_request"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.supplier}"
