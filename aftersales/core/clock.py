"""The one source of "now" for service functions.

Normally this is ``django.utils.timezone.now()``. Loading historical records (the demo
company, a migration from paper registers) runs the same services inside ``at(moment)`` so
that milestones, clocks and history rows carry the time the event really happened.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar(
    "aftersales_now", default=None
)


def now() -> dt.datetime:
    """The current time, or the moment set by ``at()``."""
    return _override.get() or timezone.now()


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    """Run the enclosed service calls as if it were ``moment`` (aware datetimes only)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    token = _override.set(moment)
    try:
        yield
    finally:
        _override.reset(token)
