"""Visibility of requisitions, shipments and old parts: the parts desk sees all, other staff
the rows of the requests they may see, portal users nothing."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q


def _request_rows(user: Any, queryset: models.QuerySet, extra: Q | None = None) -> Any:
    from aftersales.accounts.roles import scope_of
    from aftersales.parts.access import sees_all_parts
    from aftersales.service.querysets import request_q

    scope = scope_of(user)
    if scope.is_portal or not scope.roles:
        return queryset.none()
    if sees_all_parts(user):
        return queryset
    q = request_q(user, "request")
    if q is None:
        return queryset
    return queryset.filter(q | extra if extra is not None else q)


class RequisitionQuerySet(models.QuerySet):
    """Requisitions."""

    def visible_to(self, user: Any) -> Self:
        return _request_rows(user, self, Q(raised_by_id=user.pk or 0))


class ShipmentQuerySet(models.QuerySet):
    """Shipments."""

    def visible_to(self, user: Any) -> Self:
        return _request_rows(user, self)


class OldPartQuerySet(models.QuerySet):
    """Old-part returns."""

    def visible_to(self, user: Any) -> Self:
        return _request_rows(user, self, Q(created_by_id=user.pk or 0))
