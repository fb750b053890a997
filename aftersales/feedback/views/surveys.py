"""The customer's survey page: no sign-in, the link's token is the key."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, ValidationError
from aftersales.core.forms import add_service_errors
from aftersales.feedback.forms import SurveyForm
from aftersales.feedback.services import surveys as service


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """Show the survey, take the answer once; answered, expired and unknown links say so."""
    found = service.survey_by_token(token)
    if found is None:
        return render(request, "feedback/survey_closed.html", {"state": "unknown"}, status=404)
    if found.answered_at is not None:
        return render(request, "feedback/survey_closed.html", {"state": "answered"})
    if found.expires_at <= clock.now():
        # A page the customer reads, not an error of the browser's: 200 with the refusal.
        return render(request, "feedback/survey_closed.html", {"state": "expired"})
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.answer_survey(
                    token=token, language=translation.get_language() or "", **form.cleaned_data
                )
            except Conflict as exc:
                state = "expired" if exc.code == "expired" else "answered"
                return render(request, "feedback/survey_closed.html", {"state": state}, status=409)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render(request, "feedback/survey_closed.html", {"state": "thanks"})
        status = 400
    return render(
        request,
        "feedback/survey.html",
        {"form": form, "survey": found, "request_obj": found.request},
        status=status,
    )
