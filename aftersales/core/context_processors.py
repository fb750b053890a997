"""What every page's shell needs: the menu and the number of unread notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from aftersales.accounts.roles import scope_of
from aftersales.core.models import Notification
from aftersales.core.navigation import menu


def shell(request: HttpRequest) -> dict[str, Any]:
    """Menu and bell count (one query), only for signed-in users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "languages": settings.LANGUAGES}

    def unread() -> int:
        # Lazy: an htmx partial that never shows the bell does not pay for the count.
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    # Callables, which templates call only where the shell is drawn: an htmx partial pays
    # for none of them.
    return {
        "menu": lambda: menu(user),
        "unread_count": unread,
        "languages": settings.LANGUAGES,
        "user_is_portal": lambda: scope_of(user).is_portal,
    }
