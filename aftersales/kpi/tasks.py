"""Periodic performance work: last month's draft scorecards on the 1st."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from aftersales.kpi.services.months import previous_month
from aftersales.kpi.services.scoring import compute_month

log = logging.getLogger(__name__)


def compute_last_month(today: dt.date | None = None) -> int:
    """Compute the drafts of the month before ``today`` (company date) for every department;
    locked months are left alone, so running twice is harmless. Returns the months written."""
    month = previous_month(today or timezone.localdate())
    periods = compute_month(actor=None, month=month)
    log.info("Scorecards of %s computed for %s departments", f"{month:%Y-%m}", len(periods))
    return len(periods)


# Huey runs in UTC: 02:00 UTC on the 1st is 10:00 in Beijing, after the night's late
# return visits of the last day are recorded.
@db_periodic_task(crontab(day="1", hour="2", minute="0"), retries=2, retry_delay=600)
@lock_task("kpi-compute-last-month")
def compute_last_month_scorecards() -> None:
    """On the 1st: last month's draft scorecards."""
    compute_last_month()
