"""Template helpers of the request pages: SLA badges and durations in words."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core import events
from aftersales.service.choices import Status
from aftersales.sla.choices import ClockState, TargetKind

register = template.Library()


def duration(seconds: int) -> str:
    """A short duration people read at a glance: 2d 3h, 3h 20m, 15m."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}
    return _("%(m)sm") % {"m": max(minutes, 0)}


def _get(clock: Any, name: str) -> Any:
    return clock.get(name) if isinstance(clock, dict) else getattr(clock, name, None)


@register.simple_tag
def sla_badge(state: str, clock: Any = None) -> str:
    """The request's SLA state as a coloured badge, with the time left (or over) on its most
    urgent running clock: "At risk · 25m left", "Breached · 2h 5m over"."""
    if not state:
        return ""
    label = str(ClockState(state).label)
    detail = ""
    remaining = _get(clock, "remaining_seconds") if clock is not None else None
    if remaining is not None and state not in (ClockState.MET, ClockState.STOPPED):
        kind = _get(clock, "kind")
        target = str(TargetKind(kind).label) if kind else ""
        if remaining >= 0:
            detail = _("%(target)s: %(time)s left") % {
                "target": target,
                "time": duration(remaining),
            }
        else:
            detail = _("%(target)s: %(time)s over") % {
                "target": target,
                "time": duration(remaining),
            }
    if detail:
        return format_html('<span class="sla {}">{} · {}</span>', state, label, detail)
    return format_html('<span class="sla {}">{}</span>', state, label)


EVENTS: dict[str, str | Promise] = {
    "created": gettext_lazy("registered the request"),
    "updated": gettext_lazy("changed the request"),
    "accept": gettext_lazy("accepted"),
    "start": gettext_lazy("started work"),
    "dispatch": gettext_lazy("dispatched engineers"),
    "arrive": gettext_lazy("arrived on site"),
    "wait_customer": gettext_lazy("is waiting for the customer"),
    "wait_parts": gettext_lazy("is waiting for parts"),
    "wait_supplier": gettext_lazy("is waiting for the supplier"),
    "resume": gettext_lazy("resumed work"),
    "resolve": gettext_lazy("resolved"),
    "confirm": gettext_lazy("confirmed the resolution"),
    "reject": gettext_lazy("rejected the resolution"),
    "close": gettext_lazy("closed"),
    "reopen": gettext_lazy("reopened"),
    "cancel": gettext_lazy("cancelled"),
    "merge": gettext_lazy("merged this request into another"),
    "merged_in": gettext_lazy("merged another request into this one"),
    "reassign": gettext_lazy("reassigned"),
    "expert_invited": gettext_lazy("invited an expert"),
    "attachment_added": gettext_lazy("attached a file"),
    "sla_warning": gettext_lazy("SLA warning: a target is at risk"),
    "sla_breached": gettext_lazy("SLA breached: escalated to the department manager"),
    "sla_escalated": gettext_lazy("SLA escalation: one step up the ladder"),
}
events.register(EVENTS)


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("repr") or value.get("id") or "")
    if value in Status.values:
        return str(Status(value).label)
    if value in ClockState.values:
        return str(ClockState(value).label)
    if value in TargetKind.values:
        return str(TargetKind(value).label)
    return "—" if value in (None, "") else str(value)


@register.simple_tag
def event_text(entry: Any) -> str:
    """What a history row says, in the reader's language: the action, then the changes that
    matter (status, owner, escalation) as before → after."""
    label = events.label(entry.action)
    if entry.action == "created":
        return label  # its "changes" are every initial value: the header shows them
    parts = []
    changes = entry.changes or {}
    for field in ("status", "owner", "priority", "escalation_level", "sla"):
        if field not in changes:
            continue
        change = changes[field]
        if field == "sla" and isinstance(change, list) and len(change) == 2:
            parts.append(f"{_value(change[0])}: {_value(change[1])}")
        elif isinstance(change, list) and len(change) == 2:
            parts.append(f"{_value(change[0])} → {_value(change[1])}")
    return label + (f" ({'; '.join(parts)})" if parts else "")
