"""Statuses of visits and service reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    """A visit is agreed, then the engineers arrive and leave; unfinished work gets a follow-up."""

    PLANNED = "planned", _("Planned")
    ON_SITE = "on_site", _("On site")
    DONE = "done", _("Done")
    UNFINISHED = "unfinished", _("Unfinished (follow-up needed)")
    CANCELLED = "cancelled", _("Cancelled")


class ReportStatus(models.TextChoices):
    """A service report is effective only after the customer and the manager sign it."""

    DRAFT = "draft", _("Draft")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer confirmation")
    AWAITING_MANAGER = "awaiting_manager", _("Awaiting manager sign-off")
    EFFECTIVE = "effective", _("Effective")
    SUPERSEDED = "superseded", _("Superseded by a revision")
