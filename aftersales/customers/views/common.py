"""Helpers shared by the customers pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import scope_of
from aftersales.customers.models import Equipment


def require_staff(user: Any, perm: str) -> None:
    """These are staff pages: a portal user, or anyone without ``perm``, gets a 404 (the
    portal has its own pages, and a 403 would confirm that the row exists)."""
    if scope_of(user).is_portal or not user.has_perm(perm):
        raise Http404


@dataclass(frozen=True)
class Warranty:
    """A unit's warranty (三包) on a day: a key for the badge's colour and its label."""

    key: str
    label: str | Promise


IN_WARRANTY = Warranty("in", _("In warranty"))
EXPIRED = Warranty("expired", _("Expired"))
NOT_STARTED = Warranty("not_started", _("Not started"))
UNKNOWN = Warranty("unknown", _("Unknown"))


def warranty_on(unit: Equipment, today: dt.date) -> Warranty:
    """The same rule as ``Equipment.in_warranty``, told apart for the reader: a unit not yet
    commissioned is not "expired"."""
    start, end = unit.warranty_start, unit.warranty_end
    if start is None or end is None:
        return UNKNOWN
    if today < start:
        return NOT_STARTED
    return IN_WARRANTY if today <= end else EXPIRED
