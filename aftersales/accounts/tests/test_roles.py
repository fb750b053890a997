"""Roles are groups with the permissions of ROLE_PERMISSIONS; scope_of says what a user sees."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import (
    ALL,
    COMPANY_WIDE_ROLES,
    ROLE_PERMISSIONS,
    VIEW_ALL,
    Scope,
    role_permissions,
    scope_of,
    sync_roles,
)
from aftersales.customers import services
from aftersales.customers.models import Company, Contact, Equipment
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db


def _names(perms: Any) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms}


def _expected(role: str) -> set[str]:
    every = _names(Permission.objects.select_related("content_type"))
    wanted: set[str] = set()
    # With what the apps add in their own permissions.py (field, parts...).
    for entry in role_permissions().get(role, []):
        if entry == ALL:
            wanted |= every
        elif entry == VIEW_ALL:
            wanted |= {p for p in every if p.split(".")[1].startswith("view_")}
        else:
            wanted.add(entry)
    return wanted


def _fresh(user: User) -> User:
    """The user as the next request loads them: no cached scope or permissions."""
    return User.objects.get(pk=user.pk)


# --- Groups and their permissions -----------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_group_holds_exactly_the_permissions_of_the_role_table(role: Role) -> None:
    group = Group.objects.get(name=role.value)
    assert _names(group.permissions.select_related("content_type")) == _expected(role)


def test_the_role_table_names_only_permissions_that_exist() -> None:
    # sync_roles skips unknown names silently, so a typo would just leave a role short.
    every = _names(Permission.objects.select_related("content_type"))
    named = {e for perms in ROLE_PERMISSIONS.values() for e in perms if e not in {ALL, VIEW_ALL}}
    assert named - every == set()


def test_every_role_is_in_the_role_table() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_the_customer_role_may_not_change_customer_records_nor_read_the_staff_directory() -> None:
    perms = _expected(Role.CUSTOMER)
    customer_writes = {
        p for p in perms if p.startswith("customers.") and not p.startswith("customers.view_")
    }
    assert customer_writes == {"customers.confirm_handover_customer"}
    assert not {p for p in perms if p.startswith("accounts.")}


def test_sync_roles_puts_a_drifted_group_back_in_step() -> None:
    engineer = Group.objects.get(name=Role.ENGINEER)
    engineer.permissions.add(Permission.objects.get(codename="add_company"))
    engineer.permissions.remove(Permission.objects.get(codename="view_equipment"))
    sync_roles()
    assert _names(engineer.permissions.select_related("content_type")) == _expected(Role.ENGINEER)


# --- scope_of -------------------------------------------------------------------------------


def _scope(world: World, name: str) -> Scope:
    return scope_of(_fresh(getattr(world, name)))


@pytest.mark.parametrize(
    ("name", "role", "departments", "managed"),
    [
        ("admin", Role.ADMIN, set(), set()),
        ("executive", Role.EXECUTIVE, set(), set()),
        ("director", Role.SERVICE_DIRECTOR, {"service"}, set()),
        ("manager", Role.DEPARTMENT_MANAGER, {"service"}, {"service"}),
        ("agent", Role.AGENT, {"service"}, set()),
        ("engineer", Role.ENGINEER, {"service"}, set()),
        ("office", Role.OFFICE, set(), set()),
        ("qc", Role.QC, set(), set()),
        ("warehouse", Role.WAREHOUSE, set(), set()),
        ("outsider_manager", Role.DEPARTMENT_MANAGER, {"technical"}, {"technical"}),
        ("outsider_engineer", Role.ENGINEER, {"technical"}, set()),
    ],
)
def test_scope_of_a_member_of_staff(
    world: World, name: str, role: Role, departments: set[str], managed: set[str]
) -> None:
    user = getattr(world, name)
    ids = {"service": world.service.pk, "technical": world.technical.pk}
    assert _scope(world, name) == Scope(
        user_id=user.pk,
        roles=frozenset({role.value}),
        sees_all=role in COMPANY_WIDE_ROLES,
        department_ids=frozenset(ids[d] for d in departments),
        managed_department_ids=frozenset(ids[d] for d in managed),
        company_id=None,
    )
    assert not _scope(world, name).is_portal


@pytest.mark.parametrize(
    ("name", "company"), [("acme_portal", "acme"), ("globex_portal", "globex")]
)
def test_scope_of_a_portal_user_is_their_company(world: World, name: str, company: str) -> None:
    scope = _scope(world, name)
    assert scope.is_portal
    assert scope.roles == frozenset({Role.CUSTOMER})
    assert scope.company_id == getattr(world, company).pk
    assert not scope.sees_all
    assert not scope.department_ids


def test_scope_of_a_user_without_a_role_is_empty(world: World) -> None:
    scope = scope_of(f.UserFactory(username="nobody", department=world.service))
    assert scope.roles == frozenset()
    assert not scope.sees_all
    assert not Company.objects.visible_to(_fresh(User.objects.get(username="nobody"))).exists()


def test_a_superuser_counts_as_an_administrator(world: World) -> None:
    root = f.UserFactory(username="root", is_superuser=True)
    assert Role.ADMIN in scope_of(root).roles
    assert scope_of(root).sees_all
    assert Company.objects.visible_to(root).count() == 2


def test_the_scope_is_computed_once_per_user_object(
    world: World, django_assert_num_queries: Any
) -> None:
    user = _fresh(world.manager)
    scope_of(user)
    with django_assert_num_queries(0):
        assert scope_of(user).department_ids == {world.service.pk}


# --- Portal users ---------------------------------------------------------------------------


def test_a_portal_user_whose_contact_is_inactive_sees_nothing(world: World) -> None:
    world.acme_contact.is_active = False
    world.acme_contact.save()
    f.EquipmentFactory(company=world.acme, product_model=world.model)
    user = _fresh(world.acme_portal)
    assert scope_of(user).company_id is None
    for model in (Company, Contact, Equipment):
        assert not model.objects.visible_to(user).exists()
    client = APIClient()
    client.force_login(world.acme_portal)
    for endpoint in ("companies", "contacts", "equipment"):
        response = client.get(f"/api/v1/{endpoint}/")
        assert response.status_code == 200
        assert response.json()["count"] == 0, endpoint
    assert client.get(f"/api/v1/companies/{world.acme.pk}/").status_code == 404


def test_a_portal_user_without_a_contact_sees_nothing(world: World) -> None:
    stray = f.UserFactory(username="stray_portal", roles=[Role.CUSTOMER])
    assert scope_of(stray).is_portal
    assert scope_of(stray).company_id is None
    assert not Company.objects.visible_to(stray).exists()


@pytest.fixture
def portal_in_staff_groups(world: World) -> User:
    """acme's portal user, put by mistake in staff groups and in the service department."""
    user = world.acme_portal
    user.groups.add(*Group.objects.filter(name__in=[Role.AGENT, Role.DEPARTMENT_MANAGER]))
    user.department = world.service
    user.save()
    return _fresh(user)


def test_a_portal_user_in_a_staff_group_still_sees_only_their_company(
    world: World, portal_in_staff_groups: User
) -> None:
    user = portal_in_staff_groups
    scope = scope_of(user)
    assert scope.is_portal
    assert scope.roles == frozenset({Role.CUSTOMER})
    assert not scope.sees_all
    assert set(Company.objects.visible_to(user)) == {world.acme}
    assert set(User.objects.visible_to(user)) == {user}
    assert not Department.objects.visible_to(user).exists()


def test_a_portal_user_in_a_staff_group_holds_only_customer_permissions(
    world: World, portal_in_staff_groups: User
) -> None:
    user = portal_in_staff_groups
    assert user.get_all_permissions() == _expected(Role.CUSTOMER)
    assert not user.has_perm("customers.add_company")
    assert not user.has_perm("customers.import_data")
    with pytest.raises(services.PermissionDenied):
        services.create_company(actor=user, data={"name": "冒充员工有限公司"})


def test_a_portal_user_in_a_staff_group_cannot_write_as_staff_through_the_api(
    world: World, portal_in_staff_groups: User
) -> None:
    client = APIClient()
    client.force_login(portal_in_staff_groups)
    created = client.post("/api/v1/companies/", {"name": "冒充员工有限公司"}, format="json")
    assert created.status_code == 403
    changed = client.patch(
        f"/api/v1/companies/{world.acme.pk}/", {"version": 1, "tier": "key"}, format="json"
    )
    assert changed.status_code == 403
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get("/api/v1/departments/").status_code == 403
    assert not Company.objects.filter(name="冒充员工有限公司").exists()
    world.acme.refresh_from_db()
    assert world.acme.tier == "normal"


# --- The staff directory --------------------------------------------------------------------


def test_staff_see_every_user_and_department(world: World) -> None:
    client = APIClient()
    client.force_login(world.engineer)
    users = client.get("/api/v1/users/", {"page_size": 200}).json()
    assert users["count"] == User.objects.count()
    departments = client.get("/api/v1/departments/").json()
    assert {d["code"] for d in departments["results"]} == set(
        Department.objects.values_list("code", flat=True)
    )
    assert {"service", "technical", "production"} <= {d["code"] for d in departments["results"]}
    agent = next(u for u in users["results"] if u["username"] == "agent")
    assert agent["roles"] == [Role.AGENT]


def test_portal_users_do_not_see_the_staff_directory(world: World) -> None:
    assert set(User.objects.visible_to(world.globex_portal)) == {world.globex_portal}
    assert not Department.objects.visible_to(world.globex_portal).exists()
    client = APIClient()
    client.force_login(world.globex_portal)
    assert client.get("/api/v1/users/").status_code == 403
    assert client.get("/api/v1/departments/").status_code == 403
    assert client.get("/api/v1/me/").json()["username"] == "globex_portal"
