"""Performance benchmark: computing a month's scorecards and the department KPI page.

Usage (see README, Benchmarks):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \
        .venv/bin/python bench/kpi_bench.py [--visits 5000] [--rounds 10]

Inside a transaction that is rolled back at the end, it records ``--visits`` return visits
on existing requests (their owners as the engineers) in one month, then times:
- computing that month's draft scorecards for every department (budget 5 s for 5,000 visits);
- every department KPI over 12 months for all departments (budget 1,000 ms p95), and the
  number of queries it takes (flat: one or two per KPI whatever the months and departments);
- the KPI page and the month's scorecard list as a service director sees them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from aftersales.accounts.choices import Role  # noqa: E402
from aftersales.accounts.models import User  # noqa: E402
from aftersales.feedback.choices import ReturnVisitStatus  # noqa: E402
from aftersales.feedback.models import ReturnVisit  # noqa: E402
from aftersales.kpi import registry  # noqa: E402
from aftersales.kpi.services.months import bounds, last_months, previous_month  # noqa: E402
from aftersales.kpi.services.scoring import compute_month  # noqa: E402
from aftersales.service.models import ServiceRequest  # noqa: E402
from bench.timing import report, timed  # noqa: E402

COMPUTE_BUDGET_MS = 5000.0
KPI_BUDGET_MS = 1000.0
PAGE_BUDGET_MS = 1500.0
WIDTH = 52


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def _visits(month: dt.date, count: int, rng: random.Random) -> int:
    start, _end = bounds(month)
    office = User.objects.filter(groups__name=Role.OFFICE).first() or User.objects.first()
    requests = list(
        ServiceRequest.objects.filter(owner__isnull=False, owner__department__isnull=False)
        .order_by("-id")
        .values("id", "company_id", "owner_id")[:count]
    )
    ReturnVisit.objects.bulk_create(
        (
            ReturnVisit(
                request_id=r["id"],
                company_id=r["company_id"],
                engineer_id=r["owner_id"],
                due_on=start.date(),
                status=ReturnVisitStatus.DONE,
                done_by=office,
                done_at=start + dt.timedelta(minutes=rng.randint(0, 27 * 24 * 60)),
                rating=rng.choices([5, 4, 3, 2, 1], weights=[58, 27, 8, 5, 2])[0],
            )
            for r in requests
        ),
        batch_size=1000,
    )
    return len(requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    month = previous_month(timezone.localdate())
    rng = random.Random(20261203)
    try:
        with transaction.atomic():
            made = _visits(month, args.visits, rng)
            print(f"{made} return visits in {month:%Y-%m} on {connection.vendor}")
            samples = timed(lambda: compute_month(actor=None, month=month), 3, warmup=1)
            report(f"compute {month:%Y-%m} ({made} visits)", samples, COMPUTE_BUDGET_MS, WIDTH)

            months = last_months(month, 12)
            with CaptureQueriesContext(connection) as queries:
                registry.compute(None, months)
            samples = timed(lambda: registry.compute(None, months), args.rounds, warmup=1)
            report(f"every KPI, 12 months ({len(queries)} queries)", samples, KPI_BUDGET_MS, WIDTH)

            director = User.objects.create(username="bench-kpi-director", full_name="总监")
            director.groups.add(Group.objects.get(name=Role.SERVICE_DIRECTOR))
            client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
            client.force_login(director)

            def getter(url: str, params: dict[str, str]) -> Callable[[], None]:
                def get() -> None:
                    response = client.get(url, params)
                    if response.status_code != 200:
                        raise SystemExit(f"{url}: HTTP {response.status_code}")

                return get

            for url, params in (
                ("/performance/departments/", {"month": f"{month:%Y-%m}"}),
                ("/performance/", {"month": f"{month:%Y-%m}"}),
            ):
                samples = timed(getter(url, params), args.rounds, warmup=1)
                report(f"GET {url}", samples, PAGE_BUDGET_MS, WIDTH)
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
