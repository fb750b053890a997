"""How the portal says things to a customer: statuses in plain words, warranty states."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.service.choices import OPEN, Status

# The staff statuses are about the team's workflow ("accepted", "dispatched"); a customer
# wants to know what happens with their problem and whether they need to do something.
STATUS_WORDS: dict[str, Promise] = {
    Status.NEW: pgettext_lazy("customer status", "Received"),
    Status.ACCEPTED: pgettext_lazy("customer status", "Assigned to an engineer"),
    Status.IN_PROGRESS: pgettext_lazy("customer status", "Being worked on"),
    Status.DISPATCHED: pgettext_lazy("customer status", "Engineer on the way"),
    Status.ON_SITE: pgettext_lazy("customer status", "Engineer on site"),
    Status.WAITING_CUSTOMER: pgettext_lazy("customer status", "Waiting for your reply"),
    Status.WAITING_PARTS: pgettext_lazy("customer status", "Waiting for parts"),
    Status.WAITING_SUPPLIER: pgettext_lazy("customer status", "Waiting for a supplier"),
    Status.RESOLVED: pgettext_lazy("customer status", "Solved – please confirm"),
    Status.CONFIRMED: pgettext_lazy("customer status", "Solution confirmed"),
    Status.CLOSED: pgettext_lazy("customer status", "Closed"),
    Status.CANCELLED: pgettext_lazy("customer status", "Cancelled"),
}

# Statuses in which the customer is the one who has to act.
NEEDS_YOU = frozenset({Status.WAITING_CUSTOMER, Status.RESOLVED})
# Listed first on the home page: still being handled, or waiting for the customer's word.
ACTIVE = frozenset({*OPEN, Status.RESOLVED})


def status_words(status: str) -> str:
    """A status as the customer reads it."""
    words = STATUS_WORDS.get(status)
    return str(words) if words is not None else status


def warranty_state(unit: Any, today: dt.date) -> str:
    """``in``, ``expired`` or ``unknown`` for a unit on ``today``."""
    if unit.warranty_end is None:
        return "unknown"
    if today > unit.warranty_end:
        return "expired"
    return "in" if unit.in_warranty(today) else "unknown"


def warranty_words(state: str, end: dt.date | None) -> str:
    """ "In warranty until 2027-01-15", "Warranty expired 2025-01-15", "Warranty unknown"."""
    day = end.isoformat() if end else ""
    if state == "in":
        return str(_("In warranty until %(date)s")) % {"date": day}
    if state == "expired":
        return str(_("Warranty expired %(date)s")) % {"date": day}
    return str(_("Warranty unknown"))
