"""Wiring of the feedback app into requests, reports, panels, timelines and notifications
(called once from ``FeedbackConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.core import events, notifications, panels


def connect() -> None:
    """Connect the signals, the close guard, the page panels and the labels."""
    from aftersales.feedback import receivers
    from aftersales.feedback.services.returnvisits import require_return_visit
    from aftersales.feedback.views import panels as feedback_panels
    from aftersales.field.signals import report_effective
    from aftersales.service.signals import register_guard, status_changed

    status_changed.connect(receivers.on_status_changed, dispatch_uid="feedback-status")
    report_effective.connect(receivers.on_report_effective, dispatch_uid="feedback-report")
    register_guard(require_return_visit)
    panels.register(
        panels.REQUEST,
        panels.Panel("feedback", "feedback/_request_panel.html", feedback_panels.request_panel, 60),
    )
    panels.register(
        panels.PORTAL_REQUEST,
        panels.Panel(
            "feedback-suggestion",
            "feedback/_portal_panel.html",
            feedback_panels.portal_panel,
            60,
        ),
    )
    notifications.TEMPLATES.update(
        {
            "survey_invitation": _("Please rate our service on %(number)s: a short survey."),
            "complaint_part": _("Your department has a part in the plan of complaint %(number)s."),
            "suggestion_routed": _("A customer's suggestion %(number)s is routed to you."),
            "suggestion_answered": _("Your suggestion %(number)s has been answered."),
        }
    )
    events.register(
        {
            "return_visit_due": _("Return visit due"),
            "return_visit_recorded": _("Return visit recorded"),
            "return_visit_report_linked": _("Service report linked to the return visit"),
            "schedule_advanced": _("Next key-account visit scheduled"),
            "schedule_created": _("Key-account visit schedule set"),
            "schedule_changed": _("Key-account visit schedule changed"),
            "survey_sent": _("Satisfaction survey sent"),
            "survey_answered": _("Satisfaction survey answered"),
            "complaint_opened": _("Complaint opened"),
            "complaint_confirm": _("Complaint confirmed, preliminary solution given"),
            "complaint_plan": _("Complaint plan made"),
            "complaint_part_done": _("Department's part done"),
            "complaint_execute": _("Complaint plan executed"),
            "complaint_visit": _("Complaint closed by its return visit"),
            "opinion_form_updated": _("Customer opinion form updated"),
            "suggestion_routed": _("Suggestion routed"),
            "suggestion_answered": _("Suggestion answered"),
        }
    )
