"""Administration of SLA policies, working hours and the working calendar."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.admin import ReadOnlyAdmin, RecordedAdmin
from aftersales.sla import services
from aftersales.sla.models import CalendarOverride, Clock, Policy, WorkingHours


@admin.register(Policy)
class PolicyAdmin(RecordedAdmin):
    list_display = [
        "order",
        "name",
        "tiers",
        "request_types",
        "priorities",
        "region_classes",
        "response_minutes",
        "arrival_minutes",
        "resolution_minutes",
        "is_active",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active"]
    ordering = ["order", "id"]
    fieldsets = (
        (None, {"fields": ("name", "name_en", "order", "is_active")}),
        (
            _("Matches (empty = any)"),
            {"fields": ("tiers", "request_types", "priorities", "region_classes")},
        ),
        (
            _("Targets"),
            {
                "fields": (
                    ("response_minutes", "response_clock"),
                    ("arrival_minutes", "arrival_clock"),
                    ("resolution_minutes", "resolution_clock"),
                )
            },
        ),
        (_("Warning and escalation"), {"fields": ("warn_percent", "escalation_interval_minutes")}),
    )


@admin.register(WorkingHours)
class WorkingHoursAdmin(RecordedAdmin):
    list_display = ["start", "end", "lunch_start", "lunch_end"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not WorkingHours.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RecordedAdmin):
    list_display = ["date", "is_working", "note", "created_by"]
    list_filter = ["is_working"]
    date_hierarchy = "date"
    exclude = ["created_by"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Say loudly which years the clocks are computing with the weekday fallback.
        year = timezone.localdate().year
        for row in services.calendar_status([year, year + 1]):
            if row["missing"]:
                messages.warning(request, row["message"])
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "due_at", "met_at", "breached_at", "escalation_level"]
    list_filter = ["kind", "escalation_level"]
    list_select_related = ["request"]
    search_fields = ["request__number"]
