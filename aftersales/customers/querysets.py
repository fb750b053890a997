"""Visibility querysets: every list, detail, search and export starts from ``visible_to``."""

from __future__ import annotations

from typing import Any, Self

from django.db import models
from django.db.models import Q


def company_q(user: Any, path: str = "") -> Q | None:
    """The filter on the company at ``path`` that ``user`` may see; None means everything.

    Company-wide roles see every customer; department-scoped staff see customers served by
    their departments; a portal user sees only their own company; anyone else sees nothing.
    """
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    prefix = f"{path}__" if path else ""
    if scope.is_portal:
        if scope.company_id is None:
            return Q(pk__in=[])
        return Q(**{f"{prefix}pk" if not path else f"{path}_id": scope.company_id})
    if scope.sees_all_customers:
        return None
    if not scope.roles:
        return Q(pk__in=[])
    # The account manager follows their customers whatever department serves them.
    q = Q(**{f"{prefix}account_manager_id": scope.user_id})
    if scope.department_ids:
        q |= Q(**{f"{prefix}service_department_id__in": scope.department_ids})
    return q


class _CompanyScoped(models.QuerySet):
    company_path = "company"

    def visible_to(self, user: Any) -> Self:
        q = company_q(user, self.company_path)
        return self if q is None else self.filter(q)


class CompanyQuerySet(_CompanyScoped):
    """Customer companies."""

    company_path = ""


class ContactQuerySet(_CompanyScoped):
    """Contacts, through their company."""


class SiteQuerySet(_CompanyScoped):
    """Sites, through their company."""


def project_team_q(user: Any, path: str = "") -> Q:
    """Projects the user delivers: as project manager or in the project department."""
    from aftersales.accounts.roles import scope_of

    scope = scope_of(user)
    prefix = f"{path}__" if path else ""
    if scope.is_portal or not scope.roles:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}project_manager_id": scope.user_id})
    if scope.department_ids:
        q |= Q(**{f"{prefix}project_department_id__in": scope.department_ids})
    return q


class ProjectQuerySet(_CompanyScoped):
    """Projects, through their company, and to the team that delivers them."""

    def visible_to(self, user: Any) -> Self:
        q = company_q(user, self.company_path)
        return self if q is None else self.filter(q | project_team_q(user))


class HandoverItemQuerySet(_CompanyScoped):
    """Handover checklist items, visible with their project."""

    company_path = "project__company"

    def visible_to(self, user: Any) -> Self:
        q = company_q(user, self.company_path)
        return self if q is None else self.filter(q | project_team_q(user, "project"))


class EquipmentQuerySet(_CompanyScoped):
    """Equipment units, through their company."""


class CatalogueQuerySet(models.QuerySet):
    """The product catalogue is public to every signed-in user, portal users included."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of

        return self if scope_of(user).roles else self.none()
