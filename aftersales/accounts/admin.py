"""Admin for departments and users (the organisation is managed here)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Department, User
from aftersales.core.admin import RecordedAdmin


@admin.register(Department)
class DepartmentAdmin(RecordedAdmin):
    list_display = ["code", "name", "name_en", "kind", "manager", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["manager"]
    autocomplete_fields = ["manager"]


@admin.register(User)
class UserAdmin(RecordedAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "department", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups", "department"]
    search_fields = ["username", "full_name", "email", "phone", "employee_no"]
    list_select_related = ["department"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("full_name", "email", "phone", "title", "employee_no", "department")},
        ),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
