"""Warehouses: the list with what each holds, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.core.history import diff, record, record_created, snapshot
from aftersales.parts.forms_stock import WarehouseForm
from aftersales.parts.models import Warehouse
from aftersales.parts.views.common import paged, require_staff

FIELDS = ["code", "name", "name_en", "address", "keeper", "is_active"]


@login_required
@require_GET
def warehouse_list(request: HttpRequest) -> HttpResponse:
    """Warehouses with their number of parts in stock and units reserved."""
    user: Any = request.user
    require_staff(user, "parts.view_warehouse")
    rows = (
        Warehouse.objects.select_related("keeper")
        .annotate(
            n_parts=Count("balances", filter=Q(balances__on_hand__gt=0)),
            reserved=Sum("balances__reserved"),
        )
        .order_by("code")
    )
    context = {
        "section": "parts",
        "tab": "stock",
        "may_edit": user.has_perm("parts.add_warehouse"),
        **paged(request, rows),
    }
    return render(request, "parts/stock_warehouses.html", context)


@login_required
def warehouse_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no ``pk``) or edit a warehouse; a history row records what changed."""
    user: Any = request.user
    require_staff(user, "parts.change_warehouse" if pk else "parts.add_warehouse")
    store = get_object_or_404(Warehouse, pk=pk) if pk else None
    form = WarehouseForm(request.POST or None, instance=store)
    if request.method == "POST" and form.is_valid():
        before = snapshot(store, FIELDS) if store else {}
        with transaction.atomic():
            saved = form.save()
            if store:
                after = snapshot(saved, FIELDS)
                record(actor=user, action="updated", obj=saved, changes=diff(before, after))
            else:
                record_created(actor=user, obj=saved, fields=FIELDS)
        messages.success(request, _("Warehouse %(code)s is saved.") % {"code": saved.code})
        return redirect("parts:warehouse-list")
    context = {"section": "parts", "tab": "stock", "form": form, "store": store}
    return render(request, "parts/stock_warehouse_form.html", context)
