"""The parts catalogue: list with search and filters, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.history import diff, record, record_created, snapshot
from aftersales.parts.forms_stock import PartForm, PartSearchForm
from aftersales.parts.models import Part
from aftersales.parts.views.common import paged, require_staff

FIELDS = ["code", "name", "name_en", "unit", "cost", "is_wearing", "reorder_level", "is_active"]


@login_required
@require_GET
def part_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: search by code or name, filter by product model and wearing parts."""
    user: Any = request.user
    require_staff(user, "parts.view_part")
    form = PartSearchForm(request.GET)
    parts = Part.objects.visible_to(user)
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            parts = parts.filter(
                Q(code__icontains=term) | Q(name__icontains=term) | Q(name_en__icontains=term)
            )
        if form.cleaned_data["model"]:
            parts = parts.filter(compatible_models=form.cleaned_data["model"])
        wearing = form.cleaned_data["wearing"]
        if wearing:
            parts = parts.filter(is_wearing=wearing == "yes")
    else:
        parts = parts.none()
    context = {
        "section": "parts",
        "tab": "parts",
        "form": form,
        "may_edit": user.has_perm("parts.add_part"),
        **paged(request, parts.prefetch_related("compatible_models").order_by("code")),
    }
    return render(request, "parts/part_list.html", context)


@login_required
def part_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or edit a part; a history row records what changed."""
    user: Any = request.user
    require_staff(user, "parts.change_part" if pk else "parts.add_part")
    part = get_object_or_404(Part.objects.visible_to(user), pk=pk) if pk else None
    form = PartForm(request.POST or None, instance=part)
    if request.method == "POST" and form.is_valid():
        before = snapshot(part, FIELDS) if part else {}
        with transaction.atomic():
            saved = form.save()
            if part:
                record(
                    actor=user,
                    action="updated",
                    obj=saved,
                    changes=diff(before, snapshot(saved, FIELDS)),
                )
            else:
                record_created(actor=user, obj=saved, fields=FIELDS)
        messages.success(request, _("Part %(code)s is saved.") % {"code": saved.code})
        return redirect("parts:part-list")
    return render(
        request,
        "parts/part_form.html",
        {"section": "parts", "tab": "parts", "form": form, "part": part},
    )
