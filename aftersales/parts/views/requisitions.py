"""Requisition pages: the list, raising one for a request, its page with the actions."""

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

from aftersales.parts.access import is_after_sales, is_warehouse
from aftersales.parts.choices_stock import RequisitionStatus
from aftersales.parts.forms_stock import (
    CancelForm,
    DecisionForm,
    RequisitionFilterForm,
    RequisitionForm,
    VersionForm,
)
from aftersales.parts.models import Requisition, Shipment
from aftersales.parts.services import requisitions as rq
from aftersales.parts.views.common import history_rows, paged, require_staff, run
from aftersales.service.models import ServiceRequest

ACTIONS: dict[str, dict[str, Any]] = {
    "approve": {"label": gettext_lazy("Approve"), "form": DecisionForm, "primary": True},
    "reject": {"label": gettext_lazy("Reject"), "form": DecisionForm, "danger": True},
    "issue": {"label": gettext_lazy("Issue the parts"), "form": VersionForm, "primary": True},
    "cancel": {"label": gettext_lazy("Cancel the requisition"), "form": CancelForm, "danger": True},
}


@login_required
@require_GET
def requisition_list(request: HttpRequest) -> HttpResponse:
    """Requisitions the user may see, newest first, by status and warehouse."""
    user: Any = request.user
    require_staff(user, "parts.view_requisition")
    form = RequisitionFilterForm(request.GET)
    rows = Requisition.objects.visible_to(user).select_related("request", "warehouse", "raised_by")
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            rows = rows.filter(Q(number__icontains=term) | Q(request__number__icontains=term))
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["warehouse"]:
            rows = rows.filter(warehouse=form.cleaned_data["warehouse"])
    else:
        rows = rows.none()
    context = {
        "section": "parts",
        "tab": "requisitions",
        "form": form,
        **paged(request, rows.prefetch_related("lines__part").order_by("-created_at", "-id")),
    }
    return render(request, "parts/requisition_list.html", context)


@login_required
def requisition_new(request: HttpRequest) -> HttpResponse:
    """Raise a requisition for the request named by ?request=."""
    user: Any = request.user
    require_staff(user, "parts.add_requisition")
    raw = request.GET.get("request", "")
    if not raw.isdigit() or not is_after_sales(user):
        raise Http404
    service_request = get_object_or_404(ServiceRequest.objects.visible_to(user), pk=int(raw))
    form = RequisitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = run(
            request,
            form,
            lambda: rq.raise_requisition(
                actor=user,
                request=service_request,
                warehouse=data["warehouse"],
                reason=data["reason"],
                cover=data["cover"],
                lines=form.lines(),
            ),
        )
        if made is not None:
            messages.success(request, _("Requisition %(n)s is raised.") % {"n": made.number})
            return redirect("parts:requisition-detail", made.pk)
    return render(
        request,
        "parts/requisition_form.html",
        {
            "section": "parts",
            "tab": "requisitions",
            "form": form,
            "service_request": service_request,
        },
    )


def _detail(request: HttpRequest, pk: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    user: Any = request.user
    obj = get_object_or_404(
        Requisition.objects.visible_to(user).select_related(
            "request", "warehouse", "raised_by", "decided_by", "issued_by"
        ),
        pk=pk,
    )
    forms = forms or {}
    actions = [
        {
            "name": name,
            **ACTIONS[name],
            "form": forms.get(name) or ACTIONS[name]["form"](initial={"version": obj.version}),
        }
        for name in rq.allowed_actions(user, obj)
    ]
    context = {
        "section": "parts",
        "tab": "requisitions",
        "obj": obj,
        "lines": list(obj.lines.select_related("part", "reservation")),
        "actions": actions,
        "history": history_rows(obj, RequisitionStatus),
        "shipments": list(Shipment.objects.filter(requisition=obj).order_by("-sent_at")),
        "may_ship": is_warehouse(user) and obj.status == "issued",
    }
    return render(request, "parts/requisition_detail.html", context)


@login_required
@require_GET
def requisition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A requisition: its lines and stock, decisions, history, shipments and actions."""
    require_staff(request.user, "parts.view_requisition")
    return _detail(request, pk)


@login_required
@require_POST
def requisition_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve, reject, issue or cancel (POST); errors come back on the page."""
    user: Any = request.user
    require_staff(user, "parts.view_requisition")
    if action not in ACTIONS:
        raise Http404
    obj = get_object_or_404(Requisition.objects.visible_to(user), pk=pk)
    form = ACTIONS[action]["form"](request.POST)
    if form.is_valid():
        version = form.cleaned_data["version"]
        data = form.cleaned_data
        calls = {
            "approve": lambda: rq.approve_requisition(
                actor=user, requisition=obj, expected_version=version, comment=data["comment"]
            ),
            "reject": lambda: rq.reject_requisition(
                actor=user, requisition=obj, expected_version=version, comment=data["comment"]
            ),
            "issue": lambda: rq.issue_requisition(
                actor=user, requisition=obj, expected_version=version
            ),
            "cancel": lambda: rq.cancel_requisition(
                actor=user, requisition=obj, expected_version=version, reason=data["reason"]
            ),
        }
        done = run(request, form, calls[action])
        if done is not None:
            messages.success(
                request,
                _("%(number)s: %(status)s.")
                % {"number": done.number, "status": done.get_status_display()},
            )
            return redirect("parts:requisition-detail", obj.pk)
    return _detail(request, pk, {action: form})
