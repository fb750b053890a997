"""Complaints (投诉) in three steps with the departments' parts, the customer opinion form
(顾客意见书), and suggestions routed to the department concerned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.feedback import querysets as qs
from aftersales.feedback.choices import ComplaintStep, Severity, SuggestionStatus


class Complaint(TimeStampedModel):
    """The handling record of a complaint request and its customer opinion form."""

    request = models.OneToOneField(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="complaint",
    )
    step = models.CharField(
        _("step"), max_length=16, choices=ComplaintStep.choices, default=ComplaintStep.CONFIRM
    )
    # Customer opinion form (顾客意见书): the customer's own words and what they ask for.
    opinion = models.TextField(_("customer's opinion"), blank=True)
    demand = models.TextField(_("customer's demand"), blank=True)
    # Step 1: the problem confirmed and a preliminary solution given (promise: 24 h).
    problem = models.TextField(_("problem confirmed"), blank=True)
    preliminary_solution = models.TextField(_("preliminary solution"), blank=True)
    confirm_due_at = models.DateTimeField(_("confirmation due at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_in_time = models.BooleanField(_("confirmed within 24 h"), null=True, blank=True)
    # Step 2: a plan by severity with the departments concerned.
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, blank=True)
    plan = models.TextField(_("plan"), blank=True)
    planned_at = models.DateTimeField(_("planned at"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Step 3: execution, then the return visit.
    execution = models.TextField(_("execution"), blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step=ComplaintStep.CONFIRM) | Q(confirmed_at__isnull=False),
                name="feedback_complaint_confirmed_before_plan",
            ),
            models.CheckConstraint(
                condition=Q(step__in=[ComplaintStep.CONFIRM, ComplaintStep.PLAN])
                | Q(planned_at__isnull=False),
                name="feedback_complaint_planned_before_execution",
            ),
        ]
        indexes = [models.Index(fields=["step", "confirm_due_at"], name="feedback_complaint_step")]

    def __str__(self) -> str:
        return str(self.request)


class ComplaintPart(TimeStampedModel):
    """One department's part of a complaint's plan, marked done by that department."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="parts"
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="complaint_parts",
    )
    task = models.TextField(_("task"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("department's part")
        verbose_name_plural = _("departments' parts")
        ordering = ["complaint_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "department"], name="feedback_complaint_part_once"
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
                name="feedback_complaint_part_done_by",
            ),
        ]
        indexes = [models.Index(fields=["department", "done_at"], name="feedback_part_dept")]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.department_id}"


class Suggestion(TimeStampedModel):
    """A customer's suggestion routed to the department concerned, and its answer."""

    request = models.OneToOneField(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="suggestion",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department concerned"),
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.ROUTED,
    )
    note = models.TextField(_("note to the department"), blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("routed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_at = models.DateTimeField(_("routed at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-routed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=SuggestionStatus.ANSWERED)
                | Q(answered_at__isnull=False, answered_by__isnull=False),
                name="feedback_suggestion_answered_complete",
            )
        ]
        indexes = [models.Index(fields=["department", "status"], name="feedback_sugg_dept")]

    def __str__(self) -> str:
        return str(self.request)
