"""Periodic refresh of the dashboard's daily statistics."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from aftersales.insight.stats import refresh_open_stats, refresh_recent

log = logging.getLogger(__name__)

# The nightly pass re-counts the days the dashboard shows (the 90-day period and the 12
# weeks of the compliance chart): a request reassigned to another department, reopened or
# resolved late changes days that the ten-minute pass no longer touches.
NIGHTLY_DAYS = 92


@db_periodic_task(crontab(minute="*"), retries=0, expires=55)
@lock_task("insight-refresh-open")
def refresh_open_counts() -> None:
    """Every minute, after the SLA sweep's tick: recount the open requests for the "now"
    charts (a minute old at most)."""
    refresh_open_stats()


@db_periodic_task(crontab(minute="*/10"), retries=1, retry_delay=60, expires=540)
@lock_task("insight-refresh-recent")
def refresh_recent_stats() -> None:
    """Every ten minutes: today and yesterday (yesterday catches late sweeps after midnight)."""
    result = refresh_recent(2)
    log.info(
        "Dashboard statistics: %s day rows, %s engineer rows",
        result.daily_rows,
        result.engineer_rows,
    )


# huey runs with utc=True: 18:40 UTC is 02:40 in China, when nobody is looking.
@db_periodic_task(crontab(hour="18", minute="40"), retries=1, retry_delay=300)
@lock_task("insight-refresh-nightly")
def refresh_nightly_stats() -> None:
    """Every night: the last 92 days."""
    result = refresh_recent(NIGHTLY_DAYS)
    log.info(
        "Dashboard statistics, nightly: %s day rows, %s engineer rows",
        result.daily_rows,
        result.engineer_rows,
    )
