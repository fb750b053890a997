"""The demo data: ``load_demo`` builds a believable, complete world once; ``demo_logins``."""

from __future__ import annotations

import datetime as dt
import random
import time
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import RequestFactory

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.accounts.models import Department, User
from aftersales.core.models import HistoryEntry
from aftersales.customers.choices import (
    EquipmentStatus,
    HandoverParty,
    HandoverStatus,
    RegionClass,
    Tier,
)
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverConfirmation,
    Project,
    Site,
)
from aftersales.demo.data import DEMO_PASSWORD, DEMO_SEED
from aftersales.demo.plan import plan_demo

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _counts() -> dict[str, int]:
    models = [Department, User, Company, Contact, Site, Project, Equipment, HistoryEntry]
    return {m.__name__: m._default_manager.count() for m in models}


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_plan_is_the_same_for_the_same_seed_and_day() -> None:
    first = plan_demo(random.Random(DEMO_SEED), TODAY)
    second = plan_demo(random.Random(DEMO_SEED), TODAY)
    other = plan_demo(random.Random(DEMO_SEED + 1), TODAY)
    assert first == second
    assert first != other
    units = first.all_units()
    assert len(units) == 300
    assert len({u.serial for u in units}) == 300
    assert all(u.commissioned_on is None or u.commissioned_on >= u.delivered_on for u in units)
    assert all(u.delivered_on <= TODAY for u in units)


def test_demo_logins_prints_nothing_without_demo_users() -> None:
    assert _run("demo_logins") == ""


def test_load_demo_builds_the_whole_demo_once() -> None:
    started = time.monotonic()
    output = _run("load_demo")
    elapsed = time.monotonic() - started
    print(f"load_demo took {elapsed:.1f} s")
    assert "Loaded the demo" in output

    # The organisation: eight departments, each with a manager who belongs to it.
    departments = Department.objects.select_related("manager")
    assert departments.count() == 8
    assert set(departments.values_list("kind", flat=True)) == set(DepartmentKind.values)
    for department in departments:
        assert department.manager is not None
        assert department.manager.department_id == department.pk

    # Staff in every role, a single Django-admin account, portal users linked to contacts.
    staff = User.objects.staff()
    assert staff.count() >= 15
    staff_roles = set(staff.values_list("groups__name", flat=True))
    assert staff_roles == set(Role.values) - {Role.CUSTOMER}
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]
    assert not User.objects.filter(is_superuser=True).exists()
    portal_users = User.objects.filter(groups__name=Role.CUSTOMER)
    assert 3 <= portal_users.count() <= 4
    assert Contact.objects.filter(user__in=portal_users, is_primary=True).count() == (
        portal_users.count()
    )
    admin = User.objects.get(username="admin")
    assert check_password(DEMO_PASSWORD, admin.password)
    request = RequestFactory().post("/")
    assert authenticate(request, username="zhou.hai", password=DEMO_PASSWORD) is not None

    # Thirty customers over both tiers and all three region classes, each with a primary
    # contact and a site; a few served by the technical department.
    companies = Company.objects.all()
    assert companies.count() == 30
    assert set(companies.values_list("tier", flat=True)) == set(Tier.values)
    assert set(companies.values_list("region_class", flat=True)) == set(RegionClass.values)
    assert 6 <= companies.filter(tier=Tier.KEY).count() <= 10
    assert not companies.annotate(n=Count("sites")).filter(n=0).exists()
    assert Contact.objects.filter(is_primary=True).count() == 30
    technical = companies.filter(service_department__kind=DepartmentKind.TECHNICAL)
    assert 1 <= technical.count() < 30
    engineer = User.objects.get(username="xu.jing")
    assert Company.objects.visible_to(engineer).count() == technical.count()
    portal = User.objects.get(username="zhou.hai")
    assert Company.objects.visible_to(portal).count() == 1
    assert Equipment.objects.visible_to(portal).exclude(company=portal.contact.company).count() == 0

    # Equipment and handovers: completed projects' units are in service, open ones wait.
    assert Equipment.objects.count() == 300
    assert Equipment.objects.filter(project=None).exists()
    projects = Project.objects.all()
    assert 35 <= projects.count() <= 45
    completed = projects.filter(handover_status=HandoverStatus.COMPLETED)
    open_ = projects.filter(handover_status=HandoverStatus.OPEN)
    assert completed.exists() and open_.exists()
    assert not Equipment.objects.filter(
        project__handover_status=HandoverStatus.COMPLETED, status=EquipmentStatus.PENDING
    ).exists()
    assert not Equipment.objects.filter(
        project__handover_status=HandoverStatus.OPEN, status=EquipmentStatus.IN_SERVICE
    ).exists()
    for project in completed.prefetch_related("handover_items", "confirmations"):
        assert all(item.is_filled for item in project.handover_items.all())
        active = {c.party for c in project.confirmations.all() if c.withdrawn_at is None}
        assert active == set(HandoverParty.values)
    partial = open_.filter(confirmations__withdrawn_at=None).distinct()
    assert partial.exists()
    assert HandoverConfirmation.objects.exclude(withdrawn_at=None).exists()
    assert open_.filter(handover_items__content="", handover_items__not_applicable=False).exists()
    today = dt.date.today()
    in_service = list(Equipment.objects.filter(status=EquipmentStatus.IN_SERVICE))
    assert any(u.in_warranty(today) for u in in_service)
    assert any(u.in_warranty(today) is False for u in in_service)
    assert Equipment.objects.exclude(warranty_months=None).exists()
    # The history was written by the services, by the demo admin and the confirming parties.
    assert HistoryEntry.objects.filter(actor=admin, action="created").count() >= 300
    assert HistoryEntry.objects.filter(action="put_in_service").count() == (
        Equipment.objects.filter(project__handover_status=HandoverStatus.COMPLETED).count()
    )

    # A second load with --if-empty changes nothing; without it, it refuses.
    before = _counts()
    assert "not loaded" in _run("load_demo", "--if-empty")
    with pytest.raises(CommandError):
        _run("load_demo")
    assert _counts() == before

    # The logins table lists every demo account and the shared password.
    logins = _run("demo_logins")
    assert DEMO_PASSWORD in logins
    for username in ["admin", "wang.jianhua", "xu.jing", "zhou.hai", "aili.maimaiti"]:
        assert username in logins
