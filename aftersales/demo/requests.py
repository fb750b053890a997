"""Demo service requests: 400 calls, visits, letters, e-mails, portal and API tickets.

The planner decides every request first with the seeded generator: when it came in (over the
last 120 days), whose unit, which channel, type and priority, its text, and how it ends (its
fate). Each request then lives its story through the service functions, event by event. The
events of all requests run in the order they happened, each inside ``clock.at(moment)``, so
numbers are allocated in order of arrival, a duplicate is merged while its survivor is still
being worked on, and history, messages, notifications and SLA clocks carry their real times.
Finally the SLA sweep runs once at the real now, as it would have a minute after loading.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.core import clock
from aftersales.customers.choices import EquipmentStatus
from aftersales.customers.models import Equipment
from aftersales.demo import request_data as rd
from aftersales.demo.stories import (
    ACCEPTED,
    CLOSED,
    CONFIRMED,
    DISPATCHED,
    DUPLICATE,
    IN_PROGRESS,
    INVALID,
    MERGED,
    MINUTE,
    NEW,
    ON_SITE,
    ONSITE_TYPES,
    REOPEN_CLOSED,
    REOPEN_OPEN,
    RESOLVED,
    REWORK_CLOSED,
    REWORK_RESOLVED,
    STUCK,
    VISIT_FATES,
    WAIT_CUSTOMER,
    WAIT_PARTS,
    WAIT_SUPPLIER,
    WAITING_FATES,
    Cast,
    RequestPlan,
    Story,
    Timeline,
    arrival_promise,
)
from aftersales.service.choices import Channel, Priority, RequestType
from aftersales.service.models import Category, ServiceRequest
from aftersales.sla import services as sla
from aftersales.sla.sweep import sweep

if TYPE_CHECKING:
    from aftersales.demo.build import DemoWorld

DAYS = 120

# Planned fates of the 394 originals (closed: the rest); the 6 duplicates are merged.
FATES: dict[str, int] = {
    NEW: 5,
    ACCEPTED: 5,
    IN_PROGRESS: 8,
    STUCK: 1,
    DISPATCHED: 5,
    ON_SITE: 5,
    REOPEN_OPEN: 1,
    WAIT_CUSTOMER: 5,
    WAIT_PARTS: 6,
    WAIT_SUPPLIER: 4,
    RESOLVED: 11,
    REWORK_RESOLVED: 1,
    CONFIRMED: 8,
    REWORK_CLOSED: 3,
    REOPEN_CLOSED: 3,
    INVALID: 5,
    DUPLICATE: 3,
}
MERGES = 6
TOTAL = 400
# How long ago (days) requests of each fate came in: recent ones are more likely open.
AGES: dict[str, tuple[float, float]] = {
    NEW: (0.01, 1.2),
    ACCEPTED: (0.05, 2),
    IN_PROGRESS: (0.2, 12),
    STUCK: (15, 20),
    DISPATCHED: (0.05, 1.5),
    ON_SITE: (0.1, 3),
    REOPEN_OPEN: (20, 40),
    WAIT_CUSTOMER: (1, 20),
    WAIT_PARTS: (2, 25),
    WAIT_SUPPLIER: (3, 25),
    RESOLVED: (0.5, 8),
    REWORK_RESOLVED: (8, 20),
    CONFIRMED: (1.5, 14),
    REWORK_CLOSED: (15, 100),
    REOPEN_CLOSED: (30, 110),
    INVALID: (0.5, 118),
    DUPLICATE: (0.5, 118),
    CLOSED: (3, DAYS),
}
# Fates that only fit some types: visits need an on-site type, parts and suppliers a unit
# that broke or needs service, and a cancelled call was about a fault.
_REPAIRS = (RequestType.FAULT, RequestType.WARRANTY, RequestType.MAINTENANCE)
FATE_TYPES: dict[str, tuple[str, ...]] = {
    DISPATCHED: tuple(ONSITE_TYPES),
    ON_SITE: tuple(ONSITE_TYPES),
    WAIT_PARTS: _REPAIRS,
    WAIT_SUPPLIER: _REPAIRS,
    INVALID: (RequestType.FAULT,),
    STUCK: (RequestType.FAULT,),
    DUPLICATE: (RequestType.FAULT,),
}
# The README names them: the field engineer owns the stuck request of a customer of his
# department, and each portal user has a resolution waiting for their confirmation.
STUCK_OWNER = "chen.lei"
# Originals by type (fault the most common); duplicates are faults too.
TYPES: dict[str, int] = {
    RequestType.FAULT: 214,
    RequestType.MAINTENANCE: 48,
    RequestType.CONSULTATION: 40,
    RequestType.WARRANTY: 28,
    RequestType.COMPLAINT: 24,
    RequestType.INSTALLATION: 16,
    RequestType.TRAINING: 12,
    RequestType.SUGGESTION: 12,
}
# Channel weights per type: phone, visit, letter, email, api (portal is decided first).
_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.LETTER, Channel.EMAIL, Channel.API)
CHANNEL_WEIGHTS: dict[str, tuple[int, ...]] = {
    RequestType.FAULT: (55, 3, 1, 10, 16),
    RequestType.CONSULTATION: (60, 10, 0, 20, 0),
    RequestType.COMPLAINT: (45, 15, 20, 20, 0),
    RequestType.INSTALLATION: (40, 0, 25, 35, 0),
    RequestType.TRAINING: (35, 0, 20, 45, 0),
    RequestType.MAINTENANCE: (50, 0, 5, 30, 0),
    RequestType.WARRANTY: (35, 0, 30, 35, 0),
    RequestType.SUGGESTION: (25, 15, 25, 35, 0),
}
PORTAL_SHARE = 0.55  # of the requests of companies that have a portal user
_PRIORITIES = (Priority.P1, Priority.P2, Priority.P3, Priority.P4)
PRIORITY_WEIGHTS: dict[str, tuple[int, ...]] = {
    RequestType.FAULT: (6, 24, 55, 15),
    RequestType.CONSULTATION: (0, 8, 62, 30),
    RequestType.COMPLAINT: (0, 45, 55, 0),
    RequestType.INSTALLATION: (0, 30, 60, 10),
    RequestType.TRAINING: (0, 0, 55, 45),
    RequestType.MAINTENANCE: (0, 10, 60, 30),
    RequestType.WARRANTY: (0, 30, 60, 10),
    RequestType.SUGGESTION: (0, 0, 20, 80),
}
VISIT_CHANCE = {Priority.P1: 0.9, Priority.P2: 0.6, Priority.P3: 0.35, Priority.P4: 0.2}
_CAPACITY = re.compile(r"\s*[\d.]+\s*(m³/h|m³/min|kW)$")


# --- Categories -------------------------------------------------------------------------------


def build_categories(world: DemoWorld) -> dict[str, Category]:
    """One root per product line with its fault categories, by code (``water-leak``…)."""
    categories: dict[str, Category] = {}
    for code, line in world.catalogue.lines.items():
        root = Category.objects.create(
            code=code, name=line.name, name_en=line.name_en, product_line=line
        )
        categories[code] = root
        for spec in rd.CATEGORIES[code]:
            child = Category.objects.create(
                parent=root,
                code=f"{code}-{spec.key}",
                name=spec.name,
                name_en=spec.name_en,
                product_line=line,
            )
            categories[child.code] = child
    return categories


# --- Planning ---------------------------------------------------------------------------------


def _short(product: str) -> str:
    return _CAPACITY.sub("", product)


def _cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "合同约定日期"


def _measures(rng: random.Random) -> dict[str, str]:
    values = {}
    for name, (low, high, places) in rd.MEASURES.items():
        value = rng.uniform(low, high)
        values[name] = f"{value:.{places}f}" if places > 0 else str(int(round(value, places)))
    return values


def _weighted(rng: random.Random, options: tuple[str, ...], weights: tuple[int, ...]) -> str:
    return rng.choices(options, weights=weights)[0]


class Planner:
    """Decides the 400 requests; needs the database only to read the equipment."""

    def __init__(self, world: DemoWorld, rng: random.Random, horizon: dt.datetime) -> None:
        self.world, self.rng, self.horizon = world, rng, horizon
        self.cast = Cast.of(world)
        self.cal = sla.load_calendar()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.units = list(
            Equipment.objects.select_related(
                "product_model__line", "site", "company__service_department"
            ).order_by("pk")
        )
        self.keys = {c.pk: key for key, c in world.customers.companies.items()}

    def plan(self) -> list[RequestPlan]:
        rng = self.rng
        fates = [f for f, n in FATES.items() for _ in range(n)]
        fates += [CLOSED] * (TOTAL - MERGES - len(fates))
        types = [t for t, n in TYPES.items() for _ in range(n)]
        rng.shuffle(fates)
        rng.shuffle(types)
        # Give the fates that fit only some types a fault of a fate that fits any.
        for i, fate in enumerate(fates):
            allowed = FATE_TYPES.get(fate)
            if allowed is not None and types[i] not in allowed:
                j = next(
                    j
                    for j in range(len(types))
                    if types[j] == RequestType.FAULT and fates[j] not in FATE_TYPES
                )
                types[i], types[j] = types[j], types[i]
        service = self.world.organisation.departments["service"]
        served = {
            key
            for key, company in self.world.customers.companies.items()
            if company.service_department_id == service.pk
        }
        resolved = [i for i, fate in enumerate(fates) if fate == RESOLVED]
        # More resolved requests than portal companies: the first few go to them.
        portal = zip(resolved, self.cast.portal, strict=False)
        companies: dict[int, set[str]] = {i: {key} for i, key in portal}
        companies[fates.index(STUCK)] = served
        plans = [
            self._original(fate, rtype, companies.get(i))
            for i, (fate, rtype) in enumerate(zip(fates, types, strict=True))
        ]
        plans += self._duplicates(plans)
        plans.sort(key=lambda p: p.received)
        return plans

    # Time --------------------------------------------------------------------------------------

    def _local(self, day: dt.date, minutes: float) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), self.tz) + dt.timedelta(minutes=minutes)

    def _received(self, age: float, channel: str, priority: str) -> dt.datetime:
        """A moment ``age`` days ago, in office hours for calls, visits, letters and e-mail."""
        rng = self.rng
        day = (self.horizon - dt.timedelta(days=age)).astimezone(self.tz).date()
        anytime = channel in (Channel.PORTAL, Channel.API) or priority == Priority.P1
        minutes = rng.uniform(0, 24 * 60) if anytime else rng.uniform(8.5 * 60, 17.5 * 60)
        for _ in range(15):
            if anytime or self.cal.day(day).working:
                moment = self._local(day, minutes)
                if moment <= self.horizon - 5 * MINUTE:
                    return moment
            day -= dt.timedelta(days=1)
        return self.horizon - dt.timedelta(minutes=rng.uniform(5, 90))

    # Subject -----------------------------------------------------------------------------------

    def _unit(self, rtype: str, day: dt.date, visit: bool, companies: set[str] | None) -> Equipment:
        margin = day - dt.timedelta(days=3)
        units = self.units
        if companies:
            units = [u for u in units if self.keys[u.company_id] in companies] or units

        def working(u: Equipment) -> bool:
            start = u.warranty_start
            return u.status == EquipmentStatus.IN_SERVICE and start is not None and start <= margin

        if rtype == RequestType.INSTALLATION:
            fresh = [
                u
                for u in units
                if u.delivered_on
                and u.delivered_on <= margin
                and (u.commissioned_on is None or u.commissioned_on >= day - dt.timedelta(days=20))
            ]
            return self.rng.choice(fresh or [u for u in units if working(u)])
        pool = [u for u in units if working(u)]
        if rtype == RequestType.WARRANTY:
            pool = [u for u in pool if u.in_warranty(day)] or pool
        if visit or rtype in (RequestType.FAULT, RequestType.WARRANTY):
            pool = [u for u in pool if self._symptoms(u, visit)]
        return self.rng.choice(pool)

    def _symptoms(self, unit: Equipment, visit: bool, alarm: bool = False) -> list[rd.Symptom]:
        code = unit.product_model.code
        return [
            s
            for s in rd.SYMPTOMS[unit.product_model.line.code]
            if (not s.models or code in s.models)
            and (s.onsite or not visit)
            and (s.alarm or not alarm)
        ]

    def _topics(self, rtype: str, unit: Equipment, day: dt.date, visit: bool) -> list[rd.Topic]:
        line = unit.product_model.line.code
        topics = [
            t
            for t in rd.TOPICS[rtype]
            if (not t.lines or line in t.lines)
            and (not t.models or unit.product_model.code in t.models)
            and (t.onsite or not visit)
        ]
        if rtype == RequestType.INSTALLATION:
            new = unit.commissioned_on is None or unit.commissioned_on >= day - dt.timedelta(
                days=20
            )
            topics = topics[:1] if new else topics[1:]
        return topics

    def _channel(self, rtype: str, key: str) -> str:
        if key in self.cast.portal and self.rng.random() < PORTAL_SHARE:
            return Channel.PORTAL
        return _weighted(self.rng, _CHANNELS, CHANNEL_WEIGHTS[rtype])

    # One request -------------------------------------------------------------------------------

    def _original(self, fate: str, rtype: str, companies: set[str] | None) -> RequestPlan:
        rng = self.rng
        age = rng.uniform(*AGES[fate])
        day = (self.horizon - dt.timedelta(days=age)).astimezone(self.tz).date()
        must_visit = fate in VISIT_FATES
        unit = self._unit(rtype, day, must_visit, companies)
        key = self.keys[unit.company_id]
        priority = _weighted(rng, _PRIORITIES, PRIORITY_WEIGHTS[rtype])
        if fate == STUCK:
            priority = Priority.P2
        channel = self._channel(rtype, key)
        faulty = rtype in (RequestType.FAULT, RequestType.WARRANTY)
        if channel == Channel.API and not (faulty and self._symptoms(unit, must_visit, True)):
            channel = Channel.PHONE
        received = self._received(age, channel, priority)
        short = _short(unit.product_model.name)
        fields = {
            **_measures(rng),
            "product": short,
            "unit": f"{short}（{unit.product_model.code}，序列号 {unit.serial_number}）",
            "model": unit.product_model.code,
            "serial": unit.serial_number,
            "site": unit.site.name if unit.site else unit.company.name,
            "time": f"{received.astimezone(self.tz):%Y-%m-%d %H:%M}",
            "part": rd.TOPIC_PARTS[unit.product_model.line.code],
        }
        line = unit.product_model.line.code
        categories = self.world.categories
        if faulty:
            symptom = rng.choice(self._symptoms(unit, must_visit, channel == Channel.API))
            fields["part"] = rng.choice(symptom.parts)
            title, body = self._fault_text(symptom, channel, priority, fields)
            fixes = [f.format_map(fields) for f in rng.sample(symptom.fixes, len(symptom.fixes))]
            category = categories[f"{line}-{symptom.category}"]
            onsite = symptom.onsite
            visit = onsite and rng.random() < VISIT_CHANCE[Priority(priority)]
            if rtype == RequestType.WARRANTY:
                title = rd.WARRANTY_TITLE.format(symptom=title)
                body += rd.WARRANTY_CLAIM.format(
                    start=_cn_date(unit.warranty_start), end=_cn_date(unit.warranty_end)
                )
                fixes = [f"{f}{rd.WARRANTY_FIX}" for f in fixes]
                visit = visit and rng.random() < 0.7
        else:
            topic = rng.choice(self._topics(rtype, unit, day, must_visit))
            title = topic.title.format_map(fields)
            body = topic.description.format_map(fields)
            fixes = list(topic.resolutions)
            category = categories[line]
            if rtype == RequestType.MAINTENANCE and topic.lines:  # consumables of one line
                category = categories.get(f"{line}-consumables", category)
            onsite = topic.onsite
            visit = onsite and (rtype != RequestType.TRAINING or rng.random() < 0.8)
            if rtype == RequestType.COMPLAINT:
                visit = rng.random() < 0.25
        plan = RequestPlan(
            fate=fate,
            request_type=rtype,
            received=received,
            unit=unit,
            company_key=key,
            channel=channel,
            priority=priority,
            title=title[:200],
            body=body,
            fixes=fixes,
            part=fields["part"],
            owner=self._owner(rtype, unit, fate),
            registrar=self._registrar(channel, key),
            seed=rng.getrandbits(32),
            category=category,
            visit=visit or must_visit,
        )
        # Key accounts and emergencies are promised a visit: engineers go unless a remote
        # fix is quicker.
        if onsite and not plan.visit and arrival_promise(plan) and rng.random() < 0.65:
            plan.visit = True
        self._people(plan)
        return plan

    def _fault_text(
        self, symptom: rd.Symptom, channel: str, priority: str, fields: dict[str, str]
    ) -> tuple[str, str]:
        rng = self.rng
        short = fields["product"]
        prefix = f"{rng.randint(1, 4)}#" if rng.random() < 0.25 else ""
        title = f"{prefix}{short}{symptom.title.format_map(fields)}"
        detail = rng.choice(symptom.details).format_map(fields)
        running = not any(word in title + detail for word in rd.STOPPED)
        if channel == Channel.API:
            alarm = symptom.alarm.format_map(fields)
            body = rd.API_DESCRIPTION.format_map({**fields, "alarm": alarm, "detail": detail})
            return rd.API_TITLE.format(alarm=f"{short}{alarm}"), body
        body = (
            f"{rng.choice(rd.CIRCUMSTANCES)}，{fields['site']}的{fields['unit']}{detail}。"
            f"{rng.choice(rd.ACTIONS_TAKEN + (rd.ACTIONS_RUNNING if running else ()))}"
            f"{rng.choice(rd.IMPACTS[priority])}"
        )
        return title, body

    def _owner(self, rtype: str, unit: Equipment, fate: str) -> User:
        rng, cast = self.rng, self.cast
        if fate == STUCK:
            return self.world.organisation.users[STUCK_OWNER]
        department = unit.company.service_department
        code = department.code if department else "service"
        engineers = cast.engineers.get(code) or cast.engineers["service"]
        if rtype in (RequestType.CONSULTATION, RequestType.SUGGESTION) and rng.random() < 0.8:
            return rng.choice(cast.agents)
        if rtype == RequestType.COMPLAINT and rng.random() < 0.6:
            return rng.choice(cast.agents)
        if code == "service":
            # The field engineer travels; the others mostly serve the local customers.
            far = unit.company.region_class != "local"
            weights = (2, 5, 3) if far else (45, 20, 35)
            return rng.choices(engineers, weights=weights[: len(engineers)])[0]
        return rng.choice(engineers)

    def _registrar(self, channel: str, key: str) -> User:
        if channel == Channel.PORTAL:
            return self.cast.portal[key]
        if channel == Channel.API:
            return self.cast.admin  # the monitoring platform signs in with the admin's token
        return self.rng.choice(self.cast.agents)

    def _people(self, plan: RequestPlan) -> None:
        """Contact and site, acceptance, experts, reassignment, waits and confirmation."""
        rng, cast = self.rng, self.cast
        contacts = self.world.customers.contacts[plan.company_key]
        site = plan.unit.site
        preferred = site.contact if site and site.contact else contacts[0]
        plan.site = site
        plan.contact = preferred if rng.random() < 0.7 else rng.choice(contacts)
        plan.with_unit = plan.request_type != RequestType.SUGGESTION or rng.random() < 0.5
        office = plan.channel in (Channel.PHONE, Channel.VISIT)
        plan.accept_at_once = (
            plan.fate != NEW
            and plan.channel not in (Channel.PORTAL, Channel.API)
            and rng.random() < (0.75 if office else 0.4)
        )
        owner_dept = plan.owner.department.code if plan.owner.department else "service"
        if plan.owner in cast.agents or plan.fate == STUCK:
            plan.reassign_to = None
        elif rng.random() < 0.1:
            if owner_dept == "service" and rng.random() < 0.35:
                pool = cast.engineers["technical"]
            else:
                pool = [u for u in cast.engineers[owner_dept] if u.pk != plan.owner.pk]
            plan.reassign_to = rng.choice(pool)
        if rng.random() < 0.1 and plan.request_type not in (RequestType.SUGGESTION,):
            other = "technical" if owner_dept == "service" else "service"
            experts = [*cast.engineers[other], cast.managers["technical"]]
            candidates = [
                u
                for u in experts
                if u.pk not in (plan.owner.pk, getattr(plan.reassign_to, "pk", 0))
            ]
            plan.expert = rng.choice(candidates)
        if plan.fate in (CLOSED, CONFIRMED, RESOLVED) and rng.random() < 0.15:
            if plan.request_type not in _REPAIRS:
                plan.waits = WAIT_CUSTOMER
            else:
                plan.waits = rng.choice(WAITING_FATES if plan.visit else WAITING_FATES[:2])
        plan.confirm = rng.random() < 0.7

    def _duplicates(self, plans: list[RequestPlan]) -> list[RequestPlan]:
        """A customer reports the same fault again by another channel; it gets merged."""
        rng = self.rng
        latest = self.horizon - dt.timedelta(hours=6)
        candidates = [
            p
            for p in plans
            if p.request_type == RequestType.FAULT
            and p.fate in (CLOSED, RESOLVED, CONFIRMED, IN_PROGRESS, WAIT_PARTS)
            and p.received < latest
            and p.channel != Channel.API
        ]
        rng.shuffle(candidates)
        chosen: list[RequestPlan] = []
        for plan in candidates:
            if plan.company_key not in {c.company_key for c in chosen}:
                chosen.append(plan)
            if len(chosen) == MERGES:
                break
        duplicates = []
        for survivor in chosen:
            key = survivor.company_key
            channel = (
                Channel.PORTAL
                if key in self.cast.portal and survivor.channel != Channel.PORTAL
                else (Channel.EMAIL if survivor.channel == Channel.PHONE else Channel.PHONE)
            )
            received = survivor.received + dt.timedelta(minutes=rng.uniform(20, 240))
            duplicate = RequestPlan(
                fate=MERGED,
                request_type=survivor.request_type,
                received=min(received, self.horizon - dt.timedelta(hours=1)),
                unit=survivor.unit,
                company_key=key,
                channel=channel,
                priority=survivor.priority,
                title=f"{rng.choice(rd.DUPLICATE_TITLE_PREFIXES)}{survivor.title}"[:200],
                body=survivor.body,
                fixes=[],
                part=survivor.part,
                owner=survivor.owner,
                registrar=self._registrar(channel, key),
                seed=rng.getrandbits(32),
                contact=survivor.contact,
                site=survivor.site,
                category=survivor.category,
                survivor=survivor,
            )
            duplicates.append(duplicate)
        return duplicates


def build_service_requests(world: DemoWorld, rng: random.Random) -> list[ServiceRequest]:
    """Plan and play the 400 requests, then run the SLA sweep once at the real now."""
    horizon = timezone.now() - MINUTE
    planner = Planner(world, rng, horizon)
    plans = planner.plan()
    timeline = Timeline(cal=planner.cal, tz=planner.tz, horizon=horizon)
    queue: list[tuple[dt.datetime, int, Iterator[dt.datetime]]] = [
        (plan.received, index, Story(plan, planner.cast, timeline).run())
        for index, plan in enumerate(plans)
    ]
    heapq.heapify(queue)
    while queue:
        moment, index, story = heapq.heappop(queue)
        with clock.at(moment):
            following = next(story, None)
        if following is not None:
            heapq.heappush(queue, (following, index, story))
    sweep()
    return list(ServiceRequest.objects.order_by("received_at", "pk"))
