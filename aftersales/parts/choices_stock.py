"""Choices of stock, requisitions, shipments and old-part returns."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MovementKind(models.TextChoices):
    """What moved stock in or out of a warehouse (the ledger's kinds)."""

    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    RETURN = "return", _("Return to stock")
    TRANSFER = "transfer", _("Transfer")
    ADJUSTMENT = "adjustment", _("Adjustment")


class Purpose(models.TextChoices):
    """Whom reserved stock is for: service comes before production (先顾客后生产)."""

    SERVICE = "service", _("Customer service")
    PRODUCTION = "production", _("Production")


class ReservationStatus(models.TextChoices):
    """A reservation holds stock while active; bumped means service took it."""

    ACTIVE = "active", _("Active")
    ISSUED = "issued", _("Issued")
    RELEASED = "released", _("Released")
    BUMPED = "bumped", _("Taken for customer service")


class WarrantyCover(models.TextChoices):
    """Whether the parts of a requisition are free (in warranty) or charged."""

    IN_WARRANTY = "in_warranty", _("In warranty (free)")
    CHARGEABLE = "chargeable", _("Out of warranty (chargeable)")


class RequisitionStatus(models.TextChoices):
    """Where a requisition (领料单) is: approval, stock, issue."""

    SUBMITTED = "submitted", _("Awaiting approval")
    REJECTED = "rejected", _("Rejected")
    WAITING_STOCK = "waiting_stock", _("Waiting for stock")
    READY = "ready", _("Ready to issue")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


class Transport(models.TextChoices):
    """How parts travel to the site (特快专递、铁路运输、派专人传递)."""

    EXPRESS = "express", _("Express delivery")
    RAIL = "rail", _("Rail freight")
    COURIER = "courier", _("Courier by hand")


class ShipmentStatus(models.TextChoices):
    """A shipment is in transit until the site receives it."""

    SENT = "sent", _("In transit")
    RECEIVED = "received", pgettext_lazy("parts status", "Received")


class ReturnStatus(models.TextChoices):
    """An old part's way back (旧件回收)."""

    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", pgettext_lazy("parts status", "Received")
    INSPECTED = "inspected", _("Inspected")
    DECIDED = "decided", _("Outcome decided")


class ReturnOutcome(models.TextChoices):
    """What becomes of an inspected old part."""

    REPAIR = "repair", _("Repair")
    SCRAP = "scrap", _("Scrap")
    SUPPLIER = "supplier", _("Return to supplier")
