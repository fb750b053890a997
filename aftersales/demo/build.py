"""Builders that write the demo data, one per context, through the service functions.

``build_demo()`` runs them all in one transaction. Each builder takes what the earlier ones
returned, so a later module adds its demo data with a builder of its own that takes the
``DemoWorld``. Users, departments and role memberships are written directly (there are no
services for them); everything in the customers context goes through its services, with the
demo administrator as the actor, so that the history reads like real use.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department, User
from aftersales.customers import services
from aftersales.customers.choices import HandoverParty, Tier
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    ProductLine,
    ProductModel,
    Project,
    Site,
)
from aftersales.demo import data
from aftersales.demo.plan import (
    COMPLETED,
    DRAFTING_ORDER,
    ChecklistContext,
    DemoPlan,
    ProjectPlan,
    UnitPlan,
    checklist,
    plan_demo,
)
from aftersales.demo.requests import build_categories, build_service_requests
from aftersales.service.models import Category, ServiceRequest

# Later apps add their demo records after the requests exist: each module named here has
# ``build(world: DemoWorld, rng: random.Random) -> None``, called in this order.
DEMO_EXTENSIONS: list[str] = [
    "aftersales.field.demo_trips",
    "aftersales.field.demo_reports",
    "aftersales.field.demo_costs",
    "aftersales.parts.demo_stock",
    "aftersales.parts.demo_warranty",
    "aftersales.feedback.demo",
    "aftersales.kpi.demo",
]

DEMO_USERNAMES: tuple[str, ...] = (
    *(s.username for s in data.STAFF),
    *(p.username for p in data.PORTAL_USERS),
)


# --- Organisation ---------------------------------------------------------------------------


@dataclass
class Organisation:
    """The manufacturer: its departments and staff, by code and username."""

    admin: User
    departments: dict[str, Department]
    users: dict[str, User]

    def with_role(self, role: Role, department: str | None = None) -> list[User]:
        """Staff holding ``role`` (in ``department`` if given), in the order of the data."""
        return [
            self.users[s.username]
            for s in data.STAFF
            if role in s.roles and (department is None or s.department == department)
        ]

    def manager_of(self, department: str) -> User:
        """The head of a department."""
        manager = self.departments[department].manager
        assert manager is not None
        return manager


def _role_groups() -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    missing = set(Role.values) - set(groups)
    if missing:
        raise RuntimeError(f"Role groups are missing (run migrate first): {sorted(missing)}")
    return groups


def _staff_phone(index: int) -> str:
    return f"1390510{index:04d}"


def build_organisation(*, password_hash: str) -> Organisation:
    """Departments, staff in every role, and each department's manager."""
    departments = {
        spec.code: Department.objects.create(
            code=spec.code, name=spec.name, name_en=spec.name_en, kind=spec.kind
        )
        for spec in data.DEPARTMENTS
    }
    groups = _role_groups()
    users: dict[str, User] = {}
    for index, spec in enumerate(data.STAFF, start=1):
        user = User(
            username=spec.username,
            full_name=spec.full_name,
            email=f"{spec.username}@{data.STAFF_MAIL_DOMAIN}",
            department=departments[spec.department] if spec.department else None,
            employee_no=f"HT{index:04d}",
            phone=_staff_phone(index),
            title=spec.title,
            is_staff=Role.ADMIN in spec.roles,
            password=password_hash,
        )
        user.save()
        user.groups.add(*(groups[role] for role in spec.roles))
        users[spec.username] = user
        if spec.manages:
            departments[spec.manages].manager = user
    for department in departments.values():
        department.save(update_fields=["manager", "updated_at"])
    return Organisation(admin=users["admin"], departments=departments, users=users)


# --- Customers ------------------------------------------------------------------------------


@dataclass
class Customers:
    """The customer companies with their contacts (primary first), sites and portal users."""

    companies: dict[str, Company]
    contacts: dict[str, list[Contact]] = field(default_factory=dict)
    sites: dict[str, list[Site]] = field(default_factory=dict)
    portal_users: dict[str, User] = field(default_factory=dict)

    def primary_contact(self, company: str) -> Contact:
        """The company's primary contact."""
        return self.contacts[company][0]


_MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "159", "158", "186", "189", "177")
# Cities whose local numbers have eight digits; smaller places still have seven.
_EIGHT_DIGIT_AREAS = frozenset({"0510", "0511", "0512", "0513", "0519", "0371", "0532", "0551"})


def _mobile(rng: random.Random) -> str:
    return f"{rng.choice(_MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


def _landline(rng: random.Random, area_code: str) -> str:
    digits = 8 if len(area_code) == 3 or area_code in _EIGHT_DIGIT_AREAS else 7
    return f"{area_code}-{rng.randint(2, 8)}{rng.randint(0, 10 ** (digits - 1) - 1):0{digits - 1}d}"


def _portal_user(spec: data.PortalSpec, password_hash: str, group: Group) -> User:
    user = User(
        username=spec.username,
        full_name=spec.full_name,
        phone=spec.mobile,
        title=spec.title,
        password=password_hash,
    )
    user.save()
    user.groups.add(group)
    return user


def _contacts(
    *,
    actor: User,
    rng: random.Random,
    spec: data.CompanySpec,
    company: Company,
    portal: tuple[data.PortalSpec, User] | None,
) -> list[Contact]:
    """One to three contacts; the portal user, if any, is the primary one."""
    rows: list[dict[str, object]] = []
    if portal is not None:
        portal_spec, portal_user = portal
        rows.append(
            {
                "name": portal_spec.full_name,
                "title": portal_spec.title,
                "mobile": portal_spec.mobile,
                "email": f"{portal_spec.username}@{spec.domain}",
                "user": portal_user,
            }
        )
    others = rng.randint(1, 3) - len(rows)
    pairs = [(s, g) for s in data.SURNAMES for g in data.GIVEN_NAMES]
    titles = rng.sample(data.CONTACT_TITLES, 3)
    for (surname, given), title in zip(rng.sample(pairs, max(others, 0)), titles, strict=False):
        rows.append(
            {
                "name": surname[0] + given[0],
                "title": title,
                "mobile": _mobile(rng),
                "email": f"{surname[1]}{given[1]}@{spec.domain}",
            }
        )
    return [
        services.create_contact(
            actor=actor,
            company=company,
            data={**row, "phone": _landline(rng, spec.area_code), "is_primary": index == 0},
        )
        for index, row in enumerate(rows)
    ]


def build_customers(*, org: Organisation, rng: random.Random, password_hash: str) -> Customers:
    """Thirty customer companies with contacts, sites and four portal users."""
    actor = org.admin
    customer_group = _role_groups()[Role.CUSTOMER]
    portal_specs = {p.company: p for p in data.PORTAL_USERS}
    key_account_manager = org.manager_of("sales")
    result = Customers(companies={})
    for spec in data.COMPANIES:
        company = services.create_company(
            actor=actor,
            data={
                "name": spec.name,
                "name_en": spec.name_en,
                "tier": spec.tier,
                "region_class": spec.region,
                "industry": spec.industry,
                "province": spec.province,
                "city": spec.city,
                "address": spec.address,
                "phone": _landline(rng, spec.area_code),
                "service_department": org.departments[spec.served_by],
                "account_manager": key_account_manager if spec.tier == Tier.KEY else None,
            },
        )
        portal = None
        if spec.key in portal_specs:
            portal_user = _portal_user(portal_specs[spec.key], password_hash, customer_group)
            portal = (portal_specs[spec.key], portal_user)
            result.portal_users[spec.key] = portal_user
        contacts = _contacts(actor=actor, rng=rng, spec=spec, company=company, portal=portal)
        sites = [
            services.create_site(
                actor=actor,
                company=company,
                data={
                    "name": site.name,
                    "province": site.province or spec.province,
                    "city": site.city or spec.city,
                    "address": site.address,
                    "region_class": site.region_class,
                    "contact": rng.choice(contacts),
                },
            )
            for site in spec.sites
        ]
        result.companies[spec.key] = company
        result.contacts[spec.key] = contacts
        result.sites[spec.key] = sites
    return result


# --- Catalogue ------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """Product lines and models by code."""

    lines: dict[str, ProductLine]
    models: dict[str, ProductModel]


def build_catalogue(*, org: Organisation) -> Catalogue:
    """The manufacturer's product lines and models."""
    lines = {
        spec.code: services.create_product_line(
            actor=org.admin, data={"code": spec.code, "name": spec.name, "name_en": spec.name_en}
        )
        for spec in data.PRODUCT_LINES
    }
    models = {
        spec.code: services.create_product_model(
            actor=org.admin,
            data={
                "line": lines[spec.line],
                "code": spec.code,
                "name": spec.name,
                "name_en": spec.name_en,
                "warranty_months": spec.warranty_months,
                "is_active": True,
            },
        )
        for spec in data.PRODUCT_MODELS
    }
    return Catalogue(lines=lines, models=models)


# --- Projects, handover and equipment -------------------------------------------------------


@dataclass
class ProjectsAndEquipment:
    """The projects (oldest first) and every unit in the ledger."""

    projects: list[Project]
    equipment: list[Equipment]


def _register(
    *,
    actor: User,
    unit: UnitPlan,
    customers: Customers,
    catalogue: Catalogue,
    project: Project | None,
) -> Equipment:
    """Register one planned unit; pending while its project's handover is open."""
    return services.register_equipment(
        actor=actor,
        company=customers.companies[unit.company],
        data={
            "serial_number": unit.serial,
            "product_model": catalogue.models[unit.model],
            "site": customers.sites[unit.company][unit.site_index],
            "project": project,
            "delivered_on": unit.delivered_on,
            "commissioned_on": unit.commissioned_on,
            "warranty_months": unit.warranty_months,
            "contract_amount": unit.amount,
            "notes": unit.notes,
        },
    )


def _contact_line(contact: Contact) -> str:
    parts = [f"{contact.name}（{contact.title}）", f"手机 {contact.mobile}"]
    if contact.phone:
        parts.append(f"电话 {contact.phone}")
    if contact.email:
        parts.append(f"邮箱 {contact.email}")
    return "，".join(parts)


def _fill_checklist(
    *, plan: ProjectPlan, project: Project, org: Organisation, customers: Customers
) -> None:
    """The project manager fills in the first ``filled_sections`` sections of the checklist."""
    if plan.filled_sections == 0:
        return
    site = customers.sites[plan.company][plan.site_index]
    department = project.service_department
    service_contact = department.manager if department and department.manager else org.admin
    context = ChecklistContext(
        company_name=customers.companies[plan.company].name,
        site_name=site.name,
        site_address=site.address,
        pm_name=org.users[plan.pm].full_name,
        contacts=[_contact_line(c) for c in customers.contacts[plan.company]],
        service_contact=f"{service_contact.full_name}，手机 {service_contact.phone}",
    )
    texts = checklist(plan, context)
    wanted = set(DRAFTING_ORDER[: plan.filled_sections])
    pm = org.users[plan.pm]
    for item in project.handover_items.all():
        if item.section not in wanted:
            continue
        content, not_applicable = texts[item.section]
        services.update_handover_item(
            actor=pm,
            item=item,
            expected_version=item.version,
            content=content,
            not_applicable=not_applicable,
        )


@dataclass
class _Confirmers:
    """Who confirms each party of one project's handover."""

    org: Organisation
    customers: Customers
    rng: random.Random

    def confirm(self, plan: ProjectPlan, project: Project, party: HandoverParty) -> None:
        comment = self.rng.choice(data.CONFIRMATION_COMMENTS[party])
        signed_by: Contact | None = None
        if party == HandoverParty.CUSTOMER:
            portal = self.customers.portal_users.get(plan.company)
            if portal is not None and self.rng.random() < 0.8:
                actor = portal
            else:
                # The signed paper confirmation is recorded by the front desk.
                actor = self.rng.choice(self.org.with_role(Role.AGENT))
                signed_by = self.customers.primary_contact(plan.company)
        elif party == HandoverParty.PROJECT_TEAM:
            actor = self.org.users[plan.pm]
        else:
            department = project.service_department
            assert department is not None and department.manager is not None
            director = self.org.with_role(Role.SERVICE_DIRECTOR)[0]
            actor = self.rng.choice([director, department.manager])
        services.confirm_handover(
            actor=actor,
            project=project,
            party=party,
            comment=comment,
            signed_by_contact=signed_by,
        )


# Which parties confirm, in this order, for each planned handover state.
_CONFIRMED_PARTIES: dict[str, tuple[HandoverParty, ...]] = {
    COMPLETED: (HandoverParty.PROJECT_TEAM, HandoverParty.CUSTOMER, HandoverParty.AFTER_SALES),
    "awaiting_customer": (HandoverParty.PROJECT_TEAM, HandoverParty.AFTER_SALES),
    "awaiting_after_sales": (HandoverParty.PROJECT_TEAM, HandoverParty.CUSTOMER),
    "awaiting_project_team": (HandoverParty.CUSTOMER, HandoverParty.AFTER_SALES),
    "withdrawn": (HandoverParty.CUSTOMER,),
}


def _withdraw_and_revise(*, plan: ProjectPlan, project: Project, org: Organisation) -> None:
    """The customer's confirmation is withdrawn and the drawings section revised."""
    confirmation = project.confirmations.get(party=HandoverParty.CUSTOMER, withdrawn_at=None)
    services.withdraw_handover_confirmation(
        actor=confirmation.confirmed_by,
        project=project,
        party=HandoverParty.CUSTOMER,
        reason=data.WITHDRAW_REASON,
    )
    item = project.handover_items.get(section="drawings")
    services.update_handover_item(
        actor=org.users[plan.pm],
        item=item,
        expected_version=item.version,
        content=item.content.replace("B 版", "C 版（按现场管线走向修订）"),
        not_applicable=False,
    )


def build_projects_and_equipment(
    *,
    org: Organisation,
    customers: Customers,
    catalogue: Catalogue,
    plan: DemoPlan,
    rng: random.Random,
) -> ProjectsAndEquipment:
    """Projects with their units and handovers in various states, then the other units.

    Units are registered before their handover is confirmed, as in real life: they wait as
    pending until the third confirmation puts them in service.
    """
    actor = org.admin
    confirmers = _Confirmers(org=org, customers=customers, rng=rng)
    projects: list[Project] = []
    equipment: list[Equipment] = []
    for project_plan in plan.projects:
        company = customers.companies[project_plan.company]
        project = services.create_project(
            actor=actor,
            company=company,
            data={
                "name": project_plan.name,
                "site": customers.sites[project_plan.company][project_plan.site_index],
                "contract_number": project_plan.contract_number,
                "contract_amount": project_plan.amount,
                "accepted_on": project_plan.accepted_on,
                "project_manager": org.users[project_plan.pm],
                "project_department": company.service_department,
            },
        )
        for unit in project_plan.units:
            equipment.append(
                _register(
                    actor=actor,
                    unit=unit,
                    customers=customers,
                    catalogue=catalogue,
                    project=project,
                )
            )
        _fill_checklist(plan=project_plan, project=project, org=org, customers=customers)
        for party in _CONFIRMED_PARTIES.get(project_plan.state, ()):
            confirmers.confirm(project_plan, project, party)
        if project_plan.state == "withdrawn":
            _withdraw_and_revise(plan=project_plan, project=project, org=org)
        project.refresh_from_db()
        projects.append(project)
    for unit in plan.standalone:
        equipment.append(
            _register(
                actor=actor, unit=unit, customers=customers, catalogue=catalogue, project=None
            )
        )
    return ProjectsAndEquipment(projects=projects, equipment=equipment)


# --- Everything -----------------------------------------------------------------------------


@dataclass
class DemoWorld:
    """Everything the demo loaded, for later modules to build on."""

    seed: int
    today: dt.date
    organisation: Organisation
    customers: Customers
    catalogue: Catalogue
    projects: list[Project]
    equipment: list[Equipment]
    categories: dict[str, Category] = field(default_factory=dict)
    service_requests: list[ServiceRequest] = field(default_factory=list)


def build_demo(*, seed: int = data.DEMO_SEED, today: dt.date | None = None) -> DemoWorld:
    """Load the whole demo in one transaction; deterministic for a given seed and day (the
    service requests, which end at the real now, for a given seed and moment)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    # One hash for every account: the project's hasher (Argon2) takes ~0.3 s per call, and
    # the demo password is published anyway, so a per-user salt would protect nothing.
    password_hash = make_password(data.DEMO_PASSWORD)
    with transaction.atomic():
        org = build_organisation(password_hash=password_hash)
        customers = build_customers(org=org, rng=rng, password_hash=password_hash)
        catalogue = build_catalogue(org=org)
        plan = plan_demo(rng, today)
        built = build_projects_and_equipment(
            org=org, customers=customers, catalogue=catalogue, plan=plan, rng=rng
        )
        world = DemoWorld(
            seed=seed,
            today=today,
            organisation=org,
            customers=customers,
            catalogue=catalogue,
            projects=built.projects,
            equipment=built.equipment,
        )
        world.categories = build_categories(world)
        world.service_requests = build_service_requests(world, rng)
        for name in DEMO_EXTENSIONS:
            import_module(name).build(world, rng)
    return world
