"""``manage.py load_demo [--if-empty] [--seed N]``: load the demo company into an empty database."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aftersales.accounts.models import Department, User
from aftersales.customers.choices import HandoverStatus
from aftersales.demo.build import DEMO_USERNAMES, build_demo
from aftersales.demo.data import DEMO_SEED
from aftersales.insight.stats import refresh_all


@contextmanager
def _no_query_log() -> Iterator[None]:
    """Switch off Django's debug query log for the bulk load. It keeps only the last 9000 of
    the load's ~50,000 queries anyway, and on SQLite each logged query costs an extra query
    to quote its parameters: about a sixth of the load time."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


class Command(BaseCommand):
    """Load the demo data: departments, staff, customers, projects, handovers, equipment,
    the category tree and service requests."""

    help = (
        "Load the demo company (departments, staff, 30 customers, projects with handovers, "
        "300 equipment units, the category tree and 400 service requests of the last 120 days) "
        "into an empty database, in one transaction."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (instead of failing) when the database already has departments.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEMO_SEED,
            help=f"Seed of the random generator (default {DEMO_SEED}); the same seed on the "
            "same day gives the same data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Department.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo data not loaded: the database already has departments.")
                return
            raise CommandError(
                "The database already has departments; load_demo fills an empty database only "
                "(use --if-empty to skip quietly)."
            )
        taken = sorted(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken:
            raise CommandError(f"These demo usernames are already taken: {', '.join(taken)}")
        started = time.monotonic()
        with _no_query_log():
            world = build_demo(seed=options["seed"])
            # The dashboard's period charts read daily statistics: count the demo's days.
            refresh_all()
        elapsed = time.monotonic() - started
        completed = sum(p.handover_status == HandoverStatus.COMPLETED for p in world.projects)
        org, customers = world.organisation, world.customers
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo in {elapsed:.1f} s (seed {world.seed}): "
                f"{len(org.departments)} departments, {len(org.users)} staff, "
                f"{len(customers.portal_users)} portal users, "
                f"{len(customers.companies)} customers, "
                f"{len(world.projects)} projects ({completed} handed over), "
                f"{len(world.equipment)} equipment units, "
                f"{len(world.categories)} categories, "
                f"{len(world.service_requests)} service requests."
            )
        )
        self.stdout.write("Run `manage.py demo_logins` to see the logins.")
