"""Filters for service-request lists (API and pages)."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import django_filters as filters
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from aftersales.service import search
from aftersales.service.choices import OPEN, Priority, RequestType, Status
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import ClockState

NUMBER_PREFIX = "SR-"


class ServiceRequestFilter(filters.FilterSet):
    """Status, people, customer, type, priority, SLA state, received range, equipment, text."""

    status = filters.MultipleChoiceFilter(choices=Status.choices)
    open = filters.BooleanFilter(method="filter_open", label=_("open"))
    request_type = filters.MultipleChoiceFilter(choices=RequestType.choices)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices)
    sla_state = filters.MultipleChoiceFilter(choices=ClockState.choices)
    received_after = filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")
    unassigned = filters.BooleanFilter(field_name="owner", lookup_expr="isnull")
    q = filters.CharFilter(method="filter_text", label=_("search"))
    # Plain ids, not model choices: the rows are already limited to what the user sees, so
    # an id they cannot see finds nothing (and tells nothing), while a model choice would
    # load and validate the object and deep-copy its queryset on every list call — a fifth
    # of a page's time — and render every unit of a million in the browsable filter form.
    owner = filters.NumberFilter(field_name="owner_id", label=_("owner"))
    department = filters.NumberFilter(field_name="department_id", label=_("department"))
    company = filters.NumberFilter(field_name="company_id", label=_("customer"))
    equipment = filters.NumberFilter(field_name="equipment_id", label=_("equipment"))
    category = filters.NumberFilter(field_name="category_id", label=_("category"))
    site = filters.NumberFilter(field_name="site_id", label=_("site"))

    class Meta:
        model = ServiceRequest
        fields = ["channel"]

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # django-filter's own __init__, but with a shallow copy of each filter instead of a
        # deep copy of them all (a fifth of a list call): these filters keep no per-request
        # state but the model and parent set here.
        if queryset is None:
            queryset = ServiceRequest.objects.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(flt) for name, flt in self.base_filters.items()}
        for flt in self.filters.values():
            flt.model = queryset.model
            flt.parent = self
            if flt.method:
                flt.method = flt.method  # rebinds its FilterMethod to this copy

    _form_class: ClassVar[type | None] = None

    def get_form_class(self) -> Any:
        # Built once: the form's fields depend only on the declared filters (no queryset
        # choices), and building 16 form fields was a tenth of a list call.
        cls = type(self)
        if cls.__dict__.get("_form_class") is None:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_open(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN) if value else queryset.exclude(status__in=OPEN)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        if value.upper().startswith(NUMBER_PREFIX):
            return queryset.filter(number__startswith=value.upper())
        matched = search.filter_text(queryset, value)
        return matched | queryset.filter(Q(number=value.upper()))
