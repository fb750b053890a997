"""``manage.py demo_logins``: list the demo accounts and their shared password.

Prints nothing when no demo account exists, so that ``make run`` on a real database says
nothing about passwords. The password is shown only while the demo administrator still has it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.demo.build import DEMO_USERNAMES
from aftersales.demo.data import DEMO_PASSWORD


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _roles(user: User) -> str:
    held = {g.name for g in user.groups.all()}
    return ", ".join(role.value for role in Role if role.value in held)


def _where(user: User) -> str:
    """The department of staff, the company of a portal user."""
    if user.department is not None:
        return user.department.name
    contact = getattr(user, "contact", None)
    return contact.company.name if contact is not None else "—"


class Command(BaseCommand):
    """Print the demo logins as a compact table."""

    help = "List the demo accounts (username, name, roles, department) and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        found = {
            u.username: u
            for u in User.objects.filter(username__in=DEMO_USERNAMES, is_active=True)
            .select_related("department", "contact__company")
            .prefetch_related("groups")
        }
        users = [found[name] for name in DEMO_USERNAMES if name in found]
        if not users:
            return
        rows = [("username", "name", "roles", "department / company")]
        rows += [(u.username, u.full_name, _roles(u), _where(u)) for u in users]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        admin = found.get("admin")
        if admin is not None and check_password(DEMO_PASSWORD, admin.password):
            self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD})")
        else:
            self.stdout.write("Demo logins (the demo password has been changed)")
        for row in rows:
            cells = [_pad(row[i], widths[i]) for i in range(3)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]).rstrip())
