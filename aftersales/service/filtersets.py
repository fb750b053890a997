"""Filters for service-request lists (API and pages)."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
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

    class Meta:
        model = ServiceRequest
        fields = ["owner", "department", "company", "equipment", "channel", "category", "site"]

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
