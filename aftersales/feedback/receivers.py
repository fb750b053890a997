"""What feedback does when a request moves or a service report becomes effective."""

from __future__ import annotations

from typing import Any

from aftersales.service.choices import RequestType


def on_status_changed(sender: Any, *, request: Any, action: str, actor: Any, **_: Any) -> None:
    """Confirmation makes a return visit due; resolution sends the survey; a complaint gets
    its handling record when accepted."""
    from aftersales.feedback.services import complaints, returnvisits, surveys

    if action == "confirm":
        returnvisits.ensure_return_visit(actor=actor, request=request)
    elif action == "resolve":
        surveys.send_survey(actor=actor, request=request)
    if request.request_type == RequestType.COMPLAINT and action == "accept":
        complaints.complaint_for(actor=actor, request=request)


def on_report_effective(sender: Any, *, report: Any, actor: Any, **_: Any) -> None:
    """An effective service report makes the request's return visit due."""
    from aftersales.feedback.services import returnvisits

    returnvisits.ensure_return_visit(actor=actor, request=report.request, report=report)
