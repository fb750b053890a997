"""Channels, types, priorities and the request state machine's statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How the request reached us (来电、来访、来函、邮件、门户、接口)."""

    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Web portal")
    API = "api", _("API")


class RequestType(models.TextChoices):
    """What the customer needs."""

    CONSULTATION = "consultation", _("Consultation")
    FAULT = "fault", _("Fault / repair")
    COMPLAINT = "complaint", _("Complaint")
    INSTALLATION = "installation", _("Installation / commissioning")
    TRAINING = "training", _("Training")
    MAINTENANCE = "maintenance", _("Maintenance")
    WARRANTY = "warranty", _("Warranty claim")
    SUGGESTION = "suggestion", _("Suggestion")


class Priority(models.TextChoices):
    """P1 is an emergency."""

    P1 = "P1", _("P1 emergency")
    P2 = "P2", _("P2 high")
    P3 = "P3", _("P3 normal")
    P4 = "P4", _("P4 low")


class Status(models.TextChoices):
    """Where a request is in its lifecycle. Waiting states are statuses (clocks pause)."""

    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    DISPATCHED = "dispatched", _("Dispatched")
    ON_SITE = "on_site", _("On site")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    WAITING_SUPPLIER = "waiting_supplier", _("Waiting for supplier")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Confirmed by customer")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


WAITING = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_PARTS, Status.WAITING_SUPPLIER})
WORKING = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.DISPATCHED, Status.ON_SITE})
OPEN = frozenset({Status.NEW, *WORKING, *WAITING})
DONE = frozenset({Status.RESOLVED, Status.CONFIRMED, Status.CLOSED})


class CancelReason(models.TextChoices):
    """Why a request was cancelled."""

    DUPLICATE = "duplicate", _("Duplicate")
    INVALID = "invalid", _("Invalid")


class MessageKind(models.TextChoices):
    """A reply is seen by the customer; a note is internal."""

    REPLY = "reply", _("Reply to customer")
    NOTE = "note", _("Internal note")
