"""The request page: header with the SLA clocks, the timeline, the allowed actions, the
composer. Each action is a POST to one address; the page never offers what the user may
not do, and the services check again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.roles import scope_of
from aftersales.core import clock, panels
from aftersales.core.exceptions import Conflict
from aftersales.core.forms import add_service_errors
from aftersales.core.history import history_for
from aftersales.core.models import Attachment, HistoryEntry
from aftersales.service import forms, services
from aftersales.service.choices import OPEN, MessageKind, Status
from aftersales.service.models import Expert, Message, ServiceRequest
from aftersales.service.transitions import ACTIONS, allowed_actions, holds
from aftersales.sla import services as sla
from aftersales.sla.choices import TargetKind


@dataclass(frozen=True)
class PageAction:
    """A button of the request page: its form, the service it calls, how it is labelled."""

    label: str | Promise
    form: type[django_forms.Form]
    call: Callable[..., Any]
    primary: bool = False
    danger: bool = False
    extra: dict[str, Any] | None = None  # fixed arguments (the waiting status)


def _wait(status: str) -> Callable[..., Any]:
    def call(**kwargs: Any) -> Any:
        return services.wait(status=status, **kwargs)

    return call


PAGE_ACTIONS: dict[str, PageAction] = {
    "accept": PageAction(gettext_lazy("Accept"), forms.AcceptForm, services.accept_request, True),
    "start": PageAction(gettext_lazy("Start work"), forms.VersionForm, services.start_work, True),
    # No "dispatch": a request is dispatched by approving its trip plan (field app).
    "arrive": PageAction(gettext_lazy("Arrived on site"), forms.ArriveForm, services.arrive, True),
    "wait_customer": PageAction(
        gettext_lazy("Wait for customer"), forms.ReasonForm, _wait(Status.WAITING_CUSTOMER)
    ),
    "wait_parts": PageAction(
        gettext_lazy("Wait for parts"), forms.ReasonForm, _wait(Status.WAITING_PARTS)
    ),
    "wait_supplier": PageAction(
        gettext_lazy("Wait for supplier"), forms.ReasonForm, _wait(Status.WAITING_SUPPLIER)
    ),
    "resume": PageAction(gettext_lazy("Resume"), forms.VersionForm, services.resume, True),
    "resolve": PageAction(gettext_lazy("Resolve"), forms.ResolveForm, services.resolve, True),
    "confirm": PageAction(
        gettext_lazy("Confirm resolution"), forms.CommentForm, services.confirm_resolution, True
    ),
    "reject": PageAction(
        gettext_lazy("Reject resolution"), forms.ReasonForm, services.reject_resolution
    ),
    "close": PageAction(gettext_lazy("Close"), forms.VersionForm, services.close, True),
    "reopen": PageAction(gettext_lazy("Reopen"), forms.ReasonForm, services.reopen),
    "cancel": PageAction(gettext_lazy("Cancel"), forms.CancelForm, services.cancel, danger=True),
    "merge": PageAction(gettext_lazy("Merge into…"), forms.MergeForm, services.merge),
    "assign": PageAction(gettext_lazy("Reassign"), forms.AssignForm, services.assign),
}
ORDER = list(PAGE_ACTIONS)
# A new request is accepted (which names its owner), not reassigned; a finished one is
# reopened first (services.assign answers the same).
UNASSIGNABLE = frozenset({Status.NEW, Status.CLOSED, Status.CANCELLED})


def _visible(request: HttpRequest, pk: int) -> ServiceRequest:
    user: Any = request.user
    if scope_of(user).is_portal or not user.has_perm("service.view_servicerequest"):
        raise Http404
    return get_object_or_404(
        ServiceRequest.objects.visible_to(user).select_related(
            "company",
            "contact",
            "site",
            "equipment__product_model",
            "owner",
            "department",
            "category",
            "merged_into",
        ),
        pk=pk,
    )


def _allowed(user: Any, obj: ServiceRequest, expert_ids: set[int]) -> list[str]:
    names = set(allowed_actions(user, obj))
    if obj.status not in UNASSIGNABLE and holds(
        user, ACTIONS["assign"], obj, expert_ids=expert_ids
    ):
        names.add("assign")
    return [n for n in ORDER if n in names]


def _timeline(obj: ServiceRequest) -> list[dict[str, Any]]:
    """Replies, notes, attachments and history, oldest first."""
    notes = list(Message.objects.filter(request=obj).select_related("author"))
    files = list(
        Attachment.objects.filter(
            content_type__in=[
                ContentType.objects.get_for_model(ServiceRequest),
                ContentType.objects.get_for_model(Message),
            ]
        )
        .filter(object_id__in=[str(obj.pk)] + [str(m.pk) for m in notes])
        .select_related("content_type", "uploaded_by")
    )
    by_message: dict[str, list[Attachment]] = {}
    loose: list[Attachment] = []
    for f in files:
        if f.content_type.model == "message":
            by_message.setdefault(f.object_id, []).append(f)
        elif f.object_id == str(obj.pk):
            loose.append(f)
    items: list[dict[str, Any]] = [
        {"at": m.created_at, "kind": m.kind, "message": m, "files": by_message.get(str(m.pk), [])}
        for m in notes
    ]
    items += [{"at": f.created_at, "kind": "file", "file": f} for f in loose]
    events = history_for(obj).exclude(action__in=["reply", "note", "customer_reply"])
    for entry in events.order_by("created_at", "id"):
        items.append({"at": entry.created_at, "kind": "event", "entry": entry})
    items.sort(key=lambda i: i["at"])
    return items


def _clocks(obj: ServiceRequest) -> list[dict[str, Any]]:
    now = clock.now()
    cal = sla.read_calendar()
    return [
        {
            "kind": c.kind,
            "label": TargetKind(c.kind).label,
            "state": c.state(now),
            "due_at": c.due_at,
            "met_at": c.met_at,
            "remaining_seconds": sla.remaining_seconds(cal, c, now),
            "mode": c.get_mode_display(),
            "target_minutes": c.target_minutes,
        }
        for c in obj.clocks.all().order_by("kind")
    ]


def _changed_since(obj: ServiceRequest, seen_at: dt.datetime | None) -> list[HistoryEntry]:
    if seen_at is None:
        return []
    return list(history_for(obj).filter(created_at__gt=seen_at).order_by("created_at")[:20])


def _page(
    request: HttpRequest,
    obj: ServiceRequest,
    *,
    bound: dict[str, django_forms.Form] | None = None,
    composer: django_forms.Form | None = None,
    changes: list[HistoryEntry] | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    expert_rows = list(Expert.objects.filter(request=obj).select_related("user"))
    expert_ids = {e.user_id for e in expert_rows}
    names = _allowed(user, obj, expert_ids)
    initial = {"version": obj.version, "seen_at": clock.now().isoformat()}
    actions = []
    for name in names:
        spec = PAGE_ACTIONS[name]
        form = (bound or {}).get(name) or spec.form(initial=initial, prefix=name)
        simple = set(form.fields) <= {"version", "seen_at"}
        actions.append({"name": name, "spec": spec, "form": form, "simple": simple})
    can_reply = holds(user, ACTIONS["reply"], obj, expert_ids=expert_ids)
    can_note = holds(user, ACTIONS["note"], obj, expert_ids=expert_ids)
    if composer is None and (can_reply or can_note):
        composer = forms.MessageForm(
            initial={"kind": MessageKind.REPLY if can_reply else MessageKind.NOTE},
            prefix="msg",
        )
    if composer is not None:
        kinds = [
            (k, label)
            for k, label in MessageKind.choices
            if (k == MessageKind.REPLY and can_reply) or (k == MessageKind.NOTE and can_note)
        ]
        composer.fields["kind"].choices = kinds  # type: ignore[attr-defined]
    invite = None
    if obj.status in OPEN and holds(user, ACTIONS["invite_expert"], obj, expert_ids=expert_ids):
        invite = (bound or {}).get("invite") or forms.InviteForm(prefix="invite")
    warranty = None
    if obj.equipment_id and obj.equipment and obj.equipment.warranty_end:
        warranty = obj.equipment.warranty_end >= timezone.localdate()
    context = {
        "section": "requests",
        "obj": obj,
        "clocks": _clocks(obj),
        "timeline": _timeline(obj),
        "experts": expert_rows,
        "actions": actions,
        "composer": composer,
        "invite": invite,
        "changes": changes or [],
        "warranty_ok": warranty,
        "status_label": Status(obj.status).label,
        "panels": panels.render_panels(panels.REQUEST, request, obj),
    }
    return render(request, "service/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request page."""
    return _page(request, _visible(request, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Take one action on the request (a transition, reassignment or merge)."""
    obj = _visible(request, pk)
    spec = PAGE_ACTIONS.get(name)
    if spec is None:
        raise Http404
    form = spec.form(request.POST, prefix=name)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _page(request, obj, bound={name: form}, status=400)
    values = {k: v for k, v in form.cleaned_data.items() if k not in {"version", "seen_at"}}
    if name == "merge":
        number = values.pop("into").strip().upper()
        target = ServiceRequest.objects.visible_to(request.user).filter(number=number).first()
        if target is None:
            form.add_error("into", _("No request with this number."))
            return _page(request, obj, bound={name: form}, status=400)
        values["into"] = target
    try:
        spec.call(
            actor=request.user,
            request=obj,
            expected_version=form.cleaned_data["version"],
            **values,
        )
    except Conflict as exc:
        changes = _changed_since(obj, form.cleaned_data.get("seen_at"))
        messages.error(request, exc.message)
        fresh = _visible(request, pk)
        # Keep what the user typed; the new version lets them send it again after reading
        # what changed.
        data = request.POST.copy()
        data[f"{name}-version"] = str(fresh.version)
        data[f"{name}-seen_at"] = clock.now().isoformat()
        retry = spec.form(data, prefix=name)
        retry.is_valid()
        return _page(request, fresh, bound={name: retry}, changes=changes, status=409)
    except DjangoValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, _("Please correct the errors below."))
        return _page(request, obj, bound={name: form}, status=400)
    except DjangoPermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this on this request."))
        return redirect("service:detail", pk=pk)
    messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
    return redirect("service:detail", pk=pk)


@login_required
@require_POST
def post_message(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a reply or write an internal note, with attachments."""
    obj = _visible(request, pk)
    form = forms.MessageForm(request.POST, request.FILES, prefix="msg")
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _page(request, obj, composer=form, status=400)
    kind = form.cleaned_data["kind"]
    try:
        if kind == MessageKind.REPLY:
            message = services.add_reply(
                actor=request.user, request=obj, body=form.cleaned_data["body"]
            )
        else:
            message = services.add_note(
                actor=request.user, request=obj, body=form.cleaned_data["body"]
            )
        for upload in form.cleaned_data["attachments"]:
            services.attach(actor=request.user, request=obj, upload=upload, message=message)
    except DjangoValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, _("Please correct the errors below."))
        return _page(request, _visible(request, pk), composer=form, status=400)
    except (Conflict, DjangoPermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
        return _page(request, _visible(request, pk), composer=form, status=409)
    messages.success(request, _("Reply sent.") if kind == MessageKind.REPLY else _("Note saved."))
    return redirect("service:detail", pk=pk)


@login_required
@require_POST
def invite_expert(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite an expert of another department to consult (专家会诊)."""
    obj = _visible(request, pk)
    form = forms.InviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            services.invite_expert(
                actor=request.user,
                request=obj,
                expert=form.cleaned_data["expert"],
                reason=form.cleaned_data["reason"],
            )
        except DjangoValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, DjangoPermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
            return redirect("service:detail", pk=pk)
        else:
            messages.success(request, _("The expert is invited."))
            return redirect("service:detail", pk=pk)
    messages.error(request, _("Please correct the errors below."))
    return _page(request, obj, bound={"invite": form}, status=400)
