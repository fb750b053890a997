"""Choices of the service-level context."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """The three promises a policy can make."""

    RESPONSE = "response", _("First response")
    ARRIVAL = "arrival", _("On-site arrival")
    RESOLUTION = "resolution", _("Resolution")


class ClockMode(models.TextChoices):
    """Working time follows the company calendar; around the clock counts every minute."""

    WORKING = "working", _("Working time")
    ALWAYS = "always", _("Around the clock")


class ClockState(models.TextChoices):
    """A clock's state as people see it; ordered from best to worst for a request."""

    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    PAUSED = "paused", _("Paused")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    STOPPED = "stopped", _("Stopped")


# Worst first: the request shows its worst running clock.
STATE_SEVERITY = {
    ClockState.BREACHED: 5,
    ClockState.AT_RISK: 4,
    ClockState.ON_TRACK: 3,
    ClockState.PAUSED: 2,
    ClockState.MET: 1,
    ClockState.STOPPED: 0,
}


class EscalationLevel(models.IntegerChoices):
    """The ladder a breach climbs (owner → department manager → service director → executive)."""

    NONE = 0, _("Not escalated")
    DEPARTMENT_MANAGER = 1, _("Department manager")
    SERVICE_DIRECTOR = 2, _("Service director")
    EXECUTIVE = 3, _("Executive")
