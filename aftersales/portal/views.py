"""The customer portal: a customer's contacts submit and follow their company's requests.

Every lookup starts from ``visible_to(user)``, so another company's request, unit or file
answers 404 like a missing one; staff get 404 on every portal page (they have their own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.accounts.roles import scope_of
from aftersales.core import clock, panels
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.models import Attachment, HistoryEntry
from aftersales.customers.models import Equipment, Site
from aftersales.portal.forms import ConfirmForm, NewRequestForm, RejectForm, ReplyForm
from aftersales.portal.words import (
    ACTIVE,
    NEEDS_YOU,
    status_words,
    warranty_state,
    warranty_words,
)
from aftersales.service import services
from aftersales.service.choices import RequestType, Status
from aftersales.service.models import Message, ServiceRequest
from aftersales.service.transitions import allowed_actions

PAGE_SIZE = 25
MAX_CHANGES = 20
FINISHED = frozenset({Status.CLOSED, Status.CANCELLED})
# What a customer may learn of a change someone else made: never a note, a reason for a
# reassignment or an owner's department, only what the portal page itself shows.
CHANGE_LABELS = {
    "status": gettext_lazy("status"),
    "request_type": gettext_lazy("type"),
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "equipment": gettext_lazy("unit"),
    "site": gettext_lazy("site"),
}


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for a portal user linked to a company; anyone else signed in gets 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scope = scope_of(request.user)
        if not scope.is_portal or scope.company_id is None:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- Lists ----------------------------------------------------------------------------------


@require_GET
@portal_page
def home(request: HttpRequest) -> HttpResponse:
    """The company's requests: those still being handled or waiting for the customer first,
    then the finished ones, newest first; one page at a time without counting them all."""
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    ordered = (
        ServiceRequest.objects.visible_to(request.user)
        .annotate(
            finished=Case(
                When(status__in=sorted(ACTIVE), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("finished", "-received_at", "-id")
    )
    # One more row than shown tells whether there is a next page without a full count.
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in ordered.values(
            "id",
            "number",
            "title",
            "status",
            "request_type",
            "received_at",
            "equipment__serial_number",
            "site__name",
        )[start : start + PAGE_SIZE + 1]
    ]
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for row in rows:
        row["status_words"] = status_words(row["status"])
        row["needs_you"] = row["status"] in NEEDS_YOU
        row["type_label"] = RequestType(row["request_type"]).label
    context = {"section": "portal", "rows": rows, "more": more, "page": page}
    template = "portal/_request_rows.html" if _is_htmx(request) else "portal/home.html"
    return render(request, template, context)


@require_GET
@portal_page
def equipment(request: HttpRequest) -> HttpResponse:
    """The company's units with their model, site and warranty end."""
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    today = _today()
    units = list(
        Equipment.objects.visible_to(request.user)
        .select_related("product_model", "site")
        .order_by("serial_number", "id")[start : start + PAGE_SIZE + 1]
    )
    more = len(units) > PAGE_SIZE
    rows = []
    for unit in units[:PAGE_SIZE]:
        state = warranty_state(unit, today)
        rows.append({"unit": unit, "warranty": state, "warranty_words": _warranty_short(state)})
    context = {"section": "portal", "rows": rows, "more": more, "page": page}
    template = "portal/_equipment_rows.html" if _is_htmx(request) else "portal/equipment.html"
    return render(request, template, context)


def _warranty_short(state: str) -> str:
    return {
        "in": _("In warranty"),
        "expired": _("Expired"),
    }.get(state, _("Unknown"))


# --- Submitting -----------------------------------------------------------------------------


def _apply_errors(form: forms.Form, exc: ValidationError, rename: dict[str, str]) -> None:
    """Service errors on the form field they name (``file`` → ``attachments``), else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        name = rename.get(field, field)
        if name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, [f"{field}: {e}" for e in errors])


def _not_done(request: HttpRequest, text: str) -> None:
    """The error message of a form shown again; files cannot survive a round trip."""
    messages.error(request, text)
    if request.FILES:
        messages.warning(
            request, _("Files are not kept when a form is shown again: please choose them again.")
        )


@require_http_methods(["GET", "POST"])
@portal_page
def new_request(request: HttpRequest) -> HttpResponse:
    """Submit a request for one of the company's units (``?unit=`` pre-selects it) or
    sites, with files; the request and its files are saved together or not at all."""
    user: Any = request.user
    today = _today()
    units = (
        Equipment.objects.visible_to(user)
        .select_related("product_model", "site")
        .order_by("serial_number", "id")
    )
    sites = Site.objects.visible_to(user).filter(is_active=True).order_by("name", "id")
    if request.method == "POST":
        form = NewRequestForm(request.POST, request.FILES, units=units, sites=sites, today=today)
        if form.is_valid():
            try:
                # One transaction: a file the attach service refuses leaves no request behind
                # (and the numbering stays gapless).
                with transaction.atomic():
                    created = services.register_request(actor=user, data=form.request_data())
                    for upload in form.cleaned_data["attachments"]:
                        services.attach(actor=user, request=created, upload=upload)
            except ValidationError as exc:
                _apply_errors(form, exc, {"file": "attachments"})
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your request %(number)s was submitted. We will answer soon.")
                    % {"number": created.number},
                )
                return redirect("portal:detail", pk=created.pk)
        _not_done(request, _("The request was not submitted: please check the marked fields."))
    else:
        initial: dict[str, Any] = {}
        raw = request.GET.get("unit")
        if raw is not None:
            # Another company's unit (or a guessed number) is simply not there.
            if not raw.isdigit():
                raise Http404
            initial = {"equipment": get_object_or_404(units, pk=int(raw)).pk}
        form = NewRequestForm(initial=initial, units=units, sites=sites, today=today)
    return render(request, "portal/new.html", {"section": "portal", "form": form})


# --- One request ----------------------------------------------------------------------------


def _own_request(request: HttpRequest, pk: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.visible_to(request.user).select_related(
            "equipment__product_model", "site", "merged_into"
        ),
        pk=pk,
    )


def _shown(field: str, value: Any) -> str:
    if value in (None, ""):
        return "—"
    if field == "status":
        return status_words(str(value))
    if field == "request_type" and value in RequestType.values:
        return str(RequestType(value).label)
    if isinstance(value, dict):
        return str(value.get("repr", ""))
    return str(value)


def changes_since(sr: ServiceRequest, seen_at: dt.datetime) -> list[dict[str, Any]]:
    """What changed on ``sr`` after ``seen_at`` that the customer may know, oldest first."""
    entries = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ServiceRequest),
        object_id=str(sr.pk),
        created_at__gt=seen_at,
    ).order_by("created_at", "id")[:MAX_CHANGES]
    found = []
    for entry in entries.only("created_at", "changes"):
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for field, label in CHANGE_LABELS.items():
            pair = changes.get(field)
            if not isinstance(pair, list) or len(pair) != 2:
                continue
            before, after = pair
            if field == "description":
                # Long text: say that it changed; the page shows the new one.
                before, after = None, _("changed")
            found.append(
                {
                    "at": entry.created_at,
                    "field": label,
                    "before": _shown(field, before),
                    "after": _shown(field, after),
                }
            )
    return found


def _attachments(sr: ServiceRequest, replies: list[Message]) -> dict[tuple[str, int], list]:
    """Files of the request and of the replies shown, by (kind, id), in one query."""
    request_type = ContentType.objects.get_for_model(ServiceRequest)
    message_type = ContentType.objects.get_for_model(Message)
    found: dict[tuple[str, int], list] = {}
    rows = Attachment.objects.filter(
        Q(content_type=request_type, object_id=str(sr.pk))
        | Q(content_type=message_type, object_id__in=[str(m.pk) for m in replies])
    ).order_by("created_at", "id")
    for a in rows.only("key", "original_name", "size", "content_type_id", "object_id"):
        kind = "request" if a.content_type_id == request_type.pk else "message"
        found.setdefault((kind, int(a.object_id)), []).append(a)
    return found


FORMS: dict[str, type[forms.Form]] = {
    "reply": ReplyForm,
    "confirm": ConfirmForm,
    "reject": RejectForm,
}
# The typed text of each form, to carry it over when its action is no longer possible.
TEXT_FIELD = {"reply": "body", "confirm": "comment", "reject": "reason"}


def _render_detail(
    request: HttpRequest,
    sr: ServiceRequest,
    *,
    bound: dict[str, forms.Form] | None = None,
    seen_at: dt.datetime | None = None,
    changes: list[dict[str, Any]] | None = None,
    unsent: str = "",
    status: int = 200,
) -> HttpResponse:
    """The request as the customer sees it: replies only, never internal notes."""
    user: Any = request.user
    # Message.visible_to drops internal notes for portal users: the one place that rule lives.
    replies = list(
        Message.objects.visible_to(user)
        .filter(request=sr)
        .select_related("author")
        .order_by("created_at", "id")
    )
    files = _attachments(sr, replies)
    actions = set(allowed_actions(user, sr))
    can_reply = sr.status not in FINISHED
    initial = {"version": sr.version, "seen_at": clock.now().isoformat()}
    page_forms = {
        key: form_class(initial=initial, auto_id=f"{key}-%s") for key, form_class in FORMS.items()
    }
    page_forms.update(bound or {})
    conversation = [
        {
            "message": m,
            "mine": m.author_id == user.pk,
            "new": seen_at is not None and m.created_at > seen_at and m.author_id != user.pk,
            "files": files.get(("message", m.pk), []),
        }
        for m in replies
    ]
    context = {
        "section": "portal",
        "sr": sr,
        "status_words": status_words(sr.status),
        "needs_you": sr.status in NEEDS_YOU,
        "type_label": RequestType(sr.request_type).label,
        "warranty": (
            warranty_words(warranty_state(sr.equipment, _today()), sr.equipment.warranty_end)
            if sr.equipment
            else ""
        ),
        "request_files": files.get(("request", sr.pk), []),
        "conversation": conversation,
        "show_resolution": bool(sr.resolution)
        and sr.status in {Status.RESOLVED, Status.CONFIRMED, Status.CLOSED},
        "can_reply": can_reply,
        "can_confirm": "confirm" in actions,
        "can_reject": "reject" in actions,
        "forms": page_forms,
        "conflict": changes is not None,
        "changes": changes or [],
        "unsent": unsent,
        "panels": panels.render_panels(panels.PORTAL_REQUEST, request, sr),
    }
    return render(request, "portal/detail.html", context, status=status)


@require_GET
@portal_page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: what was reported, the conversation, files, and what to do next."""
    return _render_detail(request, _own_request(request, pk))


def _conflict(
    request: HttpRequest, pk: int, key: str, form: forms.Form, exc: Conflict
) -> HttpResponse:
    """Show the request as it is now, what changed since the page was shown, and the
    customer's text again: in the same form if its action is still possible, else in the
    reply box, else read-only to copy."""
    sr = _own_request(request, pk)
    seen_at = form.cleaned_data.get("seen_at")
    text = form.cleaned_data.get(TEXT_FIELD[key], "")
    possible = {
        "reply": sr.status not in FINISHED,
        **{a: a in allowed_actions(request.user, sr) for a in ("confirm", "reject")},
    }
    fresh = {"version": sr.version, "seen_at": clock.now().isoformat()}
    bound: dict[str, forms.Form] = {}
    unsent = ""
    if possible[key]:
        data = {**request.POST.dict(), **fresh}
        bound[key] = FORMS[key](data, auto_id=f"{key}-%s")
    elif text and possible["reply"]:
        bound["reply"] = ReplyForm({"body": text, **fresh}, auto_id="reply-%s")
    else:
        unsent = text
    for form_ in bound.values():
        form_.is_valid()  # errors of the retried text show at once
    stale = exc.code == "stale_version"
    _not_done(
        request,
        _(
            "This request changed while you were writing, so nothing was saved. "
            "Please review what changed and submit again."
        )
        if stale
        else exc.message,
    )
    if "reply" in bound and key != "reply":
        messages.info(request, _("Your text is in the reply box below, ready to send."))
    return _render_detail(
        request,
        sr,
        bound=bound,
        seen_at=seen_at,
        changes=changes_since(sr, seen_at) if stale and seen_at else [],
        unsent=unsent,
        status=409,
    )


def _act(
    request: HttpRequest,
    pk: int,
    key: str,
    perform: Callable[[ServiceRequest, Any, dict[str, Any]], None],
    success: str,
) -> HttpResponse:
    """Validate the posted form, run the service call(s) in one transaction, then PRG."""
    sr = _own_request(request, pk)
    form = FORMS[key](request.POST, request.FILES, auto_id=f"{key}-%s")
    if form.is_valid():
        try:
            with transaction.atomic():
                perform(sr, request.user, form.cleaned_data)
        except Conflict as exc:
            return _conflict(request, pk, key, form, exc)
        except ValidationError as exc:
            _apply_errors(form, exc, {"file": "attachments"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect("portal:detail", pk=sr.pk)
    _not_done(request, _("Nothing was saved: please check the marked fields."))
    return _render_detail(request, sr, bound={key: form})


def _check_version(sr: ServiceRequest, expected: int) -> None:
    """The reply service takes no version; hold the row and compare it here (same
    transaction), so that a reply is never sent against a page that is out of date."""
    current = (
        ServiceRequest.objects.select_for_update()
        .filter(pk=sr.pk)
        .values_list("version", flat=True)
        .get()
    )
    if current != expected:
        raise Conflict(_("This request changed meanwhile."), code="stale_version")


def _reply(sr: ServiceRequest, user: Any, data: dict[str, Any]) -> None:
    _check_version(sr, data["version"])
    message = services.add_reply(actor=user, request=sr, body=data["body"])
    for upload in data["attachments"]:
        services.attach(actor=user, request=sr, upload=upload, message=message)


def _confirm(sr: ServiceRequest, user: Any, data: dict[str, Any]) -> None:
    services.confirm_resolution(
        actor=user, request=sr, expected_version=data["version"], comment=data["comment"]
    )


def _reject(sr: ServiceRequest, user: Any, data: dict[str, Any]) -> None:
    services.reject_resolution(
        actor=user, request=sr, expected_version=data["version"], reason=data["reason"]
    )


@require_POST
@portal_page
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a message (with files) to the service team."""
    return _act(request, pk, "reply", _reply, _("Your message was sent."))


@require_POST
@portal_page
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm that the problem is solved."""
    return _act(request, pk, "confirm", _confirm, _("Thank you: you confirmed the solution."))


@require_POST
@portal_page
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Say the problem is not solved: the request goes back to work with the reason."""
    return _act(
        request,
        pk,
        "reject",
        _reject,
        _("The request is back with our team; they will get in touch with you."),
    )
