"""Errors raised by service functions; views and the API map them to HTTP answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["Conflict", "PermissionDenied", "ValidationError"]


class Conflict(Exception):
    """The request is valid but clashes with the object's current state (HTTP 409).

    Raised for forbidden transitions and for stale versions; ``current`` may carry the
    object's current values so that a client can show what changed.
    """

    def __init__(self, message: str, *, code: str = "conflict", current: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.current = current or {}
