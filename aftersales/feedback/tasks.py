"""Periodic feedback work."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from aftersales.feedback.services.returnvisits import create_periodic_visits

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="5"), retries=2, retry_delay=300, expires=3600)
@lock_task("feedback-periodic-visits")
def periodic_visits() -> None:
    """Every morning: create the key-account visits that have fallen due (idempotent)."""
    created = create_periodic_visits()
    if created:
        log.info("key-account visits created: %s", created)
