"""The service-request state machine: which action goes from which status to which, and who
may take it. One table, read by the services, the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.service.choices import OPEN, WAITING, WORKING, Status

OWNER = "owner"  # the request's owner
DEPT_MANAGER = "dept_manager"  # manager of the request's department
CUSTOMER = "customer"  # a portal user of the request's company
EXPERT = "expert"  # a consulted expert (notes only)

_LEADS = frozenset({Role.SERVICE_DIRECTOR, Role.ADMIN})
_OWNER_WORK = frozenset({OWNER, DEPT_MANAGER, *_LEADS})


@dataclass(frozen=True)
class Transition:
    """An action's allowed source statuses, its target (None: back to the resume status),
    and who may take it (roles and the pseudo-roles above)."""

    sources: frozenset[str]
    target: str | None
    who: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(
        frozenset({Status.NEW}),
        Status.ACCEPTED,
        frozenset({Role.AGENT, Role.ENGINEER, Role.DEPARTMENT_MANAGER, *_LEADS}),
    ),
    "start": Transition(frozenset({Status.ACCEPTED}), Status.IN_PROGRESS, _OWNER_WORK),
    "dispatch": Transition(
        frozenset({Status.ACCEPTED, Status.IN_PROGRESS}), Status.DISPATCHED, _OWNER_WORK
    ),
    "arrive": Transition(frozenset({Status.DISPATCHED}), Status.ON_SITE, _OWNER_WORK),
    "wait_customer": Transition(WORKING, Status.WAITING_CUSTOMER, _OWNER_WORK),
    "wait_parts": Transition(WORKING, Status.WAITING_PARTS, _OWNER_WORK),
    "wait_supplier": Transition(WORKING, Status.WAITING_SUPPLIER, _OWNER_WORK),
    "resume": Transition(WAITING, None, _OWNER_WORK),
    "resolve": Transition(WORKING, Status.RESOLVED, _OWNER_WORK),
    "confirm": Transition(
        frozenset({Status.RESOLVED}),
        Status.CONFIRMED,
        frozenset({CUSTOMER, Role.AGENT, Role.OFFICE, DEPT_MANAGER, *_LEADS}),
    ),
    "reject": Transition(
        frozenset({Status.RESOLVED}),
        Status.IN_PROGRESS,
        frozenset({CUSTOMER, Role.AGENT, Role.OFFICE, DEPT_MANAGER, *_LEADS}),
    ),
    "close": Transition(
        frozenset({Status.RESOLVED, Status.CONFIRMED}),
        Status.CLOSED,
        frozenset({Role.AGENT, Role.OFFICE, DEPT_MANAGER, *_LEADS}),
    ),
    "reopen": Transition(
        frozenset({Status.RESOLVED, Status.CONFIRMED, Status.CLOSED}),
        Status.IN_PROGRESS,
        # The office reopens a request whose return visit finds the problem unsolved.
        frozenset({OWNER, Role.AGENT, Role.OFFICE, DEPT_MANAGER, *_LEADS}),
    ),
    "cancel": Transition(OPEN, Status.CANCELLED, frozenset({Role.AGENT, DEPT_MANAGER, *_LEADS})),
    "merge": Transition(OPEN, Status.CANCELLED, frozenset({Role.AGENT, DEPT_MANAGER, *_LEADS})),
}

# Actions that are not status changes but follow the same "who" rules.
ACTIONS: dict[str, frozenset[str]] = {
    "assign": frozenset({OWNER, Role.AGENT, DEPT_MANAGER, *_LEADS}),
    "invite_expert": frozenset({OWNER, Role.AGENT, DEPT_MANAGER, *_LEADS}),
    "update": frozenset({OWNER, Role.AGENT, DEPT_MANAGER, *_LEADS}),
    "reply": frozenset({OWNER, CUSTOMER, Role.AGENT, Role.OFFICE, DEPT_MANAGER, *_LEADS}),
    "note": frozenset(
        {
            OWNER,
            EXPERT,
            Role.AGENT,
            Role.OFFICE,
            Role.QC,
            Role.ENGINEER,
            Role.DEPARTMENT_MANAGER,
            *_LEADS,
        }
    ),
    "attach": frozenset(
        {OWNER, EXPERT, CUSTOMER, Role.AGENT, Role.OFFICE, Role.ENGINEER, DEPT_MANAGER, *_LEADS}
    ),
}


def holds(
    actor: Any, who: frozenset[str], request: Any, *, expert_ids: set[int] | None = None
) -> bool:
    """Whether ``actor`` is one of ``who`` for ``request``."""
    scope = scope_of(actor)
    if scope.is_portal:
        return CUSTOMER in who and scope.company_id == request.company_id
    if scope.roles & who:
        return True
    if OWNER in who and request.owner_id is not None and request.owner_id == scope.user_id:
        return True
    if DEPT_MANAGER in who and request.department_id in scope.managed_department_ids:
        return True
    if EXPERT in who:
        ids = (
            expert_ids
            if expert_ids is not None
            else set(request.experts.values_list("user_id", flat=True))
        )
        return scope.user_id in ids
    return False


def allowed_actions(actor: Any, request: Any) -> list[str]:
    """The transitions ``actor`` may take on ``request`` now (for pages and the API)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if request.status in t.sources and holds(actor, t.who, request)
    ]
