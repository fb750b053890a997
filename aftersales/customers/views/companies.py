"""The customer list, a company's page and a unit's page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from aftersales.core import panels
from aftersales.customers.forms import CompanySearchForm
from aftersales.customers.models import Company, Contact, Equipment, Project, Site
from aftersales.customers.views.common import require_staff, warranty_on
from aftersales.service.models import ServiceRequest
from aftersales.service.views.lists import COUNT_CAP, ORDERINGS, _page_number, _rows

PAGE_SIZE = 50
# Each list on a company's page shows at most this many rows; the counts tell the rest.
LIST_CAP = 50
UNIT_CAP = 100
HISTORY_ORDER = "-received"


def _htmx_rows(request: HttpRequest) -> bool:
    """An htmx request for the rows only (not a history restore, which needs the page)."""
    htmx: Any = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and request.GET.get("partial") == "rows"


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    """The customers the user may see, by number; search by name or number, filter by tier."""
    user: Any = request.user
    require_staff(user, "customers.view_company")
    form = CompanySearchForm(request.GET)
    companies = Company.objects.visible_to(user)
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            companies = companies.filter(
                Q(name__icontains=term) | Q(name_en__icontains=term) | Q(code__icontains=term)
            )
        if form.cleaned_data["tier"]:
            companies = companies.filter(tier=form.cleaned_data["tier"])
    else:
        companies = companies.none()
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    # One more row than shown tells whether there is a next page, without a COUNT.
    rows = list(
        companies.select_related("service_department", "account_manager")
        .only(
            "id",
            "code",
            "name",
            "name_en",
            "tier",
            "region_class",
            "city",
            "phone",
            "service_department__name",
            "service_department__name_en",
            "account_manager__username",
            "account_manager__full_name",
            "account_manager__first_name",
            "account_manager__last_name",
        )
        .order_by("code")[start : start + PAGE_SIZE + 1]
    )
    query = request.GET.copy()
    for key in ("page", "partial"):
        query.pop(key, None)
    context = {
        "section": "customers",
        "form": form,
        "companies": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "page": page,
        "base_query": query.urlencode(),
    }
    if _htmx_rows(request):
        # The address bar follows the search, without the partial flag, so that reloading or
        # sharing it opens the full page with the same rows.
        response = render(request, "customers/_company_rows.html", context)
        return push_url(response, f"{request.path}?{context['base_query']}")
    return render(request, "customers/company_list.html", context)


def _count(model: type[Any], **where: Any) -> Coalesce:
    """A correlated COUNT of the company's rows of ``model``, read with the company itself."""
    counted = (
        model.objects.filter(company_id=OuterRef("pk"), **where)
        .order_by()
        .values("company_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _history(
    request: HttpRequest, requests: QuerySet[ServiceRequest], base_query: str
) -> dict[str, Any]:
    """Request rows of a page (newest first unless the reader sorts by due time)."""
    order = request.GET.get("order", HISTORY_ORDER)
    if order not in ORDERINGS:
        order = HISTORY_ORDER
    return {**_rows(requests, order, _page_number(request)), "base_query": base_query}


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer: its facts, contacts, sites, projects, units and request history.

    Every list is capped; the counts come with the company row (correlated counts over the
    company indexes), so the page costs the same number of queries for 2 rows or 2,000.
    """
    user: Any = request.user
    require_staff(user, "customers.view_company")
    may = {
        "contacts": user.has_perm("customers.view_contact"),
        "sites": user.has_perm("customers.view_site"),
        "projects": user.has_perm("customers.view_project"),
        "units": user.has_perm("customers.view_equipment"),
        "requests": user.has_perm("service.view_servicerequest"),
    }
    company = get_object_or_404(
        Company.objects.visible_to(user)
        .select_related("service_department", "account_manager")
        .annotate(
            n_contacts=_count(Contact),
            n_sites=_count(Site),
            n_projects=_count(Project),
            n_units=_count(Equipment),
        ),
        pk=pk,
    )
    requests = ServiceRequest.objects.visible_to(user).filter(company_id=company.pk)
    if may["requests"] and _htmx_rows(request):
        return render(request, "service/_request_rows.html", _history(request, requests, ""))
    today = timezone.localdate()
    context: dict[str, Any] = {
        "section": "customers",
        "company": company,
        "may": may,
        "list_cap": LIST_CAP,
        "unit_cap": UNIT_CAP,
        "count_cap": COUNT_CAP,
        "today": today,
    }
    if may["contacts"]:
        context["contacts"] = list(
            Contact.objects.filter(company_id=company.pk)
            .order_by("-is_active", "-is_primary", "name")
            .only(
                "id",
                "name",
                "title",
                "phone",
                "mobile",
                "email",
                "is_primary",
                "is_active",
                "user_id",
            )[:LIST_CAP]
        )
    if may["sites"]:
        context["sites"] = list(
            Site.objects.filter(company_id=company.pk)
            .select_related("contact")
            .only(
                "id",
                "name",
                "province",
                "city",
                "address",
                "region_class",
                "is_active",
                "contact__name",
                "contact__phone",
                "contact__mobile",
            )
            .order_by("name")[:LIST_CAP]
        )
    if may["projects"]:
        context["projects"] = list(
            Project.objects.filter(company_id=company.pk)
            .select_related("site")
            .only(
                "id",
                "number",
                "name",
                "accepted_on",
                "handover_status",
                "handover_completed_at",
                "site__name",
            )
            .order_by("-number")[:LIST_CAP]
        )
    if may["units"]:
        units = list(
            Equipment.objects.filter(company_id=company.pk)
            .select_related("product_model", "site", "project")
            .only(
                "id",
                "serial_number",
                "status",
                "delivered_on",
                "commissioned_on",
                "warranty_end",
                "product_model__code",
                "product_model__name",
                "product_model__name_en",
                "site__name",
                "project__number",
            )
            .order_by("serial_number")[:UNIT_CAP]
        )
        context["units"] = [{"unit": u, "warranty": warranty_on(u, today)} for u in units]
    if may["requests"]:
        # Capped like the workspace's queue counts: nobody reads past "1000+".
        context["n_requests"] = requests.order_by()[: COUNT_CAP + 1].count()
        context.update(_history(request, requests, ""))
    return render(request, "customers/company_detail.html", context)


@login_required
@require_GET
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit: its facts, its warranty today and its service history, newest first."""
    user: Any = request.user
    require_staff(user, "customers.view_equipment")
    unit = get_object_or_404(
        Equipment.objects.visible_to(user).select_related(
            "product_model__line", "company", "site", "project"
        ),
        pk=pk,
    )
    may_requests = user.has_perm("service.view_servicerequest")
    requests = ServiceRequest.objects.visible_to(user).filter(equipment_id=unit.pk)
    if may_requests and _htmx_rows(request):
        return render(request, "service/_request_rows.html", _history(request, requests, ""))
    today = timezone.localdate()
    context: dict[str, Any] = {
        "section": "customers",
        "unit": unit,
        "today": today,
        "warranty": warranty_on(unit, today),
        "warranty_months": (
            unit.warranty_months
            if unit.warranty_months is not None
            else unit.product_model.warranty_months
        ),
        "may_project": user.has_perm("customers.view_project"),
        "may_requests": may_requests,
        "panels": panels.render_panels(panels.UNIT, request, unit),
    }
    if may_requests:
        context.update(_history(request, requests, ""))
    return render(request, "customers/equipment_detail.html", context)
