"""Statuses of a scored month and the kinds of lines on a scorecard."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    """A department's month is computed (and recomputed), reviewed, then locked for good."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    LOCKED = "locked", _("Locked")


# The state machine of a scored month: from → the statuses it may move to.
PERIOD_TRANSITIONS: dict[str, frozenset[str]] = {
    PeriodStatus.DRAFT: frozenset({PeriodStatus.REVIEWED}),
    PeriodStatus.REVIEWED: frozenset({PeriodStatus.LOCKED, PeriodStatus.DRAFT}),
    PeriodStatus.LOCKED: frozenset(),
}


class LineKind(models.TextChoices):
    """Why a scorecard has a line: one per rule hit, one per order paid."""

    VISIT = "visit", _("Return visit counted")
    PRAISE = "praise", _("Praise")
    ALL_TOP = "all_top", _("Every return visit very satisfied")
    MOSTLY_TOP = "mostly_top", _("Very satisfied share reached, none dissatisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied or worse")
    BONUS = "bonus", _("Order bonus")
    FORFEITED = "forfeited", _("Order bonus forfeited")
