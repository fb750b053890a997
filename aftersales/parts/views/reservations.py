"""Reservations: what stock is held for whom; production reserves and releases here
(customer service takes production's units when it must: 先顾客后生产)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.parts.access import is_production_manager, is_warehouse
from aftersales.parts.choices_stock import Purpose, ReservationStatus
from aftersales.parts.forms_stock import ProductionReservationForm
from aftersales.parts.models import Reservation
from aftersales.parts.services import stock
from aftersales.parts.views.common import paged, require_staff, run


def _may_reserve(user: Any) -> bool:
    return is_production_manager(user) or is_warehouse(user)


@login_required
def reservation_list(request: HttpRequest) -> HttpResponse:
    """Active and ended reservations, newest first; production reserves by POST."""
    user: Any = request.user
    require_staff(user, "parts.view_reservation")
    may = _may_reserve(user)
    if request.method == "POST" and not may:
        raise PermissionDenied
    form = ProductionReservationForm(request.POST or None) if may else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        made = run(
            request,
            form,
            lambda: stock.reserve_for_production(
                actor=user,
                warehouse=data["warehouse"],
                part=data["part"],
                quantity=data["quantity"],
                order=data["order"],
            ),
        )
        if made is not None:
            messages.success(
                request, _("The stock is reserved for %(o)s.") % {"o": made.production_order}
            )
            return redirect("parts:reservation-list")
    status = request.GET.get("status", ReservationStatus.ACTIVE)
    rows = Reservation.objects.select_related(
        "warehouse", "part", "created_by", "line__requisition"
    ).order_by("-created_at", "-id")
    if status in ReservationStatus.values:
        rows = rows.filter(status=status)
    context = {
        "section": "parts",
        "tab": "stock",
        "form": form,
        "may_release": may,
        "status": status,
        "statuses": ReservationStatus.choices,
        "production": Purpose.PRODUCTION,
        "active": ReservationStatus.ACTIVE,
        **paged(request, rows),
    }
    return render(request, "parts/stock_reservations.html", context)


@login_required
@require_POST
def reservation_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a production reservation's stock back (it may serve a waiting requisition)."""
    user: Any = request.user
    require_staff(user, "parts.change_reservation")
    reservation = get_object_or_404(Reservation, pk=pk)
    if run(request, None, lambda: stock.release_reservation(actor=user, reservation=reservation)):
        messages.success(request, _("The reservation is released."))
    return redirect("parts:reservation-list")
