"""Filters for customer lists (API and pages)."""

import django_filters as filters

from aftersales.customers.models import Company, Contact, Equipment, Project, Site


class CompanyFilter(filters.FilterSet):
    """Filter companies by tier, region, department and place."""

    class Meta:
        model = Company
        fields = {
            "tier": ["exact"],
            "region_class": ["exact"],
            "service_department": ["exact"],
            "province": ["exact"],
            "city": ["exact"],
            "industry": ["exact"],
            "is_active": ["exact"],
        }


class ContactFilter(filters.FilterSet):
    """Filter contacts by company."""

    class Meta:
        model = Contact
        fields = {"company": ["exact"], "is_primary": ["exact"], "is_active": ["exact"]}


class SiteFilter(filters.FilterSet):
    """Filter sites by company and region."""

    class Meta:
        model = Site
        fields = {"company": ["exact"], "region_class": ["exact"], "is_active": ["exact"]}


class ProjectFilter(filters.FilterSet):
    """Filter projects by company, handover status and departments."""

    class Meta:
        model = Project
        fields = {
            "company": ["exact"],
            "handover_status": ["exact"],
            "service_department": ["exact"],
            "project_department": ["exact"],
            "project_manager": ["exact"],
            "accepted_on": ["gte", "lte"],
        }


class EquipmentFilter(filters.FilterSet):
    """Filter units by company, site, project, model, status and warranty."""

    in_warranty_on = filters.DateFilter(method="filter_in_warranty", label="in warranty on")
    product_line = filters.NumberFilter(field_name="product_model__line")

    class Meta:
        model = Equipment
        fields = {
            "company": ["exact"],
            "site": ["exact"],
            "project": ["exact"],
            "product_model": ["exact"],
            "status": ["exact"],
            "warranty_end": ["gte", "lte"],
            "commissioned_on": ["gte", "lte"],
        }

    def filter_in_warranty(self, queryset, name, value):
        from django.db.models import Q

        started = Q(commissioned_on__lte=value) | Q(
            commissioned_on__isnull=True, delivered_on__lte=value
        )
        return queryset.filter(started, warranty_end__gte=value)
