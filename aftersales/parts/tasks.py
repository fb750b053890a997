"""Background work of the parts app: thin tasks that take ids and call a service."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from aftersales.parts.services import suppliers

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/15"), retries=0, expires=14 * 60)
@lock_task("parts-supplier-overdue")
def supplier_notice_sweep() -> None:
    """Every quarter hour: escalate overdue supplier notices to purchasing (each once; the
    sweep claims its rows, so two consumers never escalate a notice twice)."""
    count = suppliers.escalate_overdue()
    if count:
        log.info("Supplier notices escalated to purchasing: %s", count)


@db_task(retries=3, retry_delay=60)
def email_supplier_notice(notice_id: int, attachment_id: int) -> None:
    """Mail a sent notice's PDF to its supplier (retried when the mail server is down)."""
    suppliers.email_notice(notice_id=notice_id, attachment_id=attachment_id)
