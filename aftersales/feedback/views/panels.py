"""Feedback's panels on the request page (staff) and the portal request page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from aftersales.accounts.roles import scope_of
from aftersales.feedback.models import Complaint, ReturnVisit, Suggestion, Survey
from aftersales.service.choices import RequestType


def request_panel(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """Return visits, survey, complaint step or suggestion routing of one request."""
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm("feedback.view_returnvisit"):
        return None
    visits = list(
        ReturnVisit.objects.filter(request=obj)
        .select_related("engineer", "done_by")
        .prefetch_related("praised")
        .order_by("round")
    )
    surveys = list(Survey.objects.filter(request=obj).order_by("round"))
    complaint = (
        Complaint.objects.filter(request=obj).first()
        if obj.request_type == RequestType.COMPLAINT
        else None
    )
    suggestion = (
        Suggestion.objects.filter(request=obj).select_related("department").first()
        if obj.request_type == RequestType.SUGGESTION
        else None
    )
    return {
        "visits": visits,
        "surveys": surveys,
        "complaint": complaint,
        "is_complaint": obj.request_type == RequestType.COMPLAINT,
        "is_suggestion": obj.request_type == RequestType.SUGGESTION,
        "suggestion": suggestion,
    }


def portal_panel(request: HttpRequest, obj: Any) -> dict[str, Any] | None:
    """The department's answer to the customer's suggestion."""
    if obj.request_type != RequestType.SUGGESTION:
        return None
    suggestion = (
        Suggestion.objects.visible_to(request.user)
        .filter(request=obj)
        .select_related("department")
        .first()
    )
    if suggestion is None:
        return None
    return {"suggestion": suggestion}
