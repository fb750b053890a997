"""What each role may do, and what a user may see (their scope).

Roles are Django groups named after ``Role`` values. ``ROLE_PERMISSIONS`` is the single table
of which model permissions each group holds; it is applied by a data migration and again after
every ``migrate`` so that permissions added by later apps reach their groups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftersales.accounts.choices import DepartmentKind, Role

ALL = "__all__"
VIEW_ALL = "__view_all__"

_CUSTOMER_VIEW = [
    "customers.view_company",
    "customers.view_contact",
    "customers.view_site",
    "customers.view_project",
    "customers.view_handoveritem",
    "customers.view_equipment",
    "customers.view_productline",
    "customers.view_productmodel",
]
_CUSTOMER_EDIT = [
    "customers.add_company",
    "customers.change_company",
    "customers.add_contact",
    "customers.change_contact",
    "customers.add_site",
    "customers.change_site",
]
_PROJECT_EDIT = [
    "customers.add_project",
    "customers.change_project",
    "customers.change_handoveritem",
    "customers.add_equipment",
    "customers.change_equipment",
]
_CATALOGUE_EDIT = [
    "customers.add_productline",
    "customers.change_productline",
    "customers.add_productmodel",
    "customers.change_productmodel",
]

_SERVICE_VIEW = [
    "service.view_servicerequest",
    "service.view_message",
    "service.view_category",
    "service.view_expert",
    "sla.view_clock",
    "sla.view_policy",
    "sla.view_calendaroverride",
    "sla.view_workinghours",
]
_SERVICE_WORK = [*_SERVICE_VIEW, "service.add_servicerequest", "service.change_servicerequest"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.ADMIN: [ALL],
    Role.EXECUTIVE: [VIEW_ALL],
    Role.VP: [VIEW_ALL],
    Role.SERVICE_DIRECTOR: [
        *_SERVICE_WORK,
        "service.add_category",
        "service.change_category",
        "sla.add_policy",
        "sla.change_policy",
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        *_PROJECT_EDIT,
        *_CATALOGUE_EDIT,
        "customers.confirm_handover_service",
        "customers.record_customer_confirmation",
        "customers.import_data",
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.DEPARTMENT_MANAGER: [
        *_SERVICE_WORK,
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        *_PROJECT_EDIT,
        "customers.confirm_handover_service",
        "customers.confirm_handover_project",
        "customers.record_customer_confirmation",
        "customers.import_data",
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.BUSINESS_MANAGER: [
        *_SERVICE_VIEW,
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        "customers.change_project",
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.AGENT: [
        *_SERVICE_WORK,
        *_CUSTOMER_VIEW,
        *_CUSTOMER_EDIT,
        "customers.record_customer_confirmation",
        "customers.import_data",
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.ENGINEER: [
        *_SERVICE_WORK,
        *_CUSTOMER_VIEW,
        "customers.change_equipment",
        "customers.change_handoveritem",
        "customers.confirm_handover_project",
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.OFFICE: [
        *_SERVICE_VIEW,
        *_CUSTOMER_VIEW,
        "accounts.view_department",
        "accounts.view_user",
    ],
    Role.QC: [*_SERVICE_VIEW, *_CUSTOMER_VIEW, "accounts.view_department", "accounts.view_user"],
    Role.WAREHOUSE: [
        "customers.view_equipment",
        "customers.view_productline",
        "customers.view_productmodel",
        "customers.view_company",
        "customers.view_site",
        "accounts.view_department",
    ],
    Role.CUSTOMER: [
        "service.view_servicerequest",
        "service.view_message",
        "service.view_category",
        "sla.view_clock",
        "customers.view_company",
        "customers.view_contact",
        "customers.view_site",
        "customers.view_project",
        "customers.view_handoveritem",
        "customers.view_equipment",
        "customers.view_productline",
        "customers.view_productmodel",
        "customers.confirm_handover_customer",
    ],
}

# Roles whose holders see every customer and request: the front desk takes calls from
# anyone, and the office, QC and management work across departments.
COMPANY_WIDE_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.EXECUTIVE,
        Role.VP,
        Role.SERVICE_DIRECTOR,
        Role.BUSINESS_MANAGER,
        Role.AGENT,
        Role.OFFICE,
        Role.QC,
    }
)


@dataclass(frozen=True)
class Scope:
    """What rows a user may see, computed once per request from roles and departments."""

    user_id: int | None
    roles: frozenset[str]
    sees_all: bool
    department_ids: frozenset[int]
    managed_department_ids: frozenset[int]
    company_id: int | None

    @property
    def sees_all_customers(self) -> bool:
        """The customer ledger is also open to the warehouse, which ships to every site."""
        return self.sees_all or Role.WAREHOUSE in self.roles

    @property
    def is_portal(self) -> bool:
        """A customer's contact using the portal."""
        return Role.CUSTOMER in self.roles

    def has_role(self, *roles: str) -> bool:
        """True if the user holds any of ``roles``."""
        return bool(self.roles.intersection(roles))


_EMPTY = Scope(None, frozenset(), False, frozenset(), frozenset(), None)


def scope_of(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _EMPTY
    cached = getattr(user, "_aftersales_scope", None)
    if cached is not None:
        return cached
    known = getattr(user, "_aftersales_role_names", None)  # loaded with the permissions
    roles = known if known is not None else frozenset(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles = roles | {Role.ADMIN}
    company_id = None
    if Role.CUSTOMER in roles:
        from aftersales.customers.models import Contact

        company_id = (
            Contact.objects.filter(user_id=user.pk, is_active=True)
            .values_list("company_id", flat=True)
            .first()
        )
        # A portal user is never staff, whatever else they were given by mistake.
        roles = frozenset({Role.CUSTOMER})
    managed = frozenset(user.managed_departments.values_list("id", flat=True))
    departments = managed | ({user.department_id} if user.department_id else frozenset())
    scope = Scope(
        user_id=user.pk,
        roles=roles,
        sees_all=bool(roles & COMPANY_WIDE_ROLES),
        department_ids=frozenset(departments),
        managed_department_ids=managed,
        company_id=company_id,
    )
    user._aftersales_scope = scope
    return scope


def has_role(user: Any, *roles: str) -> bool:
    """True if ``user`` holds any of ``roles``."""
    return scope_of(user).has_role(*roles)


def manages_kind(user: Any, kind: DepartmentKind) -> bool:
    """True if the user manages a department of ``kind``."""
    from aftersales.accounts.models import Department

    return Department.objects.filter(manager_id=user.pk, kind=kind).exists()


def role_permissions() -> dict[str, list[str]]:
    """``ROLE_PERMISSIONS`` plus what each app adds in its own ``permissions.py``.

    Later apps (field, parts, feedback, kpi) keep the permissions of their models beside
    them, in a module-level ``ROLE_PERMISSIONS`` of the same shape.
    """
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps as global_apps

    merged = {role: list(perms) for role, perms in ROLE_PERMISSIONS.items()}
    for config in global_apps.get_app_configs():
        name = f"{config.name}.permissions"
        if not config.name.startswith("aftersales.") or find_spec(name) is None:
            continue
        for role, perms in import_module(name).ROLE_PERMISSIONS.items():
            merged.setdefault(role, []).extend(perms)
    return merged


def sync_roles(apps: Any = None) -> None:
    """Create the role groups and set their permissions from ``role_permissions()``."""
    from django.apps import apps as global_apps

    registry = apps or global_apps
    group_model = registry.get_model("auth", "Group")
    permission_model = registry.get_model("auth", "Permission")
    all_perms = list(permission_model.objects.select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_perms}
    table = role_permissions()
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        wanted: list[Any] = []
        for entry in table.get(role, []):
            if entry == ALL:
                wanted.extend(all_perms)
            elif entry == VIEW_ALL:
                wanted.extend(p for p in all_perms if p.codename.startswith("view_"))
            elif entry in by_name:
                wanted.append(by_name[entry])
        group.permissions.set(wanted)


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate hook: keep groups in step once every app's permissions exist."""
    from django.apps import apps

    # post_migrate fires once per app that has models; permissions of every app exist only
    # at the last of those (an app of pages only, like the portal, sends no signal).
    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender.label == with_models[-1].label:
        sync_roles()
