"""Sections that one app adds to another app's page.

The request page belongs to ``service`` and the unit page to ``customers``, but trip plans,
visits, service reports, parts and warranty decisions belong to later apps. Those apps
register a panel here (from their ``AppConfig.ready``) instead of editing the page's view and
template, so the page's app never imports them (ARCHITECTURE: apps touch through public
functions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

# The pages that show panels, and what ``obj`` is on each.
REQUEST = "request"  # service.ServiceRequest, staff request page
UNIT = "unit"  # customers.Equipment, staff unit page
PORTAL_REQUEST = "portal_request"  # service.ServiceRequest, customer portal request page


@dataclass(frozen=True)
class Panel:
    """A template and the function that builds its context; a context of None hides it."""

    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int = 100


_PANELS: dict[str, dict[str, Panel]] = defaultdict(dict)


def register(page: str, panel: Panel) -> None:
    """Add (or replace, by key) a panel on ``page``."""
    _PANELS[page][panel.key] = panel


def render_panels(page: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    """The rendered panels of ``page`` for ``obj``, in order; hidden ones are left out."""
    out = []
    for panel in sorted(_PANELS[page].values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, obj)
        if context is None:
            continue
        out.append(SafeString(render_to_string(panel.template, {"obj": obj, **context}, request)))
    return out
