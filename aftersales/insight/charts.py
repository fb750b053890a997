"""The dashboard's charts: one builder per chart turns query rows into labels, series and
the table of numbers behind it. The page draws the series, shows the table, and the export
writes the same table, so the three never disagree."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.core import clock
from aftersales.insight import queries as q
from aftersales.insight.models import AGE_LIMITS, OpenCountRun
from aftersales.service.choices import OPEN, Channel, RequestType, Status
from aftersales.sla.choices import ClockState, TargetKind

TOP_ENGINEERS = 20


@dataclass
class Chart:
    """One chart: what to draw (kind, categories, series) and the numbers behind it."""

    key: str
    title: str
    kind: str  # bar | hbar | line | pie
    categories: list[str]
    series: list[dict[str, Any]]
    header: list[str]
    rows: list[list[Any]]
    links: list[str | None] = field(default_factory=list)  # one per row/category
    percent: bool = False
    note: str = ""

    def script_data(self) -> dict[str, Any]:
        """What dashboard.js needs to draw it."""
        return {
            "title": self.title,
            "kind": self.kind,
            "categories": self.categories,
            "series": self.series,
            "links": self.links,
            "percent": self.percent,
        }

    def table(self) -> list[dict[str, Any]]:
        """Rows for the template: each cell with its column's name (the phone layout labels
        cells), each row with its link."""
        links = self.links or [None] * len(self.rows)
        return [
            {"cells": list(zip(self.header, row, strict=True)), "url": url}
            for row, url in zip(self.rows, links, strict=True)
        ]


def _percent(met: int, breached: int) -> float | None:
    decided = met + breached
    return round(met * 100 / decided, 1) if decided else None


def _age_labels() -> list[str]:
    limits = AGE_LIMITS
    labels = [_("Under %(n)s day") % {"n": limits[0]}]
    labels += [
        _("%(low)s–%(high)s days") % {"low": low, "high": high}
        for low, high in itertools.pairwise(limits)
    ]
    labels.append(_("Over %(n)s days") % {"n": limits[-1]})
    return labels


def _person(row: dict[str, Any]) -> str:
    return row["owner__full_name"] or row["owner__username"]


class Dashboard:
    """The numbers of one user's dashboard for one set of filters, each query run at most
    once however many charts use it."""

    def __init__(self, user: Any, filters: q.Filters, departments: list[Department]) -> None:
        self.user = user
        self.filters = filters
        self.departments = {d.pk: d for d in departments}

    # --- queries (lazy) ---------------------------------------------------------------

    @cached_property
    def open_rows(self) -> list[dict[str, Any]]:
        return q.open_snapshot(self.user, self.filters)

    @cached_property
    def counted_at(self) -> dt.datetime | None:
        """When the open requests were last counted (None: never)."""
        run = OpenCountRun.objects.filter(pk=1).values_list("taken_at", flat=True)
        return run.first()

    @cached_property
    def period_rows(self) -> list[dict[str, Any]]:
        return q.period_counts(self.user, self.filters)

    @cached_property
    def week_rows(self) -> list[dict[str, Any]]:
        return q.weekly_outcomes(self.user, self.filters)

    @cached_property
    def owner_open_rows(self) -> list[dict[str, Any]]:
        return q.open_by_owner(self.user, self.filters)

    @cached_property
    def owner_resolved_rows(self) -> list[dict[str, Any]]:
        return q.resolved_by_owner(self.user, self.filters)

    def now_note(self) -> str:
        """The note of the "now" charts: when the open requests were counted."""
        if self.counted_at is None:
            return _("Open requests not counted yet")
        moment = timezone.localtime(self.counted_at)
        return _("Now (counted at %(time)s)") % {"time": f"{moment:%H:%M}"}

    # --- links --------------------------------------------------------------------------

    def workspace_url(self, **params: Any) -> str:
        """The request list showing the requests behind a number."""
        if self.filters.department_id is not None and "department" not in params:
            params["department"] = self.filters.department_id
        return f"{reverse('service:workspace')}?{urlencode(params)}"

    def _period_params(self) -> dict[str, str]:
        zone = timezone.get_default_timezone()
        start = dt.datetime.combine(self.filters.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return {"received_after": start.isoformat(), "received_before": end.isoformat()}

    def department_label(self, department_id: int | None) -> str:
        if department_id is None:
            return _("No department")
        department = self.departments.get(department_id)
        return department.display_name if department else str(department_id)

    # --- summary ------------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        """The headline numbers: the period's flow and the open work now."""
        totals = {name: sum(r[name] or 0 for r in self.period_rows) for name in q.COUNT_FIELDS}
        states = q.sum_by(self.open_rows, "sla_state")
        return {
            "received": totals["received"],
            "resolved": totals["resolved"],
            "open": sum(r["n"] for r in self.open_rows),
            "breached": states.get(ClockState.BREACHED, 0),
            "at_risk": states.get(ClockState.AT_RISK, 0),
            "breached_url": self.workspace_url(sla_state=ClockState.BREACHED, open="true"),
            "at_risk_url": self.workspace_url(sla_state=ClockState.AT_RISK, open="true"),
            "open_url": self.workspace_url(open="true"),
            "counted_at": self.counted_at,
            "compliance": [
                {
                    "label": str(kind.label),
                    "percent": _percent(totals[f"{kind}_met"], totals[f"{kind}_breached"]),
                }
                for kind in TargetKind
            ],
        }

    # --- charts ------------------------------------------------------------------------

    def by_status(self) -> Chart:
        counts = q.sum_by(self.open_rows, "status")
        statuses = [s for s in Status if s in OPEN]
        return Chart(
            key="status",
            title=_("Open requests by status"),
            kind="hbar",
            categories=[str(s.label) for s in statuses],
            series=[{"name": _("Open"), "data": [counts.get(s, 0) for s in statuses]}],
            header=[_("Status"), _("Open")],
            rows=[[str(s.label), counts.get(s, 0)] for s in statuses],
            links=[self.workspace_url(status=s.value) for s in statuses],
            note=self.now_note(),
        )

    def by_department(self) -> Chart:
        counts = q.sum_by(self.open_rows, "department_id")
        shown = sorted(counts.items(), key=lambda item: (-item[1], item[0] or 0))
        return Chart(
            key="department",
            title=_("Open requests by department"),
            kind="hbar",
            categories=[self.department_label(d) for d, _n in shown],
            series=[{"name": _("Open"), "data": [n for _d, n in shown]}],
            header=[_("Department"), _("Open")],
            rows=[[self.department_label(d), n] for d, n in shown],
            links=[
                self.workspace_url(department=d, open="true") if d is not None else None
                for d, _n in shown
            ],
            note=self.now_note(),
        )

    def sla_now(self) -> Chart:
        breached: dict[int | None, int] = {}
        at_risk: dict[int | None, int] = {}
        for row in self.open_rows:
            if row["sla_state"] == ClockState.BREACHED:
                breached[row["department_id"]] = breached.get(row["department_id"], 0) + row["n"]
            elif row["sla_state"] == ClockState.AT_RISK:
                at_risk[row["department_id"]] = at_risk.get(row["department_id"], 0) + row["n"]
        departments = sorted(
            set(breached) | set(at_risk),
            key=lambda d: (-breached.get(d, 0), -at_risk.get(d, 0), d or 0),
        )
        labels = [self.department_label(d) for d in departments]
        return Chart(
            key="sla_now",
            title=_("Breached and at risk now"),
            kind="hbar",
            categories=labels,
            series=[
                {
                    "name": str(ClockState.BREACHED.label),
                    "data": [breached.get(d, 0) for d in departments],
                    "stack": "sla",
                    "color": "#b3261e",
                },
                {
                    "name": str(ClockState.AT_RISK.label),
                    "data": [at_risk.get(d, 0) for d in departments],
                    "stack": "sla",
                    "color": "#e0a030",
                },
            ],
            header=[_("Department"), str(ClockState.BREACHED.label), str(ClockState.AT_RISK.label)],
            rows=[
                [label, breached.get(d, 0), at_risk.get(d, 0)]
                for d, label in zip(departments, labels, strict=True)
            ],
            links=[
                self.workspace_url(department=d, sla_state=ClockState.BREACHED, open="true")
                if d is not None
                else None
                for d in departments
            ],
            note=self.now_note(),
        )

    def sla_weekly(self) -> Chart:
        weeks = self.week_rows
        header = [_("Week starting")]
        for kind in TargetKind:
            header += [
                _("%(kind)s: met in time") % {"kind": kind.label},
                _("%(kind)s: breached") % {"kind": kind.label},
                _("%(kind)s: %% in time") % {"kind": kind.label},
            ]
        rows = []
        for week in weeks:
            row: list[Any] = [week["week"].isoformat()]
            for kind in TargetKind:
                met, late = week[f"{kind}_met"], week[f"{kind}_breached"]
                row += [met, late, _percent(met, late)]
            rows.append(row)
        return Chart(
            key="sla_weekly",
            title=_("SLA compliance per week"),
            kind="line",
            categories=[f"{w['week']:%m-%d}" for w in weeks],
            series=[
                {
                    "name": str(kind.label),
                    "data": [_percent(w[f"{kind}_met"], w[f"{kind}_breached"]) for w in weeks],
                }
                for kind in TargetKind
            ],
            header=header,
            rows=rows,
            percent=True,
            note=_("12 weeks to %(end)s; share of promises kept") % {"end": self.filters.end},
        )

    def backlog_age(self) -> Chart:
        counts = q.sum_by(self.open_rows, "age")
        labels = _age_labels()
        links: list[str | None] = []
        bounds = (0, *AGE_LIMITS, None)
        # The buckets are counted against the time of the count: the links name the same
        # instants (the list then shows today's requests of that age range).
        counted = self.counted_at or clock.now()
        for index in range(len(labels)):
            newest, oldest = bounds[index], bounds[index + 1]
            params: dict[str, Any] = {"open": "true"}
            if oldest is not None:
                params["received_after"] = (counted - dt.timedelta(days=oldest)).isoformat()
            if newest:
                params["received_before"] = (counted - dt.timedelta(days=newest)).isoformat()
            links.append(self.workspace_url(**params))
        data = [counts.get(i, 0) for i in range(len(labels))]
        return Chart(
            key="backlog_age",
            title=_("Backlog age"),
            kind="bar",
            categories=labels,
            series=[{"name": _("Open"), "data": data}],
            header=[_("Age since received"), _("Open")],
            rows=[[label, n] for label, n in zip(labels, data, strict=True)],
            links=links,
            note=self.now_note(),
        )

    def workload(self, limit: int | None = TOP_ENGINEERS) -> Chart:
        people: dict[int, dict[str, Any]] = {}
        for row in self.owner_open_rows:
            person = people.setdefault(
                row["owner_id"], {"name": _person(row), "working": 0, "waiting": 0, "done": 0}
            )
            person["waiting" if row["waiting"] else "working"] += row["n"]
        for row in self.owner_resolved_rows:
            person = people.setdefault(
                row["owner_id"], {"name": _person(row), "working": 0, "waiting": 0, "done": 0}
            )
            person["done"] += row["n"] or 0
        ranked = sorted(
            people.items(),
            key=lambda item: (
                -(item[1]["working"] + item[1]["waiting"]),
                -item[1]["done"],
                item[1]["name"],
            ),
        )
        if limit is not None:
            ranked = ranked[:limit]
        names = [p["name"] for _pk, p in ranked]
        working, waiting, done = _("Working on"), _("Waiting"), _("Resolved in the period")
        return Chart(
            key="workload",
            title=_("Workload per engineer"),
            kind="hbar",
            categories=names,
            series=[
                {"name": working, "data": [p["working"] for _pk, p in ranked], "stack": "open"},
                {"name": waiting, "data": [p["waiting"] for _pk, p in ranked], "stack": "open"},
                {"name": done, "data": [p["done"] for _pk, p in ranked]},
            ],
            header=[_("Owner"), working, waiting, done],
            rows=[[p["name"], p["working"], p["waiting"], p["done"]] for _pk, p in ranked],
            links=[self.workspace_url(owner=pk, open="true") for pk, _p in ranked],
            note=(
                _("Open now, and resolved in the period; the %(n)s with the most open work")
                % {"n": limit}
                if limit
                else _("Open now, and resolved in the period")
            ),
        )

    def _received_by(self, key: str, choices: Any, title: str, kind: str, header: str) -> Chart:
        counts = q.sum_by(self.period_rows, key, "received")
        shown = [c for c in choices if counts.get(c.value)]
        shown.sort(key=lambda c: -counts[c.value])
        period = self._period_params()
        return Chart(
            key=key if key != "request_type" else "type",
            title=title,
            kind=kind,
            categories=[str(c.label) for c in shown],
            series=[{"name": _("Requests received"), "data": [counts[c.value] for c in shown]}],
            header=[header, _("Requests received")],
            rows=[[str(c.label), counts[c.value]] for c in shown],
            links=[self.workspace_url(**{key: c.value}, **period) for c in shown],
            note=_("Received %(start)s – %(end)s")
            % {"start": self.filters.start, "end": self.filters.end},
        )

    def by_channel(self) -> Chart:
        return self._received_by(
            "channel", list(Channel), _("Requests by channel"), "pie", _("Channel")
        )

    def by_type(self) -> Chart:
        return self._received_by(
            "request_type", list(RequestType), _("Requests by type"), "hbar", _("Type")
        )

    def chart(self, key: str, *, full: bool = False) -> Chart:
        """One chart by key; ``full`` lists every row where the page shows the top ones."""
        if key == "workload":
            return self.workload(limit=None if full else TOP_ENGINEERS)
        return BUILDERS[key](self)

    def charts(self) -> list[Chart]:
        """Every chart, in page order."""
        return [self.chart(key) for key in BUILDERS]


BUILDERS: dict[str, Callable[[Dashboard], Chart]] = {
    "status": Dashboard.by_status,
    "sla_now": Dashboard.sla_now,
    "department": Dashboard.by_department,
    "backlog_age": Dashboard.backlog_age,
    "sla_weekly": Dashboard.sla_weekly,
    "workload": Dashboard.workload,
    "channel": Dashboard.by_channel,
    "type": Dashboard.by_type,
}
CHART_KEYS: tuple[str, ...] = tuple(BUILDERS)
