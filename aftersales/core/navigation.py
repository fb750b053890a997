"""The main navigation: one table of entries, each shown only to the roles it serves.

Every app that adds pages adds its entry here, so the menu of each role is read in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of

MANAGERS = (
    Role.ADMIN,
    Role.EXECUTIVE,
    Role.VP,
    Role.SERVICE_DIRECTOR,
    Role.DEPARTMENT_MANAGER,
)


@dataclass(frozen=True)
class Entry:
    """One menu entry: where it goes and who sees it."""

    url_name: str
    label: str | Promise
    shows: Callable[[Any], bool]
    key: str  # the section a page marks as current (``{% block nav %}``)


def _staff_with(perm: str) -> Callable[[Any], bool]:
    """Staff (never a portal user, whatever permission a group gives) holding ``perm``."""

    def shows(user: Any) -> bool:
        return not scope_of(user).is_portal and user.has_perm(perm)

    return shows


def _staff(user: Any) -> bool:
    return _staff_with("service.view_servicerequest")(user)


def _engineer(user: Any) -> bool:
    return scope_of(user).has_role(Role.ENGINEER)


def _managers(user: Any) -> bool:
    return scope_of(user).has_role(*MANAGERS)


def _trips(user: Any) -> bool:
    return _staff(user) and user.has_perm("field.view_tripplan")


def _portal(user: Any) -> bool:
    return scope_of(user).is_portal


def _admin(user: Any) -> bool:
    return bool(user.is_staff)


ENTRIES: list[Entry] = [
    Entry("service:my-work", _("My work"), _engineer, "my-work"),
    Entry("service:workspace", _("Requests"), _staff, "requests"),
    Entry("service:register", _("Register"), _staff_with("service.add_servicerequest"), "register"),
    Entry("field:my-visits", _("My visits"), _engineer, "my-visits"),
    Entry("field:trip-list", _("Trip plans"), _trips, "trips"),
    Entry(
        "customers:company-list", _("Customers"), _staff_with("customers.view_company"), "customers"
    ),
    Entry(
        "field:report-list",
        _("Service reports"),
        _staff_with("field.view_servicereport"),
        "reports",
    ),
    Entry("parts:requisition-list", _("Parts"), _staff_with("parts.view_requisition"), "parts"),
    Entry(
        "feedback:visits",
        _("Return visits"),
        _staff_with("feedback.view_returnvisit"),
        "return-visits",
    ),
    Entry(
        "feedback:complaints", _("Complaints"), _staff_with("feedback.view_complaint"), "complaints"
    ),
    Entry("insight:dashboard", _("Dashboard"), _managers, "dashboard"),
    Entry("field:cost-report", _("Costs"), _staff_with("field.view_costs"), "costs"),
    Entry("field:expense-list", _("Expenses"), _staff_with("field.view_expense"), "expenses"),
    Entry(
        "parts:decision-list", _("Warranty"), _staff_with("parts.view_warrantydecision"), "warranty"
    ),
    Entry(
        "parts:notice-list",
        _("Supplier notices"),
        _staff_with("parts.view_suppliernotice"),
        "supplier-notices",
    ),
    Entry("kpi:scorecards", _("Performance"), _staff_with("kpi.view_scorecard"), "performance"),
    Entry("portal:home", _("Our requests"), _portal, "portal"),
    Entry("admin:index", _("Administration"), _admin, "admin"),
]


def menu(user: Any) -> list[dict[str, Any]]:
    """The entries ``user`` sees, with their addresses."""
    if not user.is_authenticated:
        return []
    items = []
    for entry in ENTRIES:
        if not entry.shows(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            # A page still being built; test_every_menu_entry_has_a_page keeps this empty.
            continue
        items.append({"url": url, "label": entry.label, "key": entry.key})
    return items


def home_url(user: Any) -> str:
    """Where a user lands after signing in: the first page of their role."""
    items = menu(user)
    return items[0]["url"] if items else reverse("core:preferences")
