"""Admin views of the customers context: read-only, because writes go through services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.core.admin import ReadOnlyAdmin
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverConfirmation,
    HandoverItem,
    ProductLine,
    ProductModel,
    Project,
    Site,
)


@admin.register(Company)
class CompanyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "tier", "region_class", "city", "service_department"]
    list_filter = ["tier", "region_class", "service_department"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["service_department"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["name", "company", "phone", "email", "is_primary", "user"]
    search_fields = ["name", "phone", "email", "company__name"]
    list_select_related = ["company", "user"]


@admin.register(Site)
class SiteAdmin(ReadOnlyAdmin):
    list_display = ["name", "company", "city", "region_class"]
    search_fields = ["name", "company__name"]
    list_select_related = ["company"]


@admin.register(ProductLine)
class ProductLineAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(ProductModel)
class ProductModelAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "line", "warranty_months", "is_active"]
    list_filter = ["line", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["line"]


class HandoverItemInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    can_delete = False
    fields = ("section", "content", "not_applicable", "updated_by", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConfirmationInline(admin.TabularInline):
    model = HandoverConfirmation
    extra = 0
    can_delete = False
    fields = ("party", "confirmed_by", "signed_by_contact", "confirmed_at", "withdrawn_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "company", "handover_status", "accepted_on"]
    list_filter = ["handover_status", "service_department"]
    search_fields = ["number", "name", "company__name", "contract_number"]
    list_select_related = ["company"]
    inlines = [HandoverItemInline, ConfirmationInline]


@admin.register(Equipment)
class EquipmentAdmin(ReadOnlyAdmin):
    list_display = ["serial_number", "product_model", "company", "status", "warranty_end"]
    list_filter = ["status", "product_model__line"]
    search_fields = ["serial_number", "company__name"]
    list_select_related = ["product_model", "company"]
