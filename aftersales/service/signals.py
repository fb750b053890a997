"""Hooks for the apps built on requests (field, parts, feedback), so this app never imports
them.

- ``status_changed`` is sent inside the transition's transaction, after the request is saved
  and its history row written, with ``request``, ``action``, ``old_status``, ``actor``. A
  receiver that writes must do so in the same transaction (it is), and one that raises rolls
  the transition back.
- ``GUARDS`` are checked before a transition is applied: ``guard(request=, action=, actor=)``
  raises ``aftersales.core.exceptions.ValidationError`` to refuse it (closing a request
  without its return visit, say).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

status_changed = Signal()

GUARDS: list[Callable[..., None]] = []


def register_guard(guard: Callable[..., None]) -> None:
    """Add a transition guard (once; registering the same function again is a no-op)."""
    if guard not in GUARDS:
        GUARDS.append(guard)


def check_guards(*, request: Any, action: str, actor: Any) -> None:
    """Run every guard; the first that refuses stops the transition."""
    for guard in GUARDS:
        guard(request=request, action=action, actor=actor)
