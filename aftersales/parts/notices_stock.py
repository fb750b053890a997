"""Notification texts of stock and requisitions (added to ``core.notifications.TEMPLATES``
when the app is ready)."""

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "parts_shortage": _(
        "Requisition %(number)s for %(request)s waits for stock in %(warehouse)s: %(parts)s"
    ),
    "parts_reservation_bumped": _(
        "Customer service took %(quantity)s of %(part)s reserved for production order "
        "%(order)s in %(warehouse)s (customer first)."
    ),
    "parts_requisition_submitted": _("Requisition %(number)s for %(request)s awaits approval."),
    "parts_requisition_ready": _("Requisition %(number)s for %(request)s is ready to issue."),
    "parts_requisition_approved": _("Requisition %(number)s was approved."),
    "parts_requisition_rejected": _("Requisition %(number)s was rejected: %(comment)s"),
    "parts_requisition_issued": _("Requisition %(number)s was issued from %(warehouse)s."),
}


def register() -> None:
    """Make the kinds known to ``core.notifications`` (it refuses unknown kinds)."""
    from aftersales.core import notifications

    notifications.TEMPLATES.update(TEMPLATES)
