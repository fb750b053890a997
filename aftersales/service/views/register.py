"""Registering a call, visit or letter (顾客服务登记): find the customer or the unit as you
type, see the unit's warranty and the customer's open requests (possible duplicates) before
saving, optionally hand it to an owner at once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.accounts.roles import scope_of
from aftersales.core.forms import add_service_errors
from aftersales.customers.models import Company, Equipment
from aftersales.service import forms, services
from aftersales.service.choices import OPEN, Status
from aftersales.service.models import ServiceRequest

LOOKUP_LIMIT = 10
UNIT_LIMIT = 50
DUPLICATE_LIMIT = 10


def _require_registrar(request: HttpRequest) -> None:
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm("service.add_servicerequest"):
        raise Http404


def _matches(user: Any, term: str) -> dict[str, Any]:
    term = term.strip()[:64]
    if len(term) < 1:
        return {"companies": [], "units": []}
    companies = (
        Company.objects.visible_to(user)
        .filter(
            Q(name__icontains=term) | Q(name_en__icontains=term) | Q(code__istartswith=term),
            is_active=True,
        )
        .order_by("-tier", "code")[:LOOKUP_LIMIT]
    )
    units = (
        Equipment.objects.visible_to(user)
        .filter(serial_number__istartswith=term)
        .select_related("company", "product_model")
        .order_by("serial_number")[:LOOKUP_LIMIT]
    )
    return {"companies": list(companies), "units": list(units)}


def _panel(user: Any, company_id: Any, unit_id: Any = None) -> dict[str, Any]:
    """The chosen customer: tier, units with warranty, and its open requests."""
    if not str(company_id or "").isdigit():
        return {}
    company = Company.objects.visible_to(user).filter(pk=int(company_id)).first()
    if company is None:
        return {}
    today = timezone.localdate()
    units = list(
        Equipment.objects.filter(company=company)
        .select_related("product_model", "site")
        .order_by("serial_number")[:UNIT_LIMIT]
    )
    chosen = int(unit_id) if str(unit_id or "").isdigit() else None
    if chosen and all(u.pk != chosen for u in units):
        extra = Equipment.objects.filter(company=company, pk=chosen).select_related(
            "product_model", "site"
        )
        units = [*extra, *units]
    open_requests = ServiceRequest.objects.visible_to(user).filter(company=company, status__in=OPEN)
    duplicates = list(
        open_requests.select_related("equipment")
        .only("id", "number", "title", "status", "received_at", "equipment__serial_number")
        .order_by("-received_at")[:DUPLICATE_LIMIT]
    )
    for row in duplicates:
        row.same_unit = bool(chosen and row.equipment_id == chosen)  # type: ignore[attr-defined]
        row.status_label = Status(row.status).label  # type: ignore[attr-defined]
    return {
        "company": company,
        "units": [{"unit": u, "warranty": u.in_warranty(today)} for u in units],
        "chosen_unit": chosen,
        # The unit's own open requests first: those are the likeliest duplicates.
        "duplicates": sorted(duplicates, key=lambda r: not r.same_unit),
    }


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The registration page; POST saves and opens the new request."""
    _require_registrar(request)
    user: Any = request.user
    if request.method == "POST":
        form = forms.RegisterForm(request.POST, user=user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                created = services.register_request(actor=user, data=data)
            except DjangoValidationError as exc:
                add_service_errors(form, exc)
            except DjangoPermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Request %(number)s is registered.") % {"number": created.number},
                )
                return redirect("service:detail", pk=created.pk)
        messages.error(request, _("Please correct the errors below."))
        company_id, unit_id = request.POST.get("company"), request.POST.get("equipment")
    else:
        company_id, unit_id = request.GET.get("company"), request.GET.get("unit")
        initial = {"company": company_id, "equipment": unit_id}
        form = forms.RegisterForm(initial=initial, user=user)
    lookup = request.GET.get("customer_q", "")
    context = {
        "section": "register",
        "form": form,
        "lookup": lookup,
        "panel": _panel(user, company_id, unit_id),
        **(_matches(user, lookup) if lookup else {}),
    }
    return render(request, "service/register.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def lookup_customers(request: HttpRequest) -> HttpResponse:
    """Matches as you type: customers by name or number, units by serial number."""
    _require_registrar(request)
    return render(
        request, "service/_lookup.html", _matches(request.user, request.GET.get("customer_q", ""))
    )


@login_required
@require_GET
def customer_panel(request: HttpRequest) -> HttpResponse:
    """The chosen customer's panel: contacts, sites and units for the form, warranty, and
    possible duplicates (its open requests)."""
    _require_registrar(request)
    user: Any = request.user
    company_id, unit_id = request.GET.get("company"), request.GET.get("unit")
    # The contact, site and unit choices follow the chosen company.
    form = forms.RegisterForm(initial={"company": company_id, "equipment": unit_id}, user=user)
    return render(
        request,
        "service/_customer_panel.html",
        {"form": form, "panel": _panel(user, company_id, unit_id)},
    )
