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
from django.db.models import Count, F
from django.test import RequestFactory
from django.utils import timezone

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.accounts.models import Department, User
from aftersales.core.history import history_for
from aftersales.core.models import HistoryEntry, Notification
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
from aftersales.demo.data import DEMO_PASSWORD, DEMO_SEED, PRODUCT_LINES
from aftersales.demo.plan import plan_demo
from aftersales.demo.requests import DAYS, STUCK_OWNER
from aftersales.service.choices import OPEN, WAITING, Channel, MessageKind, RequestType, Status
from aftersales.service.models import Category, Expert, Message, ServiceRequest
from aftersales.service.search import filter_text
from aftersales.sla.choices import ClockState
from aftersales.sla.models import Clock

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _counts() -> dict[str, int]:
    models = [
        Department,
        User,
        Company,
        Contact,
        Site,
        Project,
        Equipment,
        HistoryEntry,
        Category,
        ServiceRequest,
        Message,
    ]
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

    _check_categories()
    _check_service_requests()

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


def _check_categories() -> None:
    """One bilingual root per product line with four to six fault categories under it."""
    roots = Category.objects.filter(parent=None)
    assert roots.count() == len(PRODUCT_LINES)
    for root in roots.prefetch_related("children"):
        children = list(root.children.all())
        assert 4 <= len(children) <= 6
        assert root.product_line is not None
        assert all(c.product_line_id == root.product_line_id for c in children)
    assert not Category.objects.filter(name="").exists()
    assert not Category.objects.filter(name_en="").exists()


def _check_service_requests() -> None:
    """400 requests of the last 120 days in every state, played through the services."""
    now = timezone.now()
    requests = ServiceRequest.objects.all()
    assert requests.count() == 400
    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    assert set(requests.values_list("request_type", flat=True)) == set(RequestType.values)
    assert set(requests.values_list("channel", flat=True)) == set(Channel.values)
    by_type = Count("pk")
    types = dict(requests.values_list("request_type").annotate(by_type))
    assert max(types, key=lambda t: types[t]) == RequestType.FAULT
    channels = dict(requests.values_list("channel").annotate(by_type))
    assert max(channels, key=lambda c: channels[c]) == Channel.PHONE
    assert not requests.filter(received_at__gt=now).exists()
    assert not requests.filter(received_at__lt=now - dt.timedelta(days=DAYS + 1)).exists()
    assert requests.filter(received_at__lt=now - dt.timedelta(days=90)).exists()
    assert requests.exclude(category=None).count() >= 390
    # Portal requests come from the company's portal user, API ones from the integration.
    portal = requests.filter(channel=Channel.PORTAL).select_related("created_by__contact")
    assert all(r.created_by.contact.company_id == r.company_id for r in portal)

    # Lifecycle: many closed, some open, waiting, reopened, rejected, cancelled, merged.
    assert requests.filter(status=Status.CLOSED).count() >= 250
    assert 25 <= requests.filter(status__in=OPEN - WAITING).count() <= 40
    assert 10 <= requests.filter(status__in=WAITING).count() <= 20
    assert requests.filter(reopen_count__gt=0).exists()
    merged = requests.exclude(merged_into=None).select_related("merged_into")
    assert merged.count() >= 5
    for duplicate in merged:
        assert duplicate.status == Status.CANCELLED
        assert duplicate.merged_into.company_id == duplicate.company_id
        assert duplicate.merged_into.status != Status.CANCELLED
    cancelled = requests.filter(status=Status.CANCELLED, merged_into=None)
    assert 5 <= cancelled.count() <= 10
    ct_actions = set(
        HistoryEntry.objects.filter(content_type__model="servicerequest").values_list(
            "action", flat=True
        )
    )
    assert {"reject", "reopen", "reassign", "expert_invited", "merge", "cancel"} <= ct_actions
    assert Expert.objects.exists()
    assert Message.objects.filter(kind=MessageKind.NOTE).exists()
    customer_replies = Message.objects.filter(author__groups__name=Role.CUSTOMER)
    assert customer_replies.filter(kind=MessageKind.REPLY).exists()

    # Milestones in order, all in the past; history rows carry their real (past) times.
    for r in requests:
        milestones = [r.received_at, r.accepted_at, r.resolved_at, r.closed_at]
        present = [m for m in milestones if m is not None]
        assert present == sorted(present), r.number
        assert r.first_response_at is None or r.first_response_at >= r.received_at
        assert r.status in (Status.NEW, Status.CANCELLED) or r.owner_id is not None
    for field in ("accepted_at", "resolved_at", "closed_at", "first_response_at"):
        assert not requests.filter(**{f"{field}__gt": now}).exists()
    assert not requests.filter(accepted_at__lt=F("received_at")).exists()
    oldest = requests.order_by("received_at").first()
    assert oldest is not None
    rows = list(history_for(oldest))
    assert rows and all(row.created_at < now - dt.timedelta(days=60) for row in rows)
    assert not HistoryEntry.objects.filter(created_at__gt=now).exists()
    assert not Message.objects.filter(created_at__gt=now).exists()

    # Service levels: some promises breached; the sweep warned, breached and escalated.
    assert Clock.objects.exclude(breached_at=None).exists()
    assert Clock.objects.exclude(met_at=None).filter(breached_at=None).count() > 500
    assert requests.filter(status__in=OPEN, sla_state=ClockState.BREACHED).exists()
    assert Notification.objects.filter(kind__in=["sla_breached", "sla_breached_mine"]).exists()
    assert HistoryEntry.objects.filter(action="sla_warning").exists()
    # The README's examples: a breached request of chen.lei that li.ming was told about, and
    # a resolution waiting for each portal user's confirmation.
    stuck = requests.filter(
        owner__username=STUCK_OWNER, status__in=OPEN, sla_state=ClockState.BREACHED
    )
    assert stuck.exists()
    manager = User.objects.get(username="li.ming")
    assert Notification.objects.filter(user=manager, kind="sla_breached_team").exists()
    for user in User.objects.filter(groups__name=Role.CUSTOMER).select_related("contact"):
        assert requests.filter(company=user.contact.company, status=Status.RESOLVED).exists()

    # Search finds the leaks, in Chinese, as the list's search box does.
    leaks = filter_text(ServiceRequest.objects.all(), "漏水")
    assert leaks.count() >= 5
    assert all("漏水" in r.title + r.description for r in leaks)
