"""Admin for shared models: history is read-only; a mixin records admin edits in history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.core.history import diff, record, snapshot
from aftersales.core.models import HistoryEntry, Job


class RecordedAdmin(admin.ModelAdmin):
    """Writes a history row for every admin create and change, like a service would."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = [f for f in form.changed_data if f in {x.name for x in obj._meta.fields}]
        before = {}
        if change and fields:
            before = snapshot(type(obj)._default_manager.get(pk=obj.pk), fields)
        super().save_model(request, obj, form, change)
        if not fields:
            return
        after = snapshot(obj, fields)
        record(
            actor=request.user,
            action="updated" if change else "created",
            obj=obj,
            changes=diff(before, after) if change else {k: [None, v] for k, v in after.items()},
            message="admin",
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible in the admin, changed only through the application's services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "message"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "created_by", "created_at", "percent"]
    list_filter = ["kind", "status"]
    list_select_related = ["created_by"]
