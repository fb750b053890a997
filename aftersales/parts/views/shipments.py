"""The shipment register: list with filters and export, registering a dispatch from an
issued requisition, a shipment's page with its receipt."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core import clock
from aftersales.insight.exports import FORMATS, csv_bytes, xlsx_bytes
from aftersales.parts.access import is_after_sales, is_warehouse
from aftersales.parts.choices_stock import RequisitionStatus, ShipmentStatus
from aftersales.parts.forms_stock import ReceiveForm, ShipmentFilterForm, ShipmentForm
from aftersales.parts.models import Requisition, Shipment
from aftersales.parts.services import shipments
from aftersales.parts.services.shipments import _shipped
from aftersales.parts.views.common import history_rows, paged, require_staff, run

EXPORT_CAP = 5000


def _filtered(request: HttpRequest) -> tuple[ShipmentFilterForm, QuerySet]:
    user: Any = request.user
    form = ShipmentFilterForm(request.GET)
    rows = Shipment.objects.visible_to(user).select_related(
        "request", "requisition", "product_model", "sent_by"
    )
    if not form.is_valid():
        return form, rows.none()
    data = form.cleaned_data
    term = data["q"].strip()
    if term:
        rows = rows.filter(
            Q(gate_pass__icontains=term)
            | Q(tracking_number__icontains=term)
            | Q(request__number__icontains=term)
            | Q(destination__icontains=term)
        )
    if data["status"]:
        rows = rows.filter(status=data["status"])
    if data["transport"]:
        rows = rows.filter(transport=data["transport"])
    zone = timezone.get_current_timezone()
    if data["since"]:
        rows = rows.filter(sent_at__gte=dt.datetime.combine(data["since"], dt.time(), zone))
    if data["until"]:
        end = dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time(), zone)
        rows = rows.filter(sent_at__lt=end)
    return form, rows.prefetch_related("items__part").order_by("-sent_at", "-id")


@login_required
@require_GET
def shipment_list(request: HttpRequest) -> HttpResponse:
    """The register (配件发送登记), newest first; ?format=csv|xlsx downloads it."""
    require_staff(request.user, "parts.view_shipment")
    form, rows = _filtered(request)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return _export(rows, fmt)
    context = {"section": "parts", "tab": "shipments", "form": form, **paged(request, rows)}
    return render(request, "parts/shipment_list.html", context)


def _export(rows: QuerySet, fmt: str) -> HttpResponse:
    header = [
        _("Gate pass number"),
        _("Service request"),
        _("Requisition"),
        _("Destination"),
        _("Product model"),
        _("Sent at"),
        _("Items"),
        _("Transport"),
        _("Carrier"),
        _("Tracking number"),
        _("Status"),
        _("Received at"),
    ]
    body = []
    for s in rows[:EXPORT_CAP]:
        items = "、".join(f"{i.part} × {i.quantity.normalize():f}" for i in s.items.all())
        body.append(
            [
                s.gate_pass,
                s.request.number,
                s.requisition.number,
                s.destination,
                s.product_model.code if s.product_model else "",
                timezone.localtime(s.sent_at).strftime("%Y-%m-%d %H:%M"),
                items,
                s.get_transport_display(),
                s.carrier,
                s.tracking_number,
                s.get_status_display(),
                timezone.localtime(s.received_at).strftime("%Y-%m-%d %H:%M")
                if s.received_at
                else "",
            ]
        )
    content = csv_bytes(header, body) if fmt == "csv" else xlsx_bytes(header, body, _("Shipments"))
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="shipments.{fmt}"'
    return response


@login_required
def shipment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Register a dispatch of an issued requisition's parts."""
    user: Any = request.user
    require_staff(user, "parts.add_shipment")
    requisition = get_object_or_404(
        Requisition.objects.visible_to(user).select_related("request__equipment", "request__site"),
        pk=pk,
    )
    if not is_warehouse(user) or requisition.status != RequisitionStatus.ISSUED:
        raise Http404
    shipped = _shipped(requisition)
    lines = [
        SimpleNamespace(
            part=line.part,
            part_id=line.part_id,
            left=line.issued_quantity - shipped.get(line.part_id, 0),
        )
        for line in requisition.lines.select_related("part")
    ]
    service_request = requisition.request
    unit = service_request.equipment
    initial = {
        "sent_at": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "destination": str(service_request.site.address if service_request.site else "")
        or service_request.company.display_name,
        "product_model": unit.product_model_id if unit else None,
    }
    form = ShipmentForm(request.POST or None, request.FILES or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = run(
            request,
            form,
            lambda: shipments.register_shipment(
                actor=user,
                requisition=requisition,
                gate_pass=data["gate_pass"],
                destination=data["destination"],
                transport=data["transport"],
                items=form.items(),
                product_model=data["product_model"],
                sent_at=data["sent_at"],
                carrier=data["carrier"],
                tracking_number=data["tracking_number"],
                stub=data["stub"],
            ),
        )
        if made is not None:
            messages.success(request, _("Shipment %(n)s is registered.") % {"n": made.gate_pass})
            return redirect("parts:shipment-detail", made.pk)
    return render(
        request,
        "parts/shipment_form.html",
        {"section": "parts", "tab": "shipments", "form": form, "requisition": requisition},
    )


def _detail(request: HttpRequest, pk: int, form: ReceiveForm | None = None) -> HttpResponse:
    user: Any = request.user
    obj = get_object_or_404(
        Shipment.objects.visible_to(user).select_related(
            "request", "requisition", "product_model", "sent_by", "received_by"
        ),
        pk=pk,
    )
    may_receive = obj.status == ShipmentStatus.SENT and (is_after_sales(user) or is_warehouse(user))
    context = {
        "section": "parts",
        "tab": "shipments",
        "obj": obj,
        "items": list(obj.items.select_related("part")),
        "history": history_rows(obj, ShipmentStatus),
        "receive": (form or ReceiveForm(initial={"version": obj.version})) if may_receive else None,
    }
    return render(request, "parts/shipment_detail.html", context)


@login_required
@require_GET
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A shipment: where, what, how, and whether it arrived."""
    require_staff(request.user, "parts.view_shipment")
    return _detail(request, pk)


@login_required
@require_POST
def shipment_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """The site has the parts (the request resumes)."""
    user: Any = request.user
    require_staff(user, "parts.change_shipment")
    obj = get_object_or_404(Shipment.objects.visible_to(user), pk=pk)
    form = ReceiveForm(request.POST)
    if form.is_valid():
        done = run(
            request,
            form,
            lambda: shipments.receive_shipment(
                actor=user,
                shipment=obj,
                expected_version=form.cleaned_data["version"],
                received_at=form.cleaned_data["received_at"],
            ),
        )
        if done is not None:
            messages.success(request, _("Shipment %(n)s is received.") % {"n": done.gate_pass})
            return redirect("parts:shipment-detail", obj.pk)
    return _detail(request, pk, form)
