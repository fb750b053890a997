"""Old parts (旧件回收): the list, expecting one by hand, its page with the next step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.parts.choices_stock import ReturnStatus
from aftersales.parts.forms_stock import (
    InspectForm,
    OutcomeForm,
    ReceiveForm,
    ReturnFilterForm,
    ReturnForm,
)
from aftersales.parts.models import OldPartReturn
from aftersales.parts.services import returns
from aftersales.parts.views.common import history_rows, paged, require_staff, run
from aftersales.service.models import ServiceRequest

ACTIONS: dict[str, dict[str, Any]] = {
    "receive": {"label": gettext_lazy("Record the receipt"), "form": ReceiveForm},
    "inspect": {"label": gettext_lazy("Record the inspection"), "form": InspectForm},
    "decide": {"label": gettext_lazy("Decide the outcome"), "form": OutcomeForm},
}


@login_required
@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    """Old parts the user may see, newest first, by status and outcome."""
    user: Any = request.user
    require_staff(user, "parts.view_oldpartreturn")
    form = ReturnFilterForm(request.GET)
    rows = OldPartReturn.objects.visible_to(user).select_related("part", "request", "created_by")
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            rows = rows.filter(
                Q(number__icontains=term)
                | Q(old_serial__icontains=term)
                | Q(request__number__icontains=term)
            )
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["outcome"]:
            rows = rows.filter(outcome=form.cleaned_data["outcome"])
    else:
        rows = rows.none()
    context = {
        "section": "parts",
        "tab": "returns",
        "form": form,
        "may_add": user.has_perm("parts.add_oldpartreturn"),
        **paged(request, rows.order_by("-created_at", "-id")),
    }
    return render(request, "parts/return_list.html", context)


@login_required
def return_new(request: HttpRequest) -> HttpResponse:
    """Expect an old part entered by hand (optionally for a request, by its number)."""
    user: Any = request.user
    require_staff(user, "parts.add_oldpartreturn")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_request = None
        number = data["request_number"].strip()
        if number:
            service_request = ServiceRequest.objects.visible_to(user).filter(number=number).first()
            if service_request is None:
                form.add_error("request_number", _("No request of yours has this number."))
        if not form.errors:
            made = run(
                request,
                form,
                lambda: returns.expect_old_part(
                    actor=user,
                    part=data["part"],
                    quantity=data["quantity"],
                    request=service_request,
                    old_serial=data["old_serial"],
                ),
            )
            if made is not None:
                messages.success(request, _("Old part %(n)s is expected.") % {"n": made.number})
                return redirect("parts:return-detail", made.pk)
    return render(
        request, "parts/return_form.html", {"section": "parts", "tab": "returns", "form": form}
    )


def _detail(request: HttpRequest, pk: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    user: Any = request.user
    obj = get_object_or_404(
        OldPartReturn.objects.visible_to(user).select_related("part", "request", "created_by"),
        pk=pk,
    )
    forms = forms or {}
    actions = [
        {
            "name": name,
            **ACTIONS[name],
            "form": forms.get(name) or ACTIONS[name]["form"](initial={"version": obj.version}),
        }
        for name in returns.allowed_actions(user, obj)
    ]
    context = {
        "section": "parts",
        "tab": "returns",
        "obj": obj,
        "actions": actions,
        "history": history_rows(obj, ReturnStatus),
    }
    return render(request, "parts/return_detail.html", context)


@login_required
@require_GET
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An old part's way back."""
    require_staff(request.user, "parts.view_oldpartreturn")
    return _detail(request, pk)


@login_required
@require_POST
def return_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Receive, inspect or decide (POST)."""
    user: Any = request.user
    require_staff(user, "parts.view_oldpartreturn")
    if action not in ACTIONS:
        raise Http404
    obj = get_object_or_404(OldPartReturn.objects.visible_to(user), pk=pk)
    form = ACTIONS[action]["form"](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        version = data["version"]
        calls = {
            "receive": lambda: returns.receive_old_part(
                actor=user, ret=obj, expected_version=version, received_at=data["received_at"]
            ),
            "inspect": lambda: returns.inspect_old_part(
                actor=user, ret=obj, expected_version=version, findings=data["findings"]
            ),
            "decide": lambda: returns.decide_old_part(
                actor=user,
                ret=obj,
                expected_version=version,
                outcome=data["outcome"],
                note=data["note"],
            ),
        }
        done = run(request, form, calls[action])
        if done is not None:
            messages.success(
                request,
                _("%(number)s: %(status)s.")
                % {"number": done.number, "status": done.get_status_display()},
            )
            return redirect("parts:return-detail", obj.pk)
    return _detail(request, pk, {action: form})
