"""Return visits (回访), surveys, complaints and opinion forms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.feedback.choices import ContactMethod, Rating, ReturnVisitStatus


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
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="feedback_rv_due",
                condition=Q(status=ReturnVisitStatus.DUE),
            ),
            models.Index(fields=["engineer", "done_at"], name="feedback_rv_engineer_month"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id or self.company_id} {self.due_on}"
