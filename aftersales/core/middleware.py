"""Per-user preferences applied to every page request."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """After authentication: the signed-in user's language and time zone.

    LocaleMiddleware has already chosen a language from the cookie or the browser; a user
    who picked a language keeps it on every device, so it wins here. Times are shown in
    the user's zone (stored UTC, default Asia/Shanghai).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = getattr(user, "language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.activate(ZoneInfo(settings.TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
