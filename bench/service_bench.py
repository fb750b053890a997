"""Service-request benchmark: p50/p95 of the hot paths, measured in-process.

Usage (see README, Benchmarks):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \
        .venv/bin/python manage.py generate_data --requests 1000000
    DATABASE_URL=... .venv/bin/python bench/service_bench.py [--rounds 200]

Budgets (issue 3, PostgreSQL, 1,000,000 requests, 2 cores): list p95 <= 50 ms,
search p95 <= 150 ms, detail p95 <= 30 ms, sweep of 10,000 due rows <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from aftersales.accounts.models import User  # noqa: E402
from aftersales.customers.models import Company  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402
from aftersales.sla.models import Clock  # noqa: E402
from aftersales.sla.services import forget_read_calendar  # noqa: E402
from aftersales.sla.sweep import sweep  # noqa: E402
from bench.timing import report, timed  # noqa: E402

URL = "/api/v1/service-requests/"
TERMS = ["漏水", "异响", "报警", "跳闸", "振动", "黑屏"]


class Rollback(Exception):
    """Raised to undo a measured sweep."""


def ok(response) -> None:  # type: ignore[no-untyped-def]
    if response.status_code >= 300:
        raise SystemExit(f"HTTP {response.status_code}: {response.content[:300]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--sweeps", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(1)

    total = ServiceRequest.objects.count()
    print(
        f"database: {connection.vendor}, {total:,} service requests, "
        f"{Clock.objects.count():,} clocks"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    agent = User.objects.get(username="bench.agent")
    engineers = list(User.objects.filter(username__startswith="bench.eng"))
    companies = list(Company.objects.filter(code__startswith="BENCH-")[:50])
    ids = list(ServiceRequest.objects.order_by("?").values_list("pk", flat=True)[:500])
    staff = APIClient()

    def as_user(client: APIClient, pk: int) -> APIClient:
        # A fresh user object for each request, as session authentication loads one: the
        # permission and scope caches live on it and must not carry over between requests.
        client.force_authenticate(User.objects.get(pk=pk))
        return client

    def create() -> None:
        company = rng.choice(companies)
        ok(
            as_user(staff, agent.pk).post(
                URL,
                {
                    "channel": "phone",
                    "request_type": "fault",
                    "priority": "P3",
                    "company": company.pk,
                    "title": "冷却水泵漏水",
                    "description": "客户来电：二号机组冷却水泵机械密封漏水。",
                },
                format="json",
            )
        )

    # One client (one handler, its middleware built once, as in a server process) that
    # acts as each engineer in turn: a client per engineer built the middleware stack,
    # WhiteNoise's file index included, inside the first measured request of each.
    engineer_client = APIClient()

    def owner_list() -> None:
        engineer = rng.choice(engineers)
        ok(
            as_user(engineer_client, engineer.pk).get(
                URL,
                {"owner": engineer.pk, "open": "true", "ordering": "next_due_at", "page_size": 50},
            )
        )

    def search() -> None:
        ok(as_user(staff, agent.pk).get(URL, {"q": rng.choice(TERMS), "page_size": 50}))

    def detail() -> None:
        ok(as_user(staff, agent.pk).get(f"{URL}{rng.choice(ids)}/"))

    report("create a request (POST)", timed(create, max(20, args.rounds // 4)), None)
    report("owner's open requests by due time (50)", timed(owner_list, args.rounds), 50)
    report("search a two-character Chinese term (50)", timed(search, args.rounds), 150)
    report("fetch a detail", timed(detail, args.rounds), 30)

    engineer = engineers[0]
    forget_read_calendar()  # count the calendar's queries in neither: it is kept a minute
    as_user(engineer_client, engineer.pk).get(URL, {"owner": engineer.pk, "page_size": 2})
    for size in (2, 50):
        client = as_user(engineer_client, engineer.pk)
        with CaptureQueriesContext(connection) as ctx:
            ok(
                client.get(
                    URL, {"owner": engineer.pk, "ordering": "next_due_at", "page_size": size}
                )
            )
        print(f"list queries with page_size={size}: {len(ctx.captured_queries)}")

    sweeps = []
    now = timezone.now()
    for _round in range(args.sweeps):
        try:
            with transaction.atomic():
                chosen = list(
                    Clock.objects.filter(met_at__isnull=False)
                    .order_by("?")
                    .values_list("pk", flat=True)[:10_000]
                )
                Clock.objects.filter(pk__in=chosen).update(
                    met_at=None,
                    stopped_at=None,
                    breached_at=None,
                    escalation_level=0,
                    next_escalation_at=None,
                    running_since=now - dt.timedelta(hours=2),
                    due_at=now - dt.timedelta(minutes=1),
                    warn_at=now - dt.timedelta(minutes=5),
                    warned_at=now - dt.timedelta(minutes=5),
                )
                start = time.perf_counter()
                result = sweep(now=now)
                sweeps.append((time.perf_counter() - start) * 1000)
                assert result.breached >= 10_000, result
                raise Rollback
        except Rollback:
            pass
    report("SLA sweep of 10,000 due rows (breaches)", sweeps, 2000)


if __name__ == "__main__":
    main()
