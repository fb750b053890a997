"""Administration of the category tree; requests are read-only here (writes go through
the services, so that every change is in the history)."""

from django.contrib import admin

from aftersales.core.admin import ReadOnlyAdmin, RecordedAdmin
from aftersales.service.models import Category, ServiceRequest


@admin.register(Category)
class CategoryAdmin(RecordedAdmin):
    list_display = ["code", "name", "name_en", "parent", "product_line", "is_active"]
    list_filter = ["is_active", "product_line"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent", "product_line"]
    autocomplete_fields = ["parent"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "company", "status", "priority", "owner", "next_due_at"]
    list_filter = ["status", "priority", "request_type", "channel", "sla_state"]
    search_fields = ["number", "title"]
    list_select_related = ["company", "owner"]
    date_hierarchy = "received_at"
