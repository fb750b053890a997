"""Helpers shared by the feedback services: dates, locking, permission checks."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import scope_of
from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied


def today() -> dt.date:
    """The local date of the service clock."""
    return timezone.localdate(clock.now())


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start`` on the company calendar (holidays and 调休)."""
    from aftersales.sla.services import load_calendar

    cal = load_calendar()
    day = start
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if cal.day(day).working:
            left -= 1
    return day


def require_perm(actor: Any, perm: str) -> None:
    """Staff holding ``perm``; portal users never."""
    if scope_of(actor).is_portal or not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have permission to do this."))


M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: Any, expected_version: int | None) -> M:
    """Reload and lock a row; a stale ``expected_version`` changes nothing (409)."""
    current = model._default_manager.select_for_update().get(pk=pk)
    version = getattr(current, "version", None)
    if expected_version is not None and version != expected_version:
        raise Conflict(
            _("Someone else changed this in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": version},
        )
    return current


def in_department(actor: Any, department_id: int | None) -> bool:
    """A member or manager of the department, or a company-wide lead."""
    from aftersales.accounts.choices import Role

    scope = scope_of(actor)
    if scope.is_portal:
        return False
    if scope.has_role(Role.ADMIN, Role.SERVICE_DIRECTOR):
        return True
    return department_id is not None and department_id in scope.department_ids
