"""Visibility of return visits, schedules, surveys, complaints and suggestions (rule 3)."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q


def _scope(user: Any) -> Any:
    from aftersales.accounts.roles import scope_of

    return scope_of(user)


class ReturnVisitQuerySet(models.QuerySet):
    """Company-wide roles (the office above all) see every visit; department staff see their
    departments' visits and the ones of their own work; portal users none."""

    def visible_to(self, user: Any) -> Self:
        scope = _scope(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        if scope.sees_all:
            return self
        return self.filter(
            Q(department_id__in=scope.department_ids) | Q(engineer_id=scope.user_id or 0)
        )

    def due(self) -> Self:
        """Visits still to be made."""
        from aftersales.feedback.choices import ReturnVisitStatus

        return self.filter(status=ReturnVisitStatus.DUE)


class VisitScheduleQuerySet(models.QuerySet):
    """Key-account schedules: staff who see the customer see its schedule."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.customers.models import Company

        scope = _scope(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        return self.filter(company__in=Company.objects.visible_to(user).values("pk"))


class SurveyQuerySet(models.QuerySet):
    """Surveys of the requests a member of staff sees."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.service.querysets import request_q

        scope = _scope(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        q = request_q(user, "request")
        return self if q is None else self.filter(q)


class ComplaintQuerySet(models.QuerySet):
    """Complaints of visible requests, and those in which one's department has a part."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.feedback.models import ComplaintPart
        from aftersales.service.querysets import request_q

        scope = _scope(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        q = request_q(user, "request")
        if q is None:
            return self
        if scope.department_ids:
            q |= Q(
                Exists(
                    ComplaintPart.objects.filter(
                        complaint_id=OuterRef("pk"), department_id__in=scope.department_ids
                    )
                )
            )
        return self.filter(q)


class SuggestionQuerySet(models.QuerySet):
    """Suggestions of visible requests and those routed to one's department; a portal user
    sees the suggestions of their company (the answer is for them)."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.service.querysets import request_q

        scope = _scope(user)
        if scope.is_portal:
            return self.filter(request__company_id=scope.company_id or 0)
        if not scope.roles:
            return self.none()
        q = request_q(user, "request")
        if q is None:
            return self
        if scope.department_ids:
            q |= Q(department_id__in=scope.department_ids)
        return self.filter(q)
