"""SLA policies, the working calendar and the clocks of each request."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel
from aftersales.sla.choices import ClockMode, ClockState, EscalationLevel, TargetKind


class WorkingHours(models.Model):
    """The company's working hours (one row)."""

    start = models.TimeField(_("work starts"), default=dt.time(9, 0))
    end = models.TimeField(_("work ends"), default=dt.time(18, 0))
    lunch_start = models.TimeField(_("lunch break starts"), null=True, blank=True)
    lunch_end = models.TimeField(_("lunch break ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="sla_hours_order"),
            models.CheckConstraint(
                condition=Q(lunch_start__isnull=True, lunch_end__isnull=True)
                | Q(
                    lunch_start__gte=models.F("start"),
                    lunch_end__gt=models.F("lunch_start"),
                    lunch_end__lte=models.F("end"),
                ),
                name="sla_hours_lunch_inside_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class CalendarOverride(TimeStampedModel):
    """An administrator's correction of the statutory calendar for one date."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'✓' if self.is_working else '✗'}"


class Policy(TimeStampedModel):
    """Service-level promises for the requests it matches.

    A policy matches a request when each of its criteria is empty (any) or contains the
    request's value. For each target kind, the most specific matching policy that defines
    that target wins (most criteria set), then the lower ``order``.
    """

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    request_types = models.JSONField(_("request types"), default=list, blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    region_classes = models.JSONField(_("region classes"), default=list, blank=True)
    response_minutes = models.PositiveIntegerField(
        _("first response (minutes)"), null=True, blank=True
    )
    response_clock = models.CharField(
        _("first response clock"),
        max_length=8,
        choices=ClockMode.choices,
        default=ClockMode.WORKING,
    )
    arrival_minutes = models.PositiveIntegerField(
        _("on-site arrival (minutes)"), null=True, blank=True
    )
    arrival_clock = models.CharField(
        _("on-site arrival clock"),
        max_length=8,
        choices=ClockMode.choices,
        default=ClockMode.ALWAYS,
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (minutes)"), null=True, blank=True
    )
    resolution_clock = models.CharField(
        _("resolution clock"), max_length=8, choices=ClockMode.choices, default=ClockMode.WORKING
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    escalation_interval_minutes = models.PositiveIntegerField(
        _("escalation interval (minutes)"), default=60, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(warn_percent__gte=1, warn_percent__lte=99), name="sla_policy_warn_range"
            ),
        ]

    def __str__(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def specificity(self) -> int:
        """How many criteria the policy sets; more specific policies win."""
        return sum(
            bool(c) for c in (self.tiers, self.request_types, self.priorities, self.region_classes)
        )

    def matches(self, *, tier: str, request_type: str, priority: str, region: str) -> bool:
        """Whether every criterion is empty or contains the request's value."""
        return all(
            not allowed or value in allowed
            for allowed, value in (
                (self.tiers, tier),
                (self.request_types, request_type),
                (self.priorities, priority),
                (self.region_classes, region),
            )
        )

    def target(self, kind: str) -> tuple[int, str] | None:
        """(minutes, clock mode) of the target ``kind``, or None if it does not set one."""
        minutes = getattr(self, f"{kind}_minutes")
        return None if minutes is None else (minutes, getattr(self, f"{kind}_clock"))


class Clock(models.Model):
    """One promise running for one request: due time stored, paused in waiting states."""

    # The sweep updates thousands of clocks a minute: every index costs on every update, so
    # the request is indexed only by the (request, kind) unique constraint and the policy not
    # at all (a policy is deleted almost never, and PROTECT may scan for it then).
    request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="clocks",
        db_index=False,
    )
    kind = models.CharField(_("target"), max_length=16, choices=TargetKind.choices)
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    target_minutes = models.PositiveIntegerField(_("target (minutes)"))
    mode = models.CharField(_("clock"), max_length=8, choices=ClockMode.choices)
    warn_percent = models.PositiveSmallIntegerField(_("warn at (percent of target)"))
    escalation_interval_minutes = models.PositiveIntegerField(_("escalation interval (minutes)"))
    started_at = models.DateTimeField(_("started at"))
    # Time already used (working or elapsed seconds, per mode) before ``running_since``.
    consumed_seconds = models.PositiveIntegerField(_("consumed (seconds)"), default=0)
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    next_escalation_at = models.DateTimeField(_("next escalation at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["request_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="sla_clock_unique_kind"),
            models.CheckConstraint(
                condition=Q(running_since__isnull=True) | Q(due_at__isnull=False),
                name="sla_clock_running_has_due",
            ),
        ]
        indexes = [
            # The sweeper's three questions, each over open clocks only (partial indexes).
            models.Index(
                fields=["warn_at"],
                name="sla_clock_warn_due",
                condition=Q(
                    warned_at__isnull=True,
                    met_at__isnull=True,
                    stopped_at__isnull=True,
                    running_since__isnull=False,
                ),
            ),
            models.Index(
                fields=["due_at"],
                name="sla_clock_breach_due",
                condition=Q(
                    breached_at__isnull=True,
                    met_at__isnull=True,
                    stopped_at__isnull=True,
                    running_since__isnull=False,
                ),
            ),
            models.Index(
                fields=["next_escalation_at"],
                name="sla_clock_escalation_due",
                condition=Q(
                    next_escalation_at__isnull=False, met_at__isnull=True, stopped_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}"

    def state(self, now: dt.datetime) -> str:
        """The clock's state at ``now``."""
        return clock_state(self, now)


class ClockTimes(Protocol):
    """What reading a clock needs: a Clock, or a row of one loaded without the model."""

    target_minutes: int
    mode: str
    consumed_seconds: int
    running_since: dt.datetime | None
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    warned_at: dt.datetime | None
    met_at: dt.datetime | None
    breached_at: dt.datetime | None
    stopped_at: dt.datetime | None


def clock_state(clock: ClockTimes, now: dt.datetime) -> str:
    """A clock's state at ``now``."""
    if clock.stopped_at:
        return ClockState.STOPPED
    if clock.breached_at or (
        clock.met_at is None
        and clock.due_at is not None
        and clock.running_since
        and now >= clock.due_at
    ):
        return ClockState.BREACHED
    if clock.met_at:
        return ClockState.MET
    if clock.running_since is None:
        return ClockState.PAUSED
    if clock.warned_at or (clock.warn_at is not None and now >= clock.warn_at):
        return ClockState.AT_RISK
    return ClockState.ON_TRACK
