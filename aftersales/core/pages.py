"""The pages of the shell: sign in and out, home, language, preferences, notifications.
(``views.py`` holds the non-page endpoints: downloads, health.)"""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.choices import Language
from aftersales.accounts.services import update_preferences
from aftersales.core.forms import add_service_errors
from aftersales.core.models import Notification
from aftersales.core.navigation import home_url
from aftersales.core.notifications import mark_read
from aftersales.core.notifications import render as render_notification

NOTIFICATION_PAGE = 30


class LoginView(auth_views.LoginView):
    """Sign in (django-axes locks a user and address out after repeated failures)."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url(self.request.user)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The first page of the user's role, or the sign-in page."""
    if not request.user.is_authenticated:
        return redirect("core:login")
    return redirect(home_url(request.user))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user keeps the choice on every device."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        messages.error(request, _("Unknown language."))
        return redirect(_safe_next(request, "/"))
    if request.user.is_authenticated:
        update_preferences(actor=request.user, changes={"language": code})
    translation.activate(code)
    response = HttpResponseRedirect(_safe_next(request, "/"))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class PreferencesForm(forms.Form):
    """What a user may change about themselves."""

    full_name = forms.CharField(label=gettext_lazy("full name"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("email"), required=False)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=32, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("language"),
        choices=[("", gettext_lazy("Follow the browser")), *Language.choices],
        required=False,
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("time zone"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = sorted(z for z in available_timezones() if "/" in z)
        self.fields["time_zone"].choices = [(z, z) for z in zones]  # type: ignore[attr-defined]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Name, contact details, language and time zone of the signed-in user."""
    user: Any = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                update_preferences(actor=user, changes=form.cleaned_data)
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            else:
                if form.cleaned_data["language"]:
                    translation.activate(form.cleaned_data["language"])
                messages.success(request, _("Your preferences are saved."))
                return redirect("core:preferences")
    else:
        form = PreferencesForm(
            initial={
                name: getattr(user, name)
                for name in ("full_name", "email", "phone", "language", "time_zone")
            }
        )
    return render(request, "core/preferences.html", {"form": form})


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The bell's list: the latest notifications, unread first marked (partial for htmx)."""
    rows = list(
        Notification.objects.filter(user_id=request.user.pk or 0).order_by("-created_at", "-id")[
            :NOTIFICATION_PAGE
        ]
    )
    items = [{"n": n, "text": render_notification(n)} for n in rows]
    template = "core/_notifications.html" if request.htmx else "core/notifications.html"  # type: ignore[attr-defined]
    return render(request, template, {"items": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all notifications read, then follow its link if asked."""
    raw = request.POST.get("id")
    ids = [int(raw)] if raw and raw.isdigit() else None
    mark_read(user=request.user, ids=ids)
    if ids and request.POST.get("follow"):
        note = Notification.objects.filter(user_id=request.user.pk or 0, pk=ids[0]).first()
        if note and note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None):
            return redirect(note.url)
    return redirect(_safe_next(request, reverse("core:notifications")))
