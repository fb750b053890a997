"""Who works the parts desk and who approves requisitions (one place for the pages and the
services)."""

from __future__ import annotations

from typing import Any

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.accounts.roles import scope_of

# Staff who raise requisitions and follow shipments and old parts for their requests.
AFTER_SALES = (
    Role.AGENT,
    Role.ENGINEER,
    Role.DEPARTMENT_MANAGER,
    Role.SERVICE_DIRECTOR,
    Role.ADMIN,
)
SUPPLY_KINDS = (DepartmentKind.PRODUCTION, DepartmentKind.PURCHASING)


def _kinds(user: Any) -> frozenset[str]:
    """Kinds of the departments the user belongs to or manages (cached on the user)."""
    cached = getattr(user, "_parts_department_kinds", None)
    if cached is not None:
        return cached
    from aftersales.accounts.models import Department

    scope = scope_of(user)
    kinds = (
        frozenset(
            Department.objects.filter(pk__in=scope.department_ids).values_list("kind", flat=True)
        )
        if scope.department_ids
        else frozenset()
    )
    user._parts_department_kinds = kinds
    return kinds


def is_staff(user: Any) -> bool:
    """Any signed-in employee with a role (the catalogue and stock are open to them)."""
    scope = scope_of(user)
    return bool(scope.roles) and not scope.is_portal


def sees_all_parts(user: Any) -> bool:
    """Company-wide roles, the warehouse, production and purchasing see every requisition,
    shipment and old part."""
    scope = scope_of(user)
    if scope.is_portal or not scope.roles:
        return False
    if scope.sees_all or Role.WAREHOUSE in scope.roles:
        return True
    return bool(_kinds(user) & set(SUPPLY_KINDS))


def is_production_manager(user: Any) -> bool:
    """Heads a production department (or is an administrator): approves requisitions."""
    scope = scope_of(user)
    if Role.ADMIN in scope.roles:
        return True
    if not scope.managed_department_ids:
        return False
    from aftersales.accounts.models import Department

    return Department.objects.filter(
        pk__in=scope.managed_department_ids, kind=DepartmentKind.PRODUCTION
    ).exists()


def is_warehouse(user: Any) -> bool:
    """Keeps a warehouse: receives, issues, adjusts, ships."""
    return scope_of(user).has_role(Role.WAREHOUSE, Role.ADMIN)


def is_after_sales(user: Any) -> bool:
    """May raise requisitions and record old parts."""
    return scope_of(user).has_role(*AFTER_SALES)
