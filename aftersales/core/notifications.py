"""In-app notifications: templates per kind, rendered in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.core.models import Notification

TEMPLATES: dict[str, Any] = {
    "sla_warning": _("%(number)s: the %(target)s target is at risk (due %(due)s)."),
    "sla_breached": _("%(number)s: the %(target)s target was breached (due %(due)s)."),
    "sla_escalated": _(
        "%(number)s: the breached %(target)s target is escalated to you (level %(level)s)."
    ),
    "sla_warning_mine": _("%(count)s of your requests are at risk: %(numbers)s"),
    "sla_breached_mine": _("%(count)s of your requests breached a target: %(numbers)s"),
    "sla_breached_team": _("%(count)s requests of your department breached a target: %(numbers)s"),
    "sla_escalated_team": _(
        "%(count)s breached requests are escalated to you (level %(level)s): %(numbers)s"
    ),
    "request_assigned": _("%(number)s is now yours: %(title)s"),
    "expert_invited": _("You are invited to consult on %(number)s: %(title)s"),
    "customer_replied": _("The customer replied on %(number)s."),
    "report_awaiting_signoff": _(
        "Service report %(number)s is confirmed by the customer and waits for your sign-off."
    ),
    "report_returned": _("Service report %(number)s was sent back to you: %(reason)s"),
    "report_confirmation": _(
        "Please confirm service report %(number)s (open this link, or give the engineer the "
        "code %(code)s)."
    ),
}


def render(notification: Notification) -> str:
    """The notification's text in the active language."""
    template = TEMPLATES.get(notification.kind)
    if template is None:
        return notification.kind
    params = dict(notification.params)
    if "target" in params:
        from aftersales.sla.choices import TargetKind

        params["target"] = str(TargetKind(params["target"]).label)
    if params.get("due"):
        params["due"] = timezone.localtime(dt.datetime.fromisoformat(params["due"])).strftime(
            "%Y-%m-%d %H:%M"
        )
    if isinstance(params.get("numbers"), list):
        shown = params["numbers"]
        params["numbers"] = "、".join(shown) + ("…" if params.get("count", 0) > len(shown) else "")
    return gettext(str(template)) % params


def build(
    *,
    user_id: int,
    kind: str,
    params: dict[str, Any],
    target: models.Model | None = None,
    url: str = "",
    now: dt.datetime | None = None,
) -> Notification:
    """An unsaved notification (for bulk_create in sweeps)."""
    if kind not in TEMPLATES:
        raise ValueError(f"unknown notification kind {kind!r}")
    return Notification(
        user_id=user_id,
        kind=kind,
        params=params,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(target.pk) if target is not None else "",
        url=url,
        created_at=now or clock.now(),
    )


def notify(
    *,
    users: Iterable[int],
    kind: str,
    params: dict[str, Any],
    target: models.Model | None = None,
    url: str = "",
) -> list[Notification]:
    """Send one notification to each of ``users`` (deduplicated)."""
    rows = [
        build(user_id=u, kind=kind, params=params, target=target, url=url)
        for u in dict.fromkeys(users)
    ]
    return Notification.objects.bulk_create(rows)


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) read; returns how many changed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=clock.now())
