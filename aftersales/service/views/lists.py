"""The request lists: the agent's queues, the engineer's day, global search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aftersales.accounts.roles import scope_of
from aftersales.core import clock
from aftersales.customers.models import Company, Equipment
from aftersales.service.api.serializers import LIST_VALUES, list_rows, snapshot_context
from aftersales.service.choices import OPEN, WAITING, Priority, RequestType, Status
from aftersales.service.filtersets import ServiceRequestFilter
from aftersales.service.models import ServiceRequest
from aftersales.sla.choices import ClockState

PAGE_SIZE = 50
COUNT_CAP = 1000
ORDERINGS = {
    "due": ("next_due_at", "id"),
    "-due": ("-next_due_at", "-id"),
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "priority": ("priority", "next_due_at", "id"),
}


@dataclass(frozen=True)
class Queue:
    """A saved filter of the workspace: its name and its query."""

    key: str
    label: str | Promise
    params: dict[str, Any]


def queues(user: Any) -> list[Queue]:
    """The workspace's queues for ``user`` (my department only for those who have one)."""
    scope = scope_of(user)
    found = [
        Queue("mine", _("My open requests"), {"owner": user.pk, "open": "true"}),
        Queue("unassigned", _("Unassigned"), {"unassigned": "true", "open": "true"}),
        Queue("at_risk", _("At risk"), {"sla_state": ClockState.AT_RISK, "open": "true"}),
        Queue("breached", _("Breached"), {"sla_state": ClockState.BREACHED, "open": "true"}),
        Queue("waiting", _("Waiting"), {"status": sorted(WAITING)}),
    ]
    if user.department_id:
        found.append(
            Queue(
                "department",
                _("My department"),
                {"department": user.department_id, "open": "true"},
            )
        )
    if scope.sees_all or scope.department_ids:
        found.append(Queue("all", _("All open"), {"open": "true"}))
    return found


def _count(queryset: QuerySet) -> int:
    # Stops at the cap: counting 60,000 breached requests costs a full scan for a number
    # nobody reads beyond "1000+".
    return int(queryset.order_by()[: COUNT_CAP + 1].count())


def _filtered(request: HttpRequest, params: Any) -> tuple[ServiceRequestFilter, QuerySet]:
    base = ServiceRequest.objects.visible_to(request.user)
    flt = ServiceRequestFilter(params, queryset=base)
    if not flt.is_valid():
        return flt, base.none()
    return flt, flt.qs


def _rows(queryset: QuerySet, order: str, page: int) -> dict[str, Any]:
    ordering = ORDERINGS.get(order, ORDERINGS["due"])
    start = (page - 1) * PAGE_SIZE
    # One more row than shown tells whether there is a next page without counting.
    rows = list(queryset.order_by(*ordering).values(*LIST_VALUES)[start : start + PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    built = list_rows(rows[:PAGE_SIZE], snapshot_context())
    for row in built:
        row["received"] = dt.datetime.fromisoformat(row["received_at"])
        row["due"] = dt.datetime.fromisoformat(row["next_due_at"]) if row["next_due_at"] else None
        row["status_label"] = Status(row["status"]).label
        row["type_label"] = RequestType(row["request_type"]).label
        row["priority_label"] = Priority(row["priority"]).label
        running = [c for c in row["clocks"] if c["state"] not in ("met", "stopped")]
        row["clock"] = min(running, key=lambda c: c["due_at"] or "9") if running else None
    return {"rows": built, "more": more, "page": page, "order": order}


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def _query(params: dict[str, Any]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            query.setlist(key, [str(v) for v in value])
        else:
            query[key] = str(value)
    return query


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """The agent's workspace: queues with counts and the chosen queue's requests by due time.

    ``?queue=`` picks a saved filter; the API's filters (status, owner, sla_state, …) may be
    given instead, so a notification's link opens the list it talks about.
    """
    user: Any = request.user
    if not user.has_perm("service.view_servicerequest") or scope_of(user).is_portal:
        raise Http404
    available = queues(user)
    ignored = {"queue", "page", "order"}
    given = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ignored:
            given.setlist(key, values)
    current = next((q for q in available if q.key == request.GET.get("queue")), None)
    if current is None and not given:
        current = available[0]
    query = _query(current.params) if current else given
    flt, queryset = _filtered(request, query)
    order = request.GET.get("order", "due")
    partial = request.htmx and request.GET.get("partial") == "rows"  # type: ignore[attr-defined]
    context = {
        "section": "requests",
        # The rows partial (sorting, paging) shows no queue tabs: no counts to pay for.
        "queues": []
        if partial
        else [
            {"queue": q, "count": _count(_filtered(request, _query(q.params))[1])}
            for q in available
        ],
        "count_cap": COUNT_CAP,
        "current": current,
        "base_query": f"queue={current.key}" if current else query.urlencode(),
        "errors": flt.errors,
        **_rows(queryset, order, _page_number(request)),
    }
    return render(
        request, "service/_request_rows.html" if partial else "service/workspace.html", context
    )


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    """An engineer's day: their open requests due today, this week, later, and waiting."""
    user: Any = request.user
    if scope_of(user).is_portal:
        raise Http404
    now = clock.now()
    today_end = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    week_end = today_end + dt.timedelta(days=6 - today_end.weekday())
    mine = ServiceRequest.objects.visible_to(user).filter(owner=user, status__in=OPEN)
    groups = [
        ("overdue", _("Overdue"), mine.filter(next_due_at__lt=now).exclude(status__in=WAITING)),
        (
            "today",
            _("Due today"),
            mine.filter(next_due_at__gte=now, next_due_at__lte=today_end).exclude(
                status__in=WAITING
            ),
        ),
        (
            "week",
            _("Due this week"),
            mine.filter(next_due_at__gt=today_end, next_due_at__lte=week_end).exclude(
                status__in=WAITING
            ),
        ),
        (
            "later",
            _("Later or without a due time"),
            mine.filter(Q(next_due_at__gt=week_end) | Q(next_due_at__isnull=True)).exclude(
                status__in=WAITING
            ),
        ),
        ("waiting", _("Waiting"), mine.filter(status__in=WAITING)),
    ]
    sections = [
        {"key": key, "label": label, **_rows(queryset, "due", 1)} for key, label, queryset in groups
    ]
    return render(request, "service/my_work.html", {"section": "my-work", "sections": sections})


SEARCH_LIMIT = 20


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Global search: a request number, a customer (name or number), a serial number, or
    words of a request's title and description (two-character Chinese words included)."""
    user: Any = request.user
    if scope_of(user).is_portal:
        raise Http404
    term = (request.GET.get("q") or "").strip()[:100]
    context: dict[str, Any] = {"q": term, "section": "requests"}
    if term:
        visible = ServiceRequest.objects.visible_to(user)
        exact = visible.filter(number=term.upper()).values_list("pk", flat=True).first()
        if exact:
            return redirect("service:detail", pk=exact)
        flt = ServiceRequestFilter({"q": term}, queryset=visible)
        found = flt.qs if flt.is_valid() else visible.none()
        context.update(_rows(found, "-received", 1))
        companies = Company.objects.visible_to(user).filter(
            Q(name__icontains=term) | Q(name_en__icontains=term) | Q(code__iexact=term)
        )
        context["companies"] = list(companies.order_by("code")[:SEARCH_LIMIT])
        units = Equipment.objects.visible_to(user).filter(serial_number__icontains=term)
        context["units"] = list(
            units.select_related("company", "product_model").order_by("serial_number")[
                :SEARCH_LIMIT
            ]
        )
    return render(request, "service/search.html", context)
