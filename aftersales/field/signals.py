"""Hooks of field service for later apps (feedback: a return visit follows an effective
report), so this app never imports them.

``report_effective`` is sent inside the sign-off's transaction with ``report`` and ``actor``.
"""

from django.dispatch import Signal

report_effective = Signal()
