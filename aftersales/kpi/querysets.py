"""Who sees which scorecards: pay is private (the whole company-wide staff does not see it)."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q

from aftersales.accounts.choices import Role

# Roles that see every department's scorecards and KPIs.
SEES_ALL_SCORES = (Role.ADMIN, Role.EXECUTIVE, Role.VP, Role.SERVICE_DIRECTOR)


def managed_department_ids(user: Any) -> frozenset[int] | None:
    """The departments whose scores ``user`` oversees; None means all, empty means none."""
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    if scope.is_portal or not scope.roles:
        return frozenset()
    if scope.has_role(*SEES_ALL_SCORES):
        return None
    if scope.has_role(Role.DEPARTMENT_MANAGER):
        return scope.managed_department_ids
    return frozenset()


def score_q(user: Any, department_path: str, engineer_path: str | None) -> Q | None:
    """Rows of scores ``user`` may see: their own, their managed departments', or all."""
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    if scope.is_portal or not scope.roles:
        return Q(pk__in=[])
    managed = managed_department_ids(user)
    if managed is None:
        return None
    q = Q(**{f"{department_path}__in": managed}) if managed else Q(pk__in=[])
    if engineer_path is not None:
        q |= Q(**{engineer_path: scope.user_id or 0})
    return q


class ScorePeriodQuerySet(models.QuerySet):
    """Scored months."""

    def visible_to(self, user: Any) -> Self:
        """Months of the departments the user oversees (an engineer sees their cards only)."""
        q = score_q(user, "department_id", None)
        return self if q is None else self.filter(q)


class ScorecardQuerySet(models.QuerySet):
    """Scorecards."""

    def visible_to(self, user: Any) -> Self:
        """Own cards; a department manager's department; directors and executives all."""
        q = score_q(user, "period__department_id", "engineer_id")
        return self if q is None else self.filter(q)


class ScoreLineQuerySet(models.QuerySet):
    """Lines of scorecards."""

    def visible_to(self, user: Any) -> Self:
        """The lines of the cards the user sees."""
        q = score_q(user, "card__period__department_id", "card__engineer_id")
        return self if q is None else self.filter(q)
