"""Visibility of the shared models."""

from __future__ import annotations

from typing import Any, Self

from django.db import models


class JobQuerySet(models.QuerySet):
    """Background jobs: people see the jobs they started; administrators see every job."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.choices import Role
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.user_id is None:
            return self.none()
        if scope.has_role(Role.ADMIN):
            return self
        return self.filter(created_by_id=scope.user_id)
