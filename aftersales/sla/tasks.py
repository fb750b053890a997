"""Periodic SLA work."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from aftersales.sla.sweep import sweep

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"), retries=0, expires=55)
@lock_task("sla-sweep-tick")
def sla_sweep() -> None:
    """Every minute: warn, breach, escalate. The lock keeps one sweep per consumer tick;
    the sweep itself stays correct if two run at once (rows are claimed)."""
    result = sweep()
    if result.total:
        log.info(
            "SLA sweep: %s warned, %s breached, %s escalated",
            result.warned,
            result.breached,
            result.escalated,
        )
