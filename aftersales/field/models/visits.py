"""Visits to the customer's site: the appointment, arrival and departure."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.field.choices import VisitStatus


class VisitQuerySet(models.QuerySet):
    """Visits: staff who see the request see its visits; portal users see none."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of
        from aftersales.service.models import ServiceRequest

        scope = scope_of(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        if scope.sees_all:
            return self
        return self.filter(request__in=ServiceRequest.objects.visible_to(user).values("pk"))


def _coordinate(name: Any, limit: int) -> models.DecimalField:
    return models.DecimalField(
        name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-limit), MaxValueValidator(limit)],
    )


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
    trip_plan = models.ForeignKey(
        "field.TripPlan",
        verbose_name=_("trip plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    appointment_note = models.TextField(_("agreed with the customer"), blank=True)
    arrival_lat = _coordinate(_("arrival latitude"), 90)
    arrival_lng = _coordinate(_("arrival longitude"), 180)
    arrival_note = models.TextField(_("note on arrival"), blank=True)
    departure_lat = _coordinate(_("departure latitude"), 90)
    departure_lng = _coordinate(_("departure longitude"), 180)
    departure_note = models.TextField(_("note on departure"), blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["window_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="field_visit_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True)
                | Q(left_at__isnull=True)
                | Q(left_at__gte=models.F("arrived_at")),
                name="field_visit_left_after_arrival",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} @ {self.window_start:%Y-%m-%d %H:%M}"
