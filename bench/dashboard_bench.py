"""Dashboard benchmark: p50/p95 of rendering the manager dashboard, measured in-process.

Usage (see README, Benchmarks):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \
        .venv/bin/python manage.py generate_data --requests 1000000
    DATABASE_URL=... .venv/bin/python bench/dashboard_bench.py [--rounds 40]

Budget (issue: dashboard): the page renders in <= 300 ms p95 on PostgreSQL with 1,000,000
requests. The signed-in people (a service director, a department manager) are created
inside a transaction that is rolled back at the end: the benchmark leaves the database as
it found it, apart from counting the statistics once if they were never counted.

The page reads pre-aggregated rows only; what keeps them fresh is timed here too: the
minute's recount of the open requests and the ten-minute refresh of today and yesterday
(both in the rolled-back transaction).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")
os.environ.setdefault("AFTERSALES_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aftersales.accounts.choices import Role  # noqa: E402
from aftersales.accounts.models import Department, User  # noqa: E402
from aftersales.insight.models import DailyStat, OpenStat  # noqa: E402
from aftersales.insight.stats import (  # noqa: E402
    refresh_all,
    refresh_open_stats,
    refresh_recent,
)
from aftersales.service.choices import OPEN  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402
from bench.timing import report, timed  # noqa: E402

URL = "/dashboard/"
BUDGET_MS = 300.0
WIDTH = 48  # the longest case name


class Rollback(Exception):
    """Raised to undo the benchmark's users and sessions."""


def page(client: Client, params: dict[str, str]) -> Callable[[], None]:
    def get() -> None:
        response = client.get(URL, params)
        if response.status_code != 200 or b"dashboard-data" not in response.content:
            raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")

    return get


def person(username: str, role: str, department: Department | None) -> Client:
    user = User.objects.create(username=username, full_name=username, department=department)
    user.groups.add(Group.objects.get(name=role))
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    total = ServiceRequest.objects.count()
    open_now = ServiceRequest.objects.filter(status__in=OPEN).count()
    if not DailyStat.objects.exists() or not OpenStat.objects.exists():
        print("no statistics yet: counting them once (manage.py refresh_stats --all)")
        refresh_all()
    print(
        f"database: {connection.vendor}, {total:,} service requests ({open_now:,} open), "
        f"{DailyStat.objects.count():,} daily statistic rows, "
        f"{OpenStat.objects.count():,} open-count rows"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    # The department with the most open requests: the heaviest filtered page.
    busiest = (
        ServiceRequest.objects.filter(status__in=OPEN, department__isnull=False)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.filter(pk=busiest["department_id"]).first() if busiest else None
    if department is None:
        raise SystemExit("no department has open requests: generate data first")
    try:
        with transaction.atomic():
            director = person("bench.dashboard.director", Role.SERVICE_DIRECTOR, None)
            manager = person("bench.dashboard.manager", Role.DEPARTMENT_MANAGER, department)
            cases = [
                ("director, last 30 days (default)", director, {}),
                ("director, last 90 days", director, {"period": "90"}),
                ("director, 30 days, one department", director, {"department": str(department.pk)}),
                ("department manager, last 30 days", manager, {}),
            ]
            for name, client, params in cases:
                report(name, timed(page(client, params), args.rounds), BUDGET_MS, WIDTH)
            for name, client, params in cases[:1]:
                with CaptureQueriesContext(connection) as ctx:
                    page(client, params)()
                sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
                print(f"queries per page ({name}): {len(ctx.captured_queries)}, {sql_ms:.0f} ms")
                for query in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]:
                    print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:90]}")
            # The background work behind the page (the periodic tasks), undone below.
            report(
                "recount of the open requests (every minute)",
                timed(refresh_open_stats, 5, warmup=1),
                None,
                WIDTH,
            )
            report(
                "refresh of today and yesterday (every 10 min)",
                timed(lambda: refresh_recent(2), 5, warmup=1),
                None,
                WIDTH,
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
