"""Visibility of service requests and their messages."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q


def request_q(user: Any, path: str = "") -> Q | None:
    """Which requests ``user`` may see; None means all.

    Company-wide roles see all; department managers and engineers see their departments'
    requests, the ones they own and the ones they were invited to consult on; a portal user
    sees their company's; anyone else nothing.
    """
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    p = f"{path}__" if path else ""
    if scope.is_portal:
        if scope.company_id is None:
            return Q(pk__in=[])
        return Q(**{f"{p}company_id": scope.company_id})
    if scope.sees_all:
        return None
    if not scope.roles:
        return Q(pk__in=[])
    from aftersales.service.models import Expert

    # EXISTS rather than a join: no duplicate rows, and the planner can still drive the
    # query from an owner or department index.
    consulted = Exists(
        Expert.objects.filter(request_id=OuterRef(f"{p}pk"), user_id=scope.user_id or 0)
    )
    q = Q(**{f"{p}owner_id": scope.user_id}) | Q(consulted)
    if scope.department_ids:
        q |= Q(**{f"{p}department_id__in": scope.department_ids})
    return q


class ServiceRequestQuerySet(models.QuerySet):
    """Service requests."""

    def visible_to(self, user: Any) -> Self:
        q = request_q(user)
        return self if q is None else self.filter(q)

    def open(self) -> Self:
        """Requests that still need work."""
        from aftersales.service.choices import OPEN

        return self.filter(status__in=OPEN)


class MessageQuerySet(models.QuerySet):
    """Replies and notes; portal users never see internal notes."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of
        from aftersales.service.choices import MessageKind
        from aftersales.service.models import ServiceRequest

        visible = self.filter(request__in=ServiceRequest.objects.visible_to(user).values("pk"))
        if scope_of(user).is_portal:
            visible = visible.filter(kind=MessageKind.REPLY)
        return visible


class CategoryQuerySet(models.QuerySet):
    """The category tree is shared reference data."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of

        return self if scope_of(user).roles else self.none()
