"""How each demo service request lives its story through the service functions.

A ``Story`` is a generator: each ``yield`` hands back the moment of its next event, and
``requests.build_service_requests`` resumes it inside ``clock.at(that moment)``, so that the
events of all requests are played in the order they happened.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.customers.choices import Tier
from aftersales.customers.models import Contact, Equipment, Site
from aftersales.demo import request_data as rd
from aftersales.field.demo_trips import dispatch_through_plan
from aftersales.service import services
from aftersales.service.choices import CancelReason, Channel, Priority, RequestType, Status
from aftersales.service.models import Category, ServiceRequest
from aftersales.sla.workcal import WorkingCalendar

if TYPE_CHECKING:
    from aftersales.demo.build import DemoWorld

MINUTE = dt.timedelta(minutes=1)
ONSITE_TYPES = frozenset(
    {RequestType.FAULT, RequestType.INSTALLATION, RequestType.MAINTENANCE, RequestType.WARRANTY}
)

# How each request ends. Waiting fates are the waiting statuses themselves.
NEW, ACCEPTED, IN_PROGRESS = Status.NEW.value, Status.ACCEPTED.value, Status.IN_PROGRESS.value
DISPATCHED, ON_SITE = Status.DISPATCHED.value, Status.ON_SITE.value
WAIT_CUSTOMER = Status.WAITING_CUSTOMER.value
WAIT_PARTS = Status.WAITING_PARTS.value
WAIT_SUPPLIER = Status.WAITING_SUPPLIER.value
RESOLVED, CONFIRMED, CLOSED = Status.RESOLVED.value, Status.CONFIRMED.value, Status.CLOSED.value
REWORK_RESOLVED, REWORK_CLOSED = "rework_resolved", "rework_closed"  # rejected, fixed again
REOPEN_OPEN, REOPEN_CLOSED = "reopen_open", "reopen_closed"  # closed, reopened
STUCK = "stuck"  # in progress for weeks: its resolution promise is breached whenever loaded
WORKING_FATES = (IN_PROGRESS, STUCK)
INVALID, DUPLICATE, MERGED = CancelReason.INVALID.value, CancelReason.DUPLICATE.value, "merged"
WAITING_FATES = (WAIT_CUSTOMER, WAIT_PARTS, WAIT_SUPPLIER)
VISIT_FATES = (DISPATCHED, ON_SITE)

# On-site promises of the default policies (minutes), for key accounts and P1 emergencies.
ARRIVAL_PROMISE = {"local": 120, "domestic": 24 * 60, "remote": 5 * 24 * 60}
# Travel time to site (hours) when nothing was promised.
TRAVEL_HOURS = {"local": (1.0, 3.0), "domestic": (6.0, 20.0), "remote": (30.0, 90.0)}
WAIT_DAYS = {WAIT_CUSTOMER: (1.0, 4.0), WAIT_PARTS: (2.0, 8.0), WAIT_SUPPLIER: (3.0, 12.0)}
CHANNEL_CN = {
    Channel.PHONE: "电话",
    Channel.VISIT: "来访",
    Channel.LETTER: "来函",
    Channel.EMAIL: "邮件",
    Channel.PORTAL: "客户门户",
    Channel.API: "远程监控平台",
}
OFFICE_OPENS, OFFICE_CLOSES = dt.time(8, 30), dt.time(18, 0)
# When a step may happen: in office hours; in office hours unless the duty roster handles
# the request round the clock; or whenever it falls (on site, on the road).
OFFICE, DUTY, ANYTIME = "office", "duty", "anytime"
LATE_RESPONSE = 0.08  # share of requests whose first response comes too late
LATE_ARRIVAL = 0.08  # share of promised visits that arrive too late


@dataclass
class RequestPlan:
    """Everything decided in advance about one request."""

    fate: str
    request_type: str
    received: dt.datetime
    unit: Equipment
    company_key: str
    channel: str
    priority: str
    title: str
    body: str  # the description without the front desk's channel preamble
    fixes: list[str]
    part: str
    owner: User
    registrar: User
    seed: int
    contact: Contact | None = None
    site: Site | None = None
    with_unit: bool = True
    category: Category | None = None
    accept_at_once: bool = False
    visit: bool = False
    waits: str = ""  # a waiting state passed through on the way to resolution
    expert: User | None = None
    reassign_to: User | None = None
    confirm: bool = True
    survivor: RequestPlan | None = None
    registered: ServiceRequest | None = field(default=None, repr=False)

    @property
    def line(self) -> str:
        return self.unit.product_model.line.code

    @property
    def technical(self) -> bool:
        """About a unit that broke, needs service or is being installed."""
        return self.request_type in ONSITE_TYPES

    @property
    def urgent(self) -> bool:
        return self.priority == Priority.P1

    @property
    def region(self) -> str:
        site = self.site or self.unit.site
        return (site.region_class if site else "") or self.unit.company.region_class


def arrival_promise(plan: RequestPlan) -> int | None:
    """Minutes to arrive on site that the default policies promise key accounts and
    emergencies of on-site types; None when nothing is promised."""
    if plan.request_type in ONSITE_TYPES and (plan.urgent or plan.unit.company.tier == Tier.KEY):
        return ARRIVAL_PROMISE.get(plan.region)
    return None


@dataclass
class Cast:
    """Who plays which part in the stories."""

    admin: User
    agents: list[User]
    closers: list[User]  # agents and the office's return-visit staff
    engineers: dict[str, list[User]]  # by department code
    managers: dict[str, User]
    portal: dict[str, User]  # by company key

    @classmethod
    def of(cls, world: DemoWorld) -> Cast:
        org = world.organisation
        agents = org.with_role(Role.AGENT)
        office = [
            u for u in org.with_role(Role.OFFICE) if u.pk != org.departments["office"].manager_id
        ]
        return cls(
            admin=org.admin,
            agents=agents,
            closers=agents + office,
            engineers={d: org.with_role(Role.ENGINEER, d) for d in ("service", "technical")},
            managers={d: org.manager_of(d) for d in ("service", "technical")},
            portal=world.customers.portal_users,
        )


class Story:
    """One request's life, as a generator of the moments of its events (see ``run``)."""

    def __init__(self, plan: RequestPlan, cast: Cast, ctx: Timeline) -> None:
        self.plan, self.cast, self.ctx = plan, cast, ctx
        self.rng = random.Random(plan.seed)
        self.t = plan.received
        self.owner = plan.owner
        self.req: ServiceRequest | None = None
        self.promised = arrival_promise(plan)
        self.late = self.rng.random() < LATE_RESPONSE

    # Time --------------------------------------------------------------------------------------

    def later(self, low: float, high: float, when: str = OFFICE) -> dt.datetime:
        """A moment ``low``–``high`` minutes on, moved into office hours if ``when`` says
        so, always before the horizon: a step takes at most half the time left."""
        moment = self.t + dt.timedelta(minutes=self.rng.uniform(low, high))
        return self.until(self.hours(moment, when))

    def hours(self, moment: dt.datetime, when: str) -> dt.datetime:
        jitter = self.rng.uniform(0, 30)
        if when == OFFICE or (when == DUTY and not self.on_duty):
            return self.ctx.office(moment, jitter)
        return moment

    @property
    def on_duty(self) -> bool:
        """Emergencies and promised visits are handled round the clock by the duty roster."""
        return self.plan.urgent or self.promised is not None

    def until(self, moment: dt.datetime) -> dt.datetime:
        cap = self.t + (self.ctx.horizon - self.t) / 2
        self.t = max(min(moment, cap), self.t + dt.timedelta(seconds=1))
        return self.t

    # Helpers -----------------------------------------------------------------------------------

    @property
    def r(self) -> ServiceRequest:
        assert self.req is not None
        return self.req

    @property
    def portal(self) -> User | None:
        return self.cast.portal.get(self.plan.company_key)

    def text(self, options: tuple[str, ...], **extra: str) -> str:
        fields = {
            "owner": self.owner.full_name,
            "phone": self.owner.phone,
            "part": self.plan.part,
            "days": str(self.rng.randint(2, 6)),
            "supplier": self.rng.choice(rd.SUPPLIERS[self.plan.line]),
            **extra,
        }
        return self.rng.choice(options).format_map(fields)

    @property
    def category_key(self) -> str:
        category = self.plan.category
        return category.code.partition("-")[2] if category and category.parent_id else ""

    def agent(self) -> User:
        return self.rng.choice(self.cast.agents)

    def reply(self, actor: User, body: str) -> None:
        """A reply; reload the request when the reply changed it (first response, or the
        customer answering a request that waits for them)."""
        portal = actor.pk == getattr(self.portal, "pk", None)
        changes = (
            self.r.status == Status.WAITING_CUSTOMER if portal else self.r.first_response_at is None
        )
        services.add_reply(actor=actor, request=self.r, body=body)
        if changes:
            self.req = ServiceRequest.objects.get(pk=self.r.pk)

    def note(self, actor: User, options: tuple[str, ...]) -> None:
        services.add_note(actor=actor, request=self.r, body=self.text(options))

    @property
    def at_once(self) -> bool:
        """A consultation or suggestion that its agent owner settles without a work order."""
        return (
            self.owner in self.cast.agents
            and self.plan.request_type in (RequestType.CONSULTATION, RequestType.SUGGESTION)
            and self.plan.fate not in (*WORKING_FATES, *WAITING_FATES, REOPEN_OPEN)
        )

    def fix(self) -> str:
        """The next resolution text; a second round without one of its own gets the
        generic re-check."""
        fixes = self.plan.fixes
        return fixes.pop(0) if fixes else rd.REWORK_FIX

    # The story ---------------------------------------------------------------------------------

    def run(self) -> Iterator[dt.datetime]:
        """Each ``yield`` hands back the moment of the next event; the caller resumes the
        story inside ``clock.at(that moment)``."""
        plan = self.plan
        self.register()
        if plan.fate == NEW:
            return
        if plan.fate in (INVALID, DUPLICATE, MERGED):
            yield from self.cancel()
            return
        if self.r.status == Status.NEW:
            yield from self.accept()
        yield from self.first_reply()
        if plan.fate == ACCEPTED:
            return
        going = plan.visit and plan.fate not in WORKING_FATES  # dispatching starts work
        rush = going and self.promised is not None
        if rush:  # an on-site promise runs: dispatch at once, note and consult on the way
            yield from self.visit()
            if plan.fate in VISIT_FATES:
                return
        elif not going and not self.at_once:  # the front desk settles simple questions
            yield self.later(10, 180, DUTY)
            self.req = services.start_work(
                actor=self.owner, request=self.r, expected_version=self.r.version
            )
        yield from self.diagnose()
        if plan.fate in WORKING_FATES:
            return
        if going and not rush:
            yield from self.visit()
            if plan.fate in VISIT_FATES:
                return
        if plan.fate in WAITING_FATES:
            yield from self.wait(plan.fate, resume=False)
            return
        if plan.waits:
            yield from self.wait(plan.waits, resume=True)
        yield from self.resolve()
        if plan.fate in (REWORK_RESOLVED, REWORK_CLOSED):
            yield from self.rework()
        if plan.fate in (RESOLVED, REWORK_RESOLVED):
            return
        yield from self.confirm_and_close(confirm_only=plan.fate == CONFIRMED)
        if plan.fate in (REOPEN_OPEN, REOPEN_CLOSED):
            yield from self.reopen()

    def register(self) -> None:
        plan = self.plan
        data: dict[str, object] = {
            "channel": plan.channel,
            "request_type": plan.request_type,
            "priority": plan.priority,
            "company": plan.unit.company,
            "contact": plan.contact,
            "site": plan.site,
            "equipment": plan.unit if plan.with_unit else None,
            "category": plan.category,
            "title": plan.title,
            "description": self.preamble() + plan.body,
            "received_at": plan.received,
        }
        if plan.channel == Channel.PORTAL and self.rng.random() < 0.5:
            data["priority"] = Priority.P3  # left at the form's default; the front desk sets it
        if plan.accept_at_once:
            data["owner"] = self.owner
        self.req = services.register_request(actor=plan.registrar, data=data)
        plan.registered = self.req

    def preamble(self) -> str:
        plan = self.plan
        name = plan.contact.name if plan.contact else "客户"
        preambles: dict[str, str] = {
            Channel.PHONE: f"{name}来电反映：",
            Channel.VISIT: f"{name}来访反映：",
            Channel.LETTER: f"客户来函（{name}签发）：",
            Channel.EMAIL: f"{name}来邮件反映：",
        }
        return preambles.get(plan.channel, "")

    def cancel(self) -> Iterator[dt.datetime]:
        plan = self.plan
        agent = self.agent()
        if plan.survivor is not None:
            yield self.later(10, 120, DUTY)
            survivor = plan.survivor.registered
            assert survivor is not None
            note = rd.MERGE_NOTE.format(channel=CHANNEL_CN[Channel(plan.channel)])
            services.merge(
                actor=agent,
                request=self.r,
                expected_version=self.r.version,
                into=survivor,
                note=note,
            )
            return
        if self.r.status == Status.NEW and self.rng.random() < 0.5:
            yield from self.accept()
        yield self.later(10, 600)
        services.cancel(
            actor=agent,
            request=self.r,
            expected_version=self.r.version,
            reason=plan.fate,
            note=self.text(rd.CANCEL_NOTES[plan.fate]),
        )

    def accept(self) -> Iterator[dt.datetime]:
        plan = self.plan
        agent = self.agent()
        yield self.later(*((20, 200) if self.late else (2, 8)), DUTY)
        if plan.channel == Channel.PORTAL and self.r.priority != plan.priority:
            # The front desk sets the priority the portal form left at normal.
            changes = {"priority": plan.priority}
            self.req = services.update_request(
                actor=agent, request=self.r, expected_version=self.r.version, changes=changes
            )
        self.req = services.accept_request(
            actor=agent, request=self.r, expected_version=self.r.version, owner=self.owner
        )

    def first_reply(self) -> Iterator[dt.datetime]:
        """Minutes mostly; sometimes hours, and the response promise is breached."""
        plan, rng = self.plan, self.rng
        # An agent who settles a question there and then, and some accepted requests,
        # send no separate acknowledgement.
        skip = (self.at_once and plan.expert is None) or plan.fate == ACCEPTED
        if skip and rng.random() < 0.5:
            return
        if not plan.accept_at_once:
            low, high = 1.0, 5.0  # the acknowledgement right after acceptance
        else:
            low, high = (25, 240) if self.late else (2, 12)
        yield self.later(low, high, DUTY)
        options = rd.FIRST_REPLIES if plan.technical else rd.FIRST_REPLIES_GENERAL
        if plan.urgent and plan.visit:
            options = rd.URGENT_REPLIES
        replier = self.owner if rng.random() < 0.4 else self.agent()
        self.reply(replier, self.text(options))

    def diagnose(self) -> Iterator[dt.datetime]:
        """The customer answers, the owner notes, an expert is consulted, the owner changes."""
        plan, rng = self.plan, self.rng
        portal = self.portal
        if portal is not None and rng.random() < 0.3:
            yield self.later(20, 300)
            replies = rd.CUSTOMER_REPLIES if plan.technical else rd.CUSTOMER_REPLIES_GENERAL
            self.reply(portal, self.text(replies))
        if rng.random() < 0.25 and not self.at_once:
            yield self.later(10, 240, DUTY)
            self.note(self.owner, rd.DIAGNOSIS_NOTES if plan.technical else rd.GENERAL_NOTES)
        if plan.expert is not None:
            yield self.later(30, 600)
            services.invite_expert(
                actor=self.owner,
                request=self.r,
                expert=plan.expert,
                reason=self.text(rd.EXPERT_REASONS),
            )
            yield self.later(60, 1440)
            self.note(plan.expert, rd.EXPERT_NOTES)
        if plan.reassign_to is not None:
            yield self.later(60, 1440)
            department = self.owner.department.code if self.owner.department else "service"
            actor = rng.choice([self.cast.managers.get(department, self.agent()), self.owner])
            self.req = services.assign(
                actor=actor,
                request=self.r,
                expected_version=self.r.version,
                owner=plan.reassign_to,
                reason=self.text(rd.REASSIGN_REASONS, new=plan.reassign_to.full_name),
            )
            self.owner = plan.reassign_to

    def visit(self) -> Iterator[dt.datetime]:
        """Dispatch and arrival: within the promise mostly, sometimes late."""
        plan, rng = self.plan, self.rng
        promised = self.promised
        if promised:
            yield self.later(5, 40, ANYTIME)
            late = rng.random() < LATE_ARRIVAL
            share = rng.uniform(1.1, 1.6) if late else rng.uniform(0.5, 0.95)
            arrival = plan.received + dt.timedelta(minutes=promised * share)
        else:
            yield self.later(60, 2 * 1440)
            low, high = TRAVEL_HOURS.get(plan.region, TRAVEL_HOURS["local"])
            arrival = self.hours(self.t + dt.timedelta(hours=rng.uniform(low, high)), OFFICE)
        # A request is dispatched by approving its trip plan (出差计划).
        self.req = dispatch_through_plan(
            request=self.r, planner=self.owner, rng=rng, local=plan.region == "local"
        )
        if rng.random() < 0.15:
            yield self.later(5, 30, ANYTIME)
            self.note(self.owner, rd.DISPATCH_NOTES)
        if plan.fate == DISPATCHED:
            return
        yield self.until(max(arrival, self.t + dt.timedelta(minutes=20)))
        self.req = services.arrive(
            actor=self.owner, request=self.r, expected_version=self.r.version
        )
        if rng.random() < 0.15:
            yield self.later(10, 60, ANYTIME)
            self.note(self.owner, rd.ONSITE_NOTES)

    def wait(self, status: str, *, resume: bool) -> Iterator[dt.datetime]:
        """Put on hold with a reason; unless the fate is to wait, go on afterwards."""
        if status == WAIT_CUSTOMER:
            yield self.later(20, 240, DUTY)
            self.reply(self.owner, rd.WAIT_ASK_CUSTOMER)
        yield self.later(10, 240, DUTY)
        self.req = services.wait(
            actor=self.owner,
            request=self.r,
            expected_version=self.r.version,
            status=status,
            reason=self.text(
                rd.WAIT_REASONS[status] if self.plan.technical else rd.WAIT_CUSTOMER_GENERAL
            ),
        )
        if not resume:
            return
        low, high = WAIT_DAYS[status]
        yield self.later(low * 1440, high * 1440)
        portal = self.portal
        if status == WAIT_CUSTOMER and portal is not None:
            self.reply(portal, self.text(rd.CUSTOMER_REPLIES_GENERAL))  # resumes the request
            return
        self.note(self.owner, rd.RESUME_NOTES[status])
        yield self.later(1, 30)
        self.req = services.resume(
            actor=self.owner, request=self.r, expected_version=self.r.version
        )

    def resolve(self) -> Iterator[dt.datetime]:
        plan = self.plan
        if plan.visit:
            yield self.later(60, 480, DUTY)  # on site until the equipment works
        elif self.promised:  # solved remotely before anyone had to come
            share = self.rng.uniform(0.3, 0.85)
            target = plan.received + dt.timedelta(minutes=self.promised * share)
            yield self.until(max(target, self.t + 10 * MINUTE))
        elif self.owner in self.cast.agents:
            yield self.later(5, 180)
        else:
            yield self.later(60, 2 * 1440, DUTY)
        self.req = services.resolve(
            actor=self.owner, request=self.r, expected_version=self.r.version, resolution=self.fix()
        )

    def rework(self) -> Iterator[dt.datetime]:
        """The customer rejects the resolution; the owner fixes it properly."""
        yield self.later(120, 2 * 1440)
        rejecter = self.portal or self.agent()
        self.req = services.reject_resolution(
            actor=rejecter,
            request=self.r,
            expected_version=self.r.version,
            reason=self.text(rd.REJECT_REASONS.get(self.category_key, rd.REJECT_REASONS[""])),
        )
        yield self.later(30, 240)
        self.note(self.owner, rd.REWORK_NOTES)
        yield self.later(240, 2 * 1440, DUTY)
        self.req = services.resolve(
            actor=self.owner,
            request=self.r,
            expected_version=self.r.version,
            resolution=f"复查处理：{self.fix()}",
        )

    def confirm_and_close(self, *, confirm_only: bool = False) -> Iterator[dt.datetime]:
        """The customer confirms (portal, or staff record their word); the office closes
        after the return visit."""
        if self.plan.confirm or confirm_only:
            yield self.later(120, 3 * 1440)
            portal = self.portal
            if portal is not None and self.rng.random() < 0.8:
                actor, comment = portal, self.text(rd.CONFIRM_PORTAL)
            else:
                actor, comment = self.rng.choice(self.cast.closers), self.text(rd.CONFIRM_STAFF)
            self.req = services.confirm_resolution(
                actor=actor, request=self.r, expected_version=self.r.version, comment=comment
            )
        if confirm_only:
            return
        yield self.later(60, 5 * 1440)
        # Closing needs the return visit (feedback's close guard): the office makes it first.
        from aftersales.feedback.demo import visit_before_close

        visit_before_close(self.r, self.rng, self.cast.closers)
        self.req = services.close(
            actor=self.rng.choice(self.cast.closers),
            request=self.r,
            expected_version=self.r.version,
        )

    def reopen(self) -> Iterator[dt.datetime]:
        yield self.later(2 * 1440, 15 * 1440)
        actor = self.agent() if self.rng.random() < 0.6 else self.owner
        self.req = services.reopen(
            actor=actor,
            request=self.r,
            expected_version=self.r.version,
            reason=self.text(rd.REOPEN_REASONS),
        )
        yield self.later(30, 240)
        self.note(self.owner, rd.REWORK_NOTES)
        if self.plan.fate == REOPEN_OPEN:
            return
        yield self.later(240, 3 * 1440, DUTY)
        self.req = services.resolve(
            actor=self.owner,
            request=self.r,
            expected_version=self.r.version,
            resolution=f"复发处理：{self.fix()}",
        )
        yield from self.confirm_and_close()


@dataclass(frozen=True)
class Timeline:
    """The company calendar and the moment no event may pass (the real now, less a minute)."""

    cal: WorkingCalendar
    tz: ZoneInfo
    horizon: dt.datetime

    def office(self, moment: dt.datetime, jitter: float) -> dt.datetime:
        """``moment`` if the front desk is in; otherwise the next opening, plus ``jitter``
        minutes (staff do not all start at 08:30 sharp)."""
        local = moment.astimezone(self.tz)
        day = local.date()
        if self.cal.day(day).working:
            if OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
                return moment
            if local.time() < OFFICE_OPENS:
                return dt.datetime.combine(day, OFFICE_OPENS, self.tz) + jitter * MINUTE
        for _ in range(30):
            day += dt.timedelta(days=1)
            if self.cal.day(day).working:
                break
        return dt.datetime.combine(day, OFFICE_OPENS, self.tz) + jitter * MINUTE
