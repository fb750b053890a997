"""What each history action is called on a timeline, in the reader's language.

Apps register the labels of the actions they write (``register`` from ``AppConfig.ready``),
so a page that shows another app's history rows (the request timeline shows visits and
service reports) can name them without importing that app.
"""

from __future__ import annotations

from django.utils.functional import Promise

LABELS: dict[str, str | Promise] = {}


def register(labels: dict[str, str | Promise]) -> None:
    """Add action labels; a later registration of the same action wins."""
    LABELS.update(labels)


def label(action: str) -> str:
    """The label of ``action``, or the action itself if nobody registered it."""
    return str(LABELS.get(action, action))
