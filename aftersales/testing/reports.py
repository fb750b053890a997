"""Service reports in a given state, written straight to the tables: for the apps that react
to an effective report (costs, return visits, scorecards, old parts) without walking the
whole confirmation workflow in every test. Like the workflow's sign-off, an effective one is
announced with ``report_effective``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.field.choices import ReportStatus
from aftersales.field.models import ReportLabour, ReportPart, ServiceReport
from aftersales.field.models.reports import CUSTOMER_CONFIRMED
from aftersales.field.signals import report_effective
from aftersales.parts.models import Part
from aftersales.service.models import ServiceRequest

_numbers = itertools.count(1)


def report(
    request: ServiceRequest,
    *,
    author: User,
    labour: dict[User, str] | None = None,
    parts: Iterable[tuple[Part, str] | tuple[Part, str, str]] = (),
    status: str = ReportStatus.EFFECTIVE,
    effective_at: dt.datetime | None = None,
    revises: ServiceReport | None = None,
    actor: Any = None,
) -> ServiceReport:
    """A service report of ``request``; an effective one is announced like a sign-off."""
    effective = status == ReportStatus.EFFECTIVE
    # Written as a draft with its lines, then confirmed and signed off in one update: the
    # database freezes a confirmed report's lines and wants both signatures on it.
    made = ServiceReport.objects.create(
        number=revises.number if revises else f"FR-T{next(_numbers):05d}",
        revision=revises.revision + 1 if revises else 1,
        revises=revises,
        request=request,
        author=author,
        status=ReportStatus.DRAFT,
        work_done="更换机械密封",
    )
    for engineer, hours in (labour or {author: "1"}).items():
        ReportLabour.objects.create(report=made, engineer=engineer, hours=Decimal(hours))
    for p, quantity, *serial in parts:  # (part, quantity[, old part's serial])
        ReportPart.objects.create(
            report=made, part=p, quantity=Decimal(quantity), old_serial=serial[0] if serial else ""
        )
    if effective and revises is not None:
        ServiceReport.objects.filter(pk=revises.pk).update(status=ReportStatus.SUPERSEDED)
    if status != ReportStatus.DRAFT:
        when = (effective_at or timezone.now()) if effective else None
        signed = when or timezone.now()
        fields: dict[str, Any] = {"status": status, "effective_at": when}
        if status in CUSTOMER_CONFIRMED:
            fields.update(customer_signer="张伟", customer_signed_at=signed)
        if status in (ReportStatus.EFFECTIVE, ReportStatus.SUPERSEDED):
            manager = request.department.manager if request.department else None
            fields.update(manager=manager or author, manager_signed_at=signed)
        ServiceReport.objects.filter(pk=made.pk).update(**fields)
        made.refresh_from_db()
    if effective:
        report_effective.send(sender=ServiceReport, report=made, actor=actor)
    return made
