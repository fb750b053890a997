"""Visits to the customer's site: the appointment, arrival and departure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.field.choices import VisitStatus


class Visit(TimeStampedModel):
    """One trip to the customer's site for a request, in a time window agreed with them."""

    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("engineers"), related_name="visits"
    )
    window_start = models.DateTimeField(_("appointment from"))
    window_end = models.DateTimeField(_("appointment until"))
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["window_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="field_visit_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} @ {self.window_start:%Y-%m-%d %H:%M}"
