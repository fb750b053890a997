"""Helpers shared by the parts pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet, TextChoices
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import scope_of
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for

PAGE_SIZE = 50


def require_staff(user: Any, perm: str) -> None:
    """Parts pages are internal: a portal user, or anyone without ``perm``, gets a 404."""
    if scope_of(user).is_portal or not user.has_perm(perm):
        raise Http404


def page_number(request: HttpRequest) -> int:
    """The ?page= number, 1 when absent or bad."""
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def paged(request: HttpRequest, queryset: QuerySet) -> dict[str, Any]:
    """One page of rows and whether there is a next one (one row more, no COUNT)."""
    page = page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    query = request.GET.copy()
    for key in ("page", "partial"):
        query.pop(key, None)
    base = query.urlencode()
    return {
        "rows": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "page": page,
        "base_query": base,
        "query": f"{base}&" if base else "",
    }


def run(request: HttpRequest, form: Any, call: Any) -> Any:
    """Call a service; its errors go on the form (field-named), conflicts and refusals to
    the messages. The result, or None when it failed."""
    try:
        return call()
    except DjangoValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.message)
    except DjangoPermissionDenied as exc:
        messages.error(request, str(exc) or "403")
    return None


ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "stock_arrived": gettext_lazy("stock arrived"),
    "issue": gettext_lazy("parts issued"),
    "cancel": gettext_lazy("withdrawn"),
    "receive": gettext_lazy("receipt recorded"),
    "inspect": gettext_lazy("inspected"),
    "decide": gettext_lazy("outcome decided"),
}


def history_rows(obj: Any, statuses: type[TextChoices]) -> list[dict[str, Any]]:
    """The object's history with actions and statuses in the reader's language."""
    labels = dict(statuses.choices)
    rows = []
    for entry in history_for(obj)[:50]:
        status = entry.changes.get("status") if isinstance(entry.changes, dict) else None
        rows.append(
            {
                "created_at": entry.created_at,
                "actor": entry.actor,
                "action": ACTION_LABELS.get(entry.action, entry.action),
                "before": labels.get(status[0], status[0]) if status else None,
                "after": labels.get(status[1], status[1]) if status else None,
                "message": entry.message,
            }
        )
    return rows
