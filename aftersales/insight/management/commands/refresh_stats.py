"""``manage.py refresh_stats [--days N | --all]``: recompute the dashboard's daily statistics."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aftersales.insight.stats import refresh_all, refresh_open_stats, refresh_recent


class Command(BaseCommand):
    """Rebuild whole days of statistics; safe to run at any time and as often as wanted."""

    help = (
        "Recount the open requests and recompute the dashboard's daily statistics for the "
        "last N days (today included), or for every day since the first request with --all."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="How many days back (default 2).")
        parser.add_argument("--all", action="store_true", help="Every day since the first request.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        started = time.monotonic()
        if options["all"]:
            result = refresh_all()
        else:
            refresh_open_stats()
            result = refresh_recent(options["days"])
        if result is None:
            self.stdout.write("No requests yet: nothing to count.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Statistics of {result.first}..{result.last} rebuilt in "
                f"{time.monotonic() - started:.1f} s: {result.daily_rows} day rows, "
                f"{result.engineer_rows} engineer rows."
            )
        )
