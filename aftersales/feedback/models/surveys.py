"""Satisfaction surveys (CSAT): a one-time link to the customer's contact."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.feedback import querysets as qs


class Survey(TimeStampedModel):
    """One survey per request and round of work; only the hash of its link's token is kept."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    round = models.PositiveSmallIntegerField(_("round of work"), default=0)
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("service attitude"), null=True, blank=True)
    speed = models.PositiveSmallIntegerField(_("response speed"), null=True, blank=True)
    result = models.PositiveSmallIntegerField(_("result"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)

    objects = qs.SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "round"], name="feedback_survey_once"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(
                    attitude__gte=1,
                    attitude__lte=5,
                    speed__gte=1,
                    speed__lte=5,
                    result__gte=1,
                    result__lte=5,
                ),
                name="feedback_survey_answer_complete",
            ),
        ]
        indexes = [models.Index(fields=["answered_at"], name="feedback_survey_answered")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.round}"

    @property
    def score(self) -> float | None:
        """The mean of the three answers (None until answered)."""
        if self.answered_at is None or None in (self.attitude, self.speed, self.result):
            return None
        return (int(self.attitude or 0) + int(self.speed or 0) + int(self.result or 0)) / 3
