"""Pre-aggregated numbers behind the dashboard.

Derived data only: ``stats.refresh_daily_stats`` rebuilds whole days from the requests and
their clocks, ``stats.refresh_open_stats`` recounts the open requests; any row may be
deleted and recomputed at any time. Days are calendar days in the company's time zone
(``settings.TIME_ZONE``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.service.choices import Channel, RequestType, Status
from aftersales.sla.choices import ClockState

# Upper bounds, in days since received, of the backlog age buckets (the last is open-ended).
AGE_LIMITS = (1, 3, 7, 30)


class DailyStat(models.Model):
    """One day's requests of one department, channel and type, and the SLA outcomes decided
    that day (a clock counts as met on the day it was met in time, as breached on the day it
    breached)."""

    date = models.DateField(_("date"))
    # Derived rows follow their department: deleting one (possible only without requests)
    # leaves nothing to count.
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    request_type = models.CharField(_("type"), max_length=16, choices=RequestType.choices)
    received = models.PositiveIntegerField(_("received"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    response_met = models.PositiveIntegerField(_("first response met in time"), default=0)
    response_breached = models.PositiveIntegerField(_("first response breached"), default=0)
    arrival_met = models.PositiveIntegerField(_("on-site arrival met in time"), default=0)
    arrival_breached = models.PositiveIntegerField(_("on-site arrival breached"), default=0)
    resolution_met = models.PositiveIntegerField(_("resolution met in time"), default=0)
    resolution_breached = models.PositiveIntegerField(_("resolution breached"), default=0)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        ordering = ["date"]
        constraints = [
            # Two partial constraints instead of one: NULL departments are distinct in a
            # plain unique index, and NULLS NOT DISTINCT exists on PostgreSQL 15+ only.
            models.UniqueConstraint(
                fields=["date", "department", "channel", "request_type"],
                condition=Q(department__isnull=False),
                name="insight_dailystat_unique",
            ),
            models.UniqueConstraint(
                fields=["date", "channel", "request_type"],
                condition=Q(department__isnull=True),
                name="insight_dailystat_unique_nodept",
            ),
        ]
        indexes = [
            # The department filter reads one department's days in order; the unique index
            # (date first) serves the unfiltered period scan.
            models.Index(fields=["department", "date"], name="insight_dailystat_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.department_id} {self.channel} {self.request_type}"


class EngineerDailyStat(models.Model):
    """How many requests an owner resolved on one day, per department of the request."""

    date = models.DateField(_("date"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    resolved = models.PositiveIntegerField(_("resolved"), default=0)

    class Meta:
        verbose_name = _("engineer's daily statistic")
        verbose_name_plural = _("engineers' daily statistics")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "department", "owner"],
                condition=Q(department__isnull=False),
                name="insight_engineerstat_unique",
            ),
            models.UniqueConstraint(
                fields=["date", "owner"],
                condition=Q(department__isnull=True),
                name="insight_engineerstat_unique_nodept",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "date"], name="insight_engineerstat_dept"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.owner_id} {self.resolved}"


class OpenStat(models.Model):
    """The open requests at the last count (every minute), per department, owner, status,
    SLA state and age bucket: the dashboard's "now" charts read these few rows instead of
    the open requests themselves, which lie scattered over the whole table."""

    taken_at = models.DateTimeField(_("counted at"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    sla_state = models.CharField(_("SLA state"), max_length=16, choices=ClockState.choices)
    # Index into AGE_LIMITS: 0 = received less than a day before ``taken_at``.
    age = models.PositiveSmallIntegerField(_("age bucket"))
    count = models.PositiveIntegerField(_("requests"))

    class Meta:
        verbose_name = _("open requests count")
        verbose_name_plural = _("open requests counts")
        indexes = [models.Index(fields=["department"], name="insight_openstat_dept")]

    def __str__(self) -> str:
        return f"{self.taken_at} {self.department_id} {self.status} {self.count}"


class OpenCountRun(models.Model):
    """When the open requests were last counted (one row): "none open" and "never counted"
    must read differently, and a department with no open request has no OpenStat row."""

    taken_at = models.DateTimeField(_("counted at"))

    class Meta:
        verbose_name = _("open requests count run")
        verbose_name_plural = _("open requests count runs")

    def __str__(self) -> str:
        return f"{self.taken_at:%Y-%m-%d %H:%M}"
