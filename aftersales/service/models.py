"""Service requests (服务请求), their conversation and their consulted experts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel
from aftersales.service import querysets as qs
from aftersales.service.choices import (
    OPEN,
    CancelReason,
    Channel,
    MessageKind,
    Priority,
    RequestType,
    Status,
)
from aftersales.sla.choices import ClockState


class Category(models.Model):
    """A node of the editable category tree: product line → fault category."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    product_line = models.ForeignKey(
        "customers.ProductLine",
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = qs.CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="service_category_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)


class ServiceRequest(TimeStampedModel):
    """A customer's call, visit, letter or ticket, owned by one accountable person."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    request_type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    site = models.ForeignKey(
        "customers.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    equipment = models.ForeignKey(
        "customers.Equipment",
        verbose_name=_("equipment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_requests",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    # The working status to go back to when a waiting state ends.
    resume_status = models.CharField(
        _("status to resume"), max_length=20, choices=Status.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("arrived on site at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    resolution = models.TextField(_("resolution"), blank=True)
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=16, choices=CancelReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_requests",
    )
    # Denormalised from the clocks for ordering and filtering lists (rule 5).
    next_due_at = models.DateTimeField(_("next due at"), null=True, blank=True)
    sla_state = models.CharField(
        _("SLA state"), max_length=16, choices=ClockState.choices, default=ClockState.MET
    )
    calendar_missing = models.BooleanField(
        _("calendar missing for a year"),
        default=False,
        help_text=_("A due time was computed with the Monday–Friday fallback."),
    )
    # Space-separated bigrams and words: Chinese has no spaces (see search.py).
    search_document = models.TextField(_("search text"), blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.NEW)
                | Q(status=Status.CANCELLED)
                | Q(owner__isnull=False),
                name="service_request_owner_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=Status.CANCELLED),
                name="service_request_merged_is_cancelled",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")),
                name="service_request_not_merged_into_self",
            ),
        ]
        indexes = [
            # "My open requests by due time" reads 50 index entries in order, then stops.
            models.Index(
                fields=["owner", "next_due_at"],
                name="sr_owner_open_due",
                condition=Q(status__in=sorted(OPEN)),
            ),
            models.Index(
                fields=["department", "next_due_at"],
                name="sr_dept_open_due",
                condition=Q(status__in=sorted(OPEN)),
            ),
            models.Index(fields=["owner", "status", "next_due_at"], name="sr_owner_status_due"),
            models.Index(fields=["department", "status", "next_due_at"], name="sr_dept_status_due"),
            models.Index(fields=["company", "-received_at"], name="sr_company_received"),
            models.Index(fields=["status", "next_due_at"], name="sr_status_due"),
            models.Index(fields=["equipment", "-received_at"], name="sr_equipment_received"),
            models.Index(fields=["-received_at"], name="sr_received"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Expert(models.Model):
    """An expert invited to consult on a request (专家会诊): sees it, adds notes, not owner."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="experts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"))
    reason = models.CharField(_("question"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("consulted expert")
        verbose_name_plural = _("consulted experts")
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="service_expert_unique")
        ]
        indexes = [models.Index(fields=["user", "request"])]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.user_id}"


class Message(models.Model):
    """A reply the customer sees, or an internal note."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(
        _("written at"), default=clock.now, editable=False, db_index=True
    )

    objects = qs.MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.request_id}"
