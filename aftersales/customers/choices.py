"""Choices of the customers context."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """Key accounts get faster on-site promises."""

    KEY = "key", _("Key account")
    NORMAL = "normal", _("Normal")


class RegionClass(models.TextChoices):
    """Distance class that sets the on-site arrival promise (SPEC §4)."""

    LOCAL = "local", _("Local")
    DOMESTIC = "domestic", _("Domestic")
    REMOTE = "remote", _("Remote area")


class HandoverSection(models.TextChoices):
    """The standard handover checklist (项目交接), in its usual order."""

    OVERVIEW = "overview", _("Project overview")
    CONFIGURATION = "configuration", _("System configuration")
    PARAMETERS = "parameters", _("Technical parameters")
    DRAWINGS = "drawings", _("Drawings")
    MILESTONES = "milestones", _("Key milestones")
    OPEN_ISSUES = "open_issues", _("Open issues and their plan")
    CONTACTS = "contacts", _("Customer contacts")
    SUPPLIERS = "suppliers", _("Supplier list")


class HandoverParty(models.TextChoices):
    """The three parties that confirm a handover."""

    CUSTOMER = "customer", _("Customer")
    PROJECT_TEAM = "project_team", _("Project team")
    AFTER_SALES = "after_sales", _("After-sales team")


class HandoverStatus(models.TextChoices):
    """A handover is open until all three parties have confirmed it."""

    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class EquipmentStatus(models.TextChoices):
    """A unit is in service once its project's handover is complete."""

    PENDING = "pending", _("Awaiting handover")
    IN_SERVICE = "in_service", _("In service")
    RETIRED = "retired", _("Retired")
