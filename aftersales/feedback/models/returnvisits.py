"""Return visits (回访) after service and periodic visits to key accounts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.feedback import querysets as qs
from aftersales.feedback.choices import (
    ContactMethod,
    Rating,
    ReturnVisitKind,
    ReturnVisitStatus,
    ScheduleInterval,
)


class VisitSchedule(TimeStampedModel):
    """How often the office visits a key account (定期回访); the sweep creates the visits."""

    company = models.OneToOneField(
        "customers.Company",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="visit_schedule",
    )
    interval_months = models.PositiveSmallIntegerField(
        _("interval"), choices=ScheduleInterval.choices, default=ScheduleInterval.QUARTERLY
    )
    next_due_on = models.DateField(_("next visit due on"))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.VisitScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("key-account visit schedule")
        verbose_name_plural = _("key-account visit schedules")
        ordering = ["next_due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1, interval_months__lte=12),
                name="feedback_schedule_interval_range",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_due_on"], name="feedback_schedule_due", condition=Q(is_active=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.get_interval_months_display()}"


class ReturnVisit(TimeStampedModel):
    """The office's call to the customer after the work: the rating that pays the engineer.

    ``engineer`` is who did the work, fixed when the visit falls due; the scorecard of that
    engineer counts the visit in the month it is recorded (``done_at``).
    """

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="return_visits",
        null=True,
        blank=True,
    )
    report = models.ForeignKey(
        "field.ServiceReport",
        verbose_name=_("service report"),
        on_delete=models.PROTECT,
        related_name="return_visits",
        null=True,
        blank=True,
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="return_visits",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer who did the work"),
        on_delete=models.PROTECT,
        related_name="return_visits_of_work",
        null=True,
        blank=True,
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReturnVisitStatus.choices,
        default=ReturnVisitStatus.DUE,
    )
    method = models.CharField(_("method"), max_length=16, choices=ContactMethod.choices, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="return_visits_done",
        null=True,
        blank=True,
    )
    done_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=Rating.choices, null=True, blank=True
    )
    praised = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineers praised"),
        related_name="praises",
        blank=True,
    )
    solved = models.BooleanField(_("problem really solved"), null=True, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ReturnVisitKind.choices, default=ReturnVisitKind.REQUEST
    )
    # A request reopened after an unsolved visit gets a new visit for its next round of work;
    # the round is the request's reopen count when the visit fell due.
    round = models.PositiveSmallIntegerField(_("round of work"), default=0)
    schedule = models.ForeignKey(
        VisitSchedule,
        verbose_name=_("schedule"),
        on_delete=models.PROTECT,
        related_name="visits",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="return_visits",
        null=True,
        blank=True,
    )

    objects = qs.ReturnVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReturnVisitStatus.DONE)
                | Q(done_at__isnull=False, rating__isnull=False, done_by__isnull=False),
                name="feedback_returnvisit_done_complete",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_returnvisit_rating_range",
            ),
            models.UniqueConstraint(
                fields=["request", "round"],
                condition=Q(request__isnull=False),
                name="feedback_returnvisit_one_per_request_round",
            ),
            models.UniqueConstraint(
                fields=["schedule", "due_on"],
                condition=Q(schedule__isnull=False),
                name="feedback_returnvisit_one_per_schedule_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="feedback_rv_due",
                condition=Q(status=ReturnVisitStatus.DUE),
            ),
            models.Index(fields=["engineer", "done_at"], name="feedback_rv_engineer_month"),
            models.Index(fields=["status", "done_at"], name="feedback_rv_done"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id or self.company_id} {self.due_on}"
