"""Wiring of trip plans and visits into the other apps (called from ``FieldConfig.ready``):
the dispatch guard, the request page's panel, timeline labels and notification texts."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aftersales.core import events, notifications, panels
from aftersales.service import signals

EVENTS: dict[str, str | Promise] = {
    "trip_planned": _("put the request on a trip plan"),
    "trip_submitted": _("submitted the trip plan for approval"),
    "trip_step_approved": _("approved the trip plan"),
    "trip_rejected": _("rejected the trip plan"),
    "trip_cancelled": _("cancelled the trip plan"),
    "submit": _("submitted for approval"),
    "approve_step": _("approved"),
    "approve": _("approval complete"),
    "depart": _("departed"),
    "return": _("returned"),
    "scheduled": _("agreed an appointment"),
    "check_in": _("checked in"),
    "check_out": _("checked out"),
    "follow_up": _("planned a follow-up visit"),
    "visit_scheduled": _("agreed a visit with the customer"),
    "visit_check_in": _("checked in on site"),
    "visit_check_out": _("checked out"),
    "visit_follow_up": _("planned a follow-up visit"),
    "visit_cancel": _("called off a visit"),
}

NOTIFICATIONS = {
    "trip_approval": _("Trip plan %(number)s waits for your approval."),
    "trip_rejected": _("Trip plan %(number)s was rejected; see the comment."),
    "trip_approved": _("Trip plan %(number)s is approved: the engineers may depart."),
    "visit_scheduled": _("%(number)s: you are booked for a visit."),
}


def ready() -> None:
    """Register everything once."""
    from aftersales.field.services.trips import require_approved_plan
    from aftersales.field.views.visits import request_panel

    signals.register_guard(require_approved_plan)
    events.register(EVENTS)
    for kind, template in NOTIFICATIONS.items():
        notifications.TEMPLATES.setdefault(kind, template)
    panels.register(
        panels.REQUEST,
        panels.Panel(
            key="field_trips",
            template="field/visit_request_panel.html",
            context=request_panel,
            order=30,
        ),
    )
