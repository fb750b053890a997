"""The authentication backend: Django's model backend with the portal rule on permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from aftersales.accounts.choices import Role


class RoleModelBackend(ModelBackend):
    """Group permissions as usual, except that a portal user holds only the customer role's.

    scope_of already treats a portal user as a customer only; without this, a portal user
    put in a staff group by mistake would still pass every ``has_perm`` check of that group
    (create companies, import data) while seeing only their own company.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        # Permissions come from roles only: the user admin offers no per-user permissions,
        # so there is nothing to load (one query less on every request).
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached: set[str] | None = getattr(user_obj, "_group_perm_cache", None)
        if cached is not None:
            return cached
        if user_obj.is_superuser:
            rows = Permission.objects.values_list("content_type__app_label", "codename")
            perms = {f"{app}.{codename}" for app, codename in rows}
        else:
            # One plain join (group, app, codename) and the portal rule applied here:
            # Django's nested group subquery with the rule as a NOT EXISTS took PostgreSQL
            # longer to plan than to run, on every request.
            granted = list(
                Group.objects.filter(user=user_obj).values_list(
                    "name", "permissions__content_type__app_label", "permissions__codename"
                )
            )
            # scope_of reads the role names from here instead of asking again.
            user_obj._aftersales_role_names = frozenset(name for name, _a, _c in granted)
            portal = any(name == Role.CUSTOMER for name, _app, _code in granted)
            perms = {
                f"{app}.{codename}"
                for name, app, codename in granted
                if codename and (name == Role.CUSTOMER or not portal)
            }
        user_obj._group_perm_cache = perms
        return perms
