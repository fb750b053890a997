"""Stock on hand per warehouse and part, the ledger, and recording a movement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.parts.access import is_warehouse
from aftersales.parts.choices_stock import MovementKind
from aftersales.parts.forms_stock import MovementFilterForm, MovementForm, StockSearchForm
from aftersales.parts.models import StockBalance, StockMovement
from aftersales.parts.services import stock
from aftersales.parts.views.common import paged, require_staff, run


@login_required
@require_GET
def stock_list(request: HttpRequest) -> HttpResponse:
    """Balances: on hand, reserved and free, filtered by warehouse, part and low stock."""
    user: Any = request.user
    require_staff(user, "parts.view_stockbalance")
    form = StockSearchForm(request.GET)
    rows = StockBalance.objects.select_related("warehouse", "part")
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            rows = rows.filter(Q(part__code__icontains=term) | Q(part__name__icontains=term))
        if form.cleaned_data["warehouse"]:
            rows = rows.filter(warehouse=form.cleaned_data["warehouse"])
        if form.cleaned_data["low"]:
            rows = rows.filter(on_hand__lte=F("part__reorder_level"))
    else:
        rows = rows.none()
    context = {
        "section": "parts",
        "tab": "stock",
        "form": form,
        "may_move": is_warehouse(user),
        **paged(request, rows.order_by("warehouse__code", "part__code")),
    }
    return render(request, "parts/stock_list.html", context)


@login_required
@require_GET
def movement_list(request: HttpRequest) -> HttpResponse:
    """The ledger, newest first (read only: corrections are new adjustment rows)."""
    user: Any = request.user
    require_staff(user, "parts.view_stockmovement")
    form = MovementFilterForm(request.GET)
    rows = StockMovement.objects.select_related("warehouse", "part", "actor", "requisition")
    if form.is_valid():
        if form.cleaned_data["warehouse"]:
            rows = rows.filter(warehouse=form.cleaned_data["warehouse"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
        term = form.cleaned_data["q"].strip()
        if term:
            rows = rows.filter(Q(part__code__icontains=term) | Q(part__name__icontains=term))
    else:
        rows = rows.none()
    context = {
        "section": "parts",
        "tab": "stock",
        "form": form,
        **paged(request, rows.order_by("-created_at", "-id")),
    }
    return render(request, "parts/stock_movements.html", context)


@login_required
def movement_new(request: HttpRequest) -> HttpResponse:
    """The warehouse records a receipt, issue, return, transfer or adjustment."""
    user: Any = request.user
    require_staff(user, "parts.add_stockmovement")
    form = MovementForm(request.POST or None, initial={"kind": request.GET.get("kind", "receipt")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        common = {"actor": user, "warehouse": data["warehouse"], "part": data["part"]}

        def call() -> Any:
            if kind in (MovementKind.RECEIPT, MovementKind.RETURN):
                return stock.receive_stock(
                    **common,
                    quantity=data["quantity"],
                    reference=data["reference"],
                    note=data["note"],
                    kind=kind,
                )
            if kind == MovementKind.ISSUE:
                return stock.issue_stock(
                    **common,
                    quantity=data["quantity"],
                    reference=data["reference"],
                    note=data["note"],
                )
            if kind == MovementKind.ADJUSTMENT:
                return stock.adjust_stock(**common, quantity=data["quantity"], note=data["note"])
            if data["target"] is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"target": _("Choose the warehouse to transfer to.")})
            return stock.transfer_stock(
                actor=user,
                source=data["warehouse"],
                target=data["target"],
                part=data["part"],
                quantity=data["quantity"],
                note=data["note"],
            )

        if run(request, form, call) is not None:
            messages.success(request, _("The movement is recorded."))
            return redirect("parts:movement-list")
    return render(
        request, "parts/stock_move_form.html", {"section": "parts", "tab": "stock", "form": form}
    )
