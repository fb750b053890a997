"""The authentication backend: Django's model backend with the portal rule on permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q, QuerySet

from aftersales.accounts.choices import Role


class RoleModelBackend(ModelBackend):
    """Group permissions as usual, except that a portal user holds only the customer role's.

    scope_of already treats a portal user as a customer only; without this, a portal user
    put in a staff group by mistake would still pass every ``has_perm`` check of that group
    (create companies, import data) while seeing only their own company.
    """

    def _get_group_permissions(self, user_obj: Any) -> QuerySet[Permission]:
        # One query, like Django's own: the portal test is a subquery, not a round trip.
        is_portal = Exists(user_obj.groups.filter(name=Role.CUSTOMER))
        groups = user_obj.groups.filter(Q(name=Role.CUSTOMER) | ~is_portal)
        return Permission.objects.filter(group__in=groups)
