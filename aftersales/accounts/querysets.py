"""Visibility of users and departments."""

from __future__ import annotations

from typing import Any

from django.db import models


class DepartmentQuerySet(models.QuerySet):
    """Departments are an organisation chart: every member of staff may see it."""

    def visible_to(self, user: Any) -> DepartmentQuerySet:
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.user_id is None or scope.is_portal or not scope.roles:
            return self.none()
        return self


class UserQuerySet(models.QuerySet):
    """Staff see staff; portal users see only themselves; nobody lists portal users but staff."""

    def visible_to(self, user: Any) -> UserQuerySet:
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.user_id is None or not scope.roles:
            return self.none()
        if scope.is_portal:
            return self.filter(pk=scope.user_id)
        return self

    def staff(self) -> UserQuerySet:
        """Users who are not portal users."""
        from aftersales.accounts.choices import Role

        return self.exclude(groups__name=Role.CUSTOMER)
