"""Satisfaction surveys: a one-time link to the contact, answered without signing in."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, ValidationError
from aftersales.core.history import record
from aftersales.feedback.models import Survey

log = logging.getLogger(__name__)

SCORES = ("attitude", "speed", "result")


def hash_token(token: str) -> str:
    """Only this is stored: a leaked database row does not open the survey."""
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(token: str) -> str:
    """The survey's address (relative; the mail adds the host)."""
    return reverse("feedback:survey", kwargs={"token": token})


def send_survey(*, actor: Any, request: Any) -> tuple[Survey | None, str | None]:
    """Create the survey of the request's current round and send its link to the contact.

    Returns the survey and the raw token (None when it existed already or there is nobody
    to send it to). Called inside the resolution's transaction.
    """
    contact = (
        request.contact or request.company.contacts.filter(is_active=True, is_primary=True).first()
    )
    if contact is None:
        return None, None
    if Survey.objects.filter(request=request, round=request.reopen_count).exists():
        return Survey.objects.get(request=request, round=request.reopen_count), None
    token = secrets.token_urlsafe(32)
    now = clock.now()
    survey = Survey(
        request=request,
        round=request.reopen_count,
        contact=contact,
        department_id=request.department_id,
        token_hash=hash_token(token),
        sent_at=now,
        expires_at=now + dt.timedelta(days=settings.AFTERSALES_SURVEY_EXPIRY_DAYS),
    )
    with transaction.atomic():
        survey.save(force_insert=True)
    record(
        actor=actor,
        action="survey_sent",
        obj=request,
        changes={"survey_contact": [None, contact.name], "expires_at": [None, survey.expires_at]},
    )
    url = survey_url(token)
    if contact.user_id:
        notifications.notify(
            users=[contact.user_id],
            kind="survey_invitation",
            params={"number": request.number},
            target=request,
            url=url,
        )
    if contact.email and settings.AFTERSALES_BASE_URL:
        transaction.on_commit(lambda: _mail(contact.email, request.number, url))
    return survey, token


def _mail(address: str, number: str, url: str) -> None:
    base = settings.AFTERSALES_BASE_URL
    try:
        send_mail(
            subject=f"满意度调查 / Satisfaction survey: {number}",
            message=(
                f"请告诉我们您对服务请求 {number} 的满意程度：\n"
                f"Please tell us how satisfied you are with request {number}:\n{base}{url}"
            ),
            from_email=None,
            recipient_list=[address],
        )
    except OSError:
        # The survey stays reachable through the portal notification; mail is best effort.
        log.warning("survey mail for %s could not be sent", number)


def survey_by_token(token: str) -> Survey | None:
    """The survey behind a link, whatever its state (None for an unknown link)."""
    if not token or len(token) > 100:
        return None
    return (
        Survey.objects.select_related("request", "contact").filter(token_hash=hash_token(token))
    ).first()


def answer_survey(
    *, token: str, attitude: Any, speed: Any, result: Any, comment: str = "", language: str = ""
) -> Survey:
    """Store the customer's answer once. Expired and answered links are refused; two
    submissions at once store one answer (the second finds the row already answered)."""
    survey = survey_by_token(token)
    if survey is None:
        raise Conflict(_("This survey link is not valid."), code="unknown")
    now = clock.now()
    if survey.answered_at is not None:
        raise Conflict(_("This survey has already been answered. Thank you!"), code="answered")
    if survey.expires_at <= now:
        raise Conflict(_("This survey link has expired."), code="expired")
    values = {"attitude": attitude, "speed": speed, "result": result}
    errors = {
        name: _("Choose a score from 1 to 5.")
        for name, value in values.items()
        if not isinstance(value, int) or not 1 <= value <= 5
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Compare-and-swap: only an unanswered, unexpired row takes the answer.
        updated = Survey.objects.filter(
            pk=survey.pk, answered_at__isnull=True, expires_at__gt=now
        ).update(answered_at=now, comment=comment[:4000], language=language[:8], **values)
        if not updated:
            raise Conflict(_("This survey has already been answered. Thank you!"), code="answered")
        survey.refresh_from_db()
        record(
            actor=None,
            action="survey_answered",
            obj=survey.request,
            changes={name: [None, value] for name, value in values.items()},
            message=comment,
        )
        return survey
