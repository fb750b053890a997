"""Gapless yearly document numbers such as ``PJ-2026-000012``."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from aftersales.core import clock
from aftersales.core.models import Sequence


def next_number(prefix: str, *, year: int | None = None, width: int = 6) -> str:
    """Allocate the next number for ``prefix`` in ``year`` inside the caller's transaction.

    The counter row is incremented with an UPDATE, which holds its row lock until the
    caller commits: concurrent creators queue behind it, and a rollback gives the number
    back. So numbers are unique and consecutive, with no gaps, under concurrency.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside transaction.atomic()")
    year = year or timezone.localtime(clock.now()).year
    rows = Sequence.objects.filter(prefix=prefix, year=year)
    if not rows.update(last_value=F("last_value") + 1):
        try:
            with transaction.atomic():
                Sequence.objects.create(prefix=prefix, year=year, last_value=1)
        except IntegrityError:
            # Another transaction created the row first; we queued on its unique index.
            rows.update(last_value=F("last_value") + 1)
    value = rows.values_list("last_value", flat=True).get()
    return f"{prefix}-{year}-{value:0{width}d}"
