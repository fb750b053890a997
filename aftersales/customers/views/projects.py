"""A project's page: its handover checklist, the three confirmations and their actions."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.forms import add_service_errors
from aftersales.core.models import Attachment
from aftersales.customers import services
from aftersales.customers.choices import HandoverParty, HandoverSection, HandoverStatus
from aftersales.customers.forms import (
    ConfirmHandoverForm,
    HandoverItemForm,
    WithdrawHandoverForm,
)
from aftersales.customers.models import Company, HandoverConfirmation, HandoverItem, Project
from aftersales.customers.views.common import require_staff

SECTION_ORDER = {value: index for index, value in enumerate(HandoverSection.values)}


@dataclass
class Handover:
    """A project's checklist and confirmations as the page shows them."""

    project: Project
    items: list[HandoverItem]
    confirmations: list[HandoverConfirmation]
    active: dict[str, HandoverConfirmation] = field(init=False)
    state: str = field(init=False)

    def __post_init__(self) -> None:
        self.active = {c.party: c for c in self.confirmations if c.withdrawn_at is None}
        # The version a confirmation or withdrawal is checked against: it changes whenever
        # a section, a confirmation or the project itself does.
        parts = [f"p{self.project.version}"]
        parts += [f"i{i.pk}.{i.version}" for i in self.items]
        parts += [f"c{c.pk}" for c in self.confirmations if c.withdrawn_at is None]
        self.state = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    @property
    def completed(self) -> bool:
        return self.project.handover_status == HandoverStatus.COMPLETED

    @property
    def all_filled(self) -> bool:
        return all(item.is_filled for item in self.items)


def _project_or_404(request: HttpRequest, pk: int) -> Project:
    require_staff(request.user, "customers.view_project")
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "company",
            "site",
            "project_manager",
            "project_department",
            "service_department",
        ),
        pk=pk,
    )


def _load(project: Project) -> Handover:
    items = sorted(
        HandoverItem.objects.filter(project_id=project.pk).select_related("updated_by"),
        key=lambda item: (SECTION_ORDER.get(item.section, 99), item.pk),
    )
    confirmations = list(
        HandoverConfirmation.objects.filter(project_id=project.pk)
        .select_related("confirmed_by", "signed_by_contact", "withdrawn_by")
        .order_by("confirmed_at", "pk")
    )
    return Handover(project, items, confirmations)


def may_confirm(user: Any, project: Project, party: str) -> bool:
    """Whether ``user`` may confirm for ``party``: asks the service's own rule, so the page
    never offers what the service would refuse (a missing signer is asked for by the form)."""
    try:
        services._authorise_party(user, project, party, None)
    except PermissionDenied:
        return False
    except ValidationError:
        return True
    return True


def _attachments(items: list[HandoverItem]) -> dict[int, list[Attachment]]:
    found: dict[int, list[Attachment]] = {item.pk: [] for item in items}
    if not found:
        return found
    content_type = ContentType.objects.get_for_model(HandoverItem)
    rows = Attachment.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in found]
    ).order_by("created_at", "pk")
    for attachment in rows.only("key", "original_name", "size", "object_id", "created_at"):
        found[int(attachment.object_id)].append(attachment)
    return found


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The project page; ``bound`` holds a submitted form to show again with its errors."""
    user: Any = request.user
    bound = bound or {}
    for submitted in bound.values():
        # The form may sit far down a long page: say at the top that nothing was saved.
        if submitted.errors:
            problems = list(submitted.non_field_errors()) or [_("Please correct the errors below.")]
            for problem in problems:
                messages.error(request, str(problem))
    handover = _load(project)
    may_edit = user.has_perm("customers.change_handoveritem")
    editable = may_edit and not handover.completed and not handover.active
    attachments = _attachments(handover.items)
    items = []
    for item in handover.items:
        key = f"item-{item.pk}"
        form = bound.get(key)
        if form is None and editable:
            form = HandoverItemForm(
                prefix=key,
                initial={
                    "version": item.version,
                    "content": item.content,
                    "not_applicable": item.not_applicable,
                },
            )
        items.append({"item": item, "form": form, "attachments": attachments[item.pk]})
    parties = []
    can_confirm_now = not handover.completed and handover.all_filled
    may_some_party = False
    for party in HandoverParty:
        active = handover.active.get(party)
        allowed = not handover.completed and may_confirm(user, project, party)
        may_some_party = may_some_party or (allowed and active is None)
        confirm_form = bound.get(f"confirm-{party}")
        if confirm_form is None and allowed and active is None and can_confirm_now:
            confirm_form = ConfirmHandoverForm(
                prefix=f"confirm-{party}",
                party=party,
                company_id=project.company_id,
                initial={"version": handover.state},
            )
        withdraw_form = bound.get(f"withdraw-{party}")
        if (
            withdraw_form is None
            and active is not None
            and not handover.completed
            and (active.confirmed_by_id == user.pk or allowed)
        ):
            withdraw_form = WithdrawHandoverForm(
                prefix=f"withdraw-{party}", initial={"version": handover.state}
            )
        parties.append(
            {
                "party": party,
                "active": active,
                "confirm_form": confirm_form,
                "withdraw_form": withdraw_form,
            }
        )
    context = {
        "section": "customers",
        "project": project,
        "handover": handover,
        "items": items,
        "parties": parties,
        "withdrawn": [c for c in handover.confirmations if c.withdrawn_at is not None],
        "may_edit": may_edit,
        "editable": editable,
        "waits_for_checklist": may_some_party and not handover.completed and not can_confirm_now,
        "company_visible": Company.objects.visible_to(user).filter(pk=project.company_id).exists(),
    }
    return render(request, "customers/project_detail.html", context, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project: its facts, the handover checklist (8 sections), the three confirmations,
    and the forms for what the user may do about them."""
    return _project_page(request, _project_or_404(request, pk))


def _back(project: Project, anchor: str) -> HttpResponse:
    return redirect(reverse("customers:project-detail", args=[project.pk]) + f"#{anchor}")


def _denied(form: forms.Form, exc: PermissionDenied) -> None:
    form.add_error(None, str(exc) or _("You may not do this."))


@login_required
@require_POST
def handover_item_update(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save one checklist section under its version; a stale version keeps the user's text
    and shows what someone else saved meanwhile."""
    project = _project_or_404(request, pk)
    item = get_object_or_404(HandoverItem.objects.filter(project_id=project.pk), pk=item_pk)
    key = f"item-{item.pk}"
    form = HandoverItemForm(request.POST, prefix=key)
    status = 400
    if form.is_valid():
        try:
            services.update_handover_item(
                actor=request.user,
                item=item,
                expected_version=form.cleaned_data["version"],
                content=form.cleaned_data["content"],
                not_applicable=form.cleaned_data["not_applicable"],
            )
        except Conflict as exc:
            status = 409
            if exc.code == "stale_version":
                # Re-stamp the form with the version now saved: the page shows the other
                # person's text above the user's, and saving again is a deliberate overwrite.
                data = request.POST.copy()
                data[f"{key}-version"] = str(exc.current.get("version", item.version))
                form = HandoverItemForm(data, prefix=key)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Someone else saved this section while you were editing it. Their "
                        "text is shown above; yours is kept below. Save again to replace theirs."
                    ),
                )
            else:
                form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            status = 403
            _denied(form, exc)
        else:
            messages.success(
                request,
                _("Section “%(section)s” saved.") % {"section": item.get_section_display()},
            )
            return _back(project, key)
    return _project_page(request, project, bound={key: form}, status=status)


def _party_or_404(party: str) -> str:
    if party not in HandoverParty.values:
        raise Http404
    return party


def _check_state(project: Project, expected: str) -> None:
    """Refuse a confirmation or withdrawal made on a page that no longer shows the handover
    as it is. Called under the project's row lock, which every handover service also takes,
    so nothing can change between this check and the service's write."""
    if _load(project).state != expected:
        raise Conflict(
            _(
                "The checklist or the confirmations changed since you opened this page. "
                "Review them and try again."
            ),
            code="stale_version",
        )


@login_required
@require_POST
def handover_confirm(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    """Confirm the handover for one party; the third confirmation completes it."""
    project = _project_or_404(request, pk)
    party = _party_or_404(party)
    key = f"confirm-{party}"
    form: forms.Form = ConfirmHandoverForm(
        request.POST, prefix=key, party=party, company_id=project.company_id
    )
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                locked = Project.objects.select_for_update().get(pk=project.pk)
                _check_state(locked, form.cleaned_data["version"])
                services.confirm_handover(
                    actor=request.user,
                    project=locked,
                    party=party,
                    comment=form.cleaned_data["comment"],
                    signed_by_contact=form.cleaned_data.get("signed_by_contact"),
                )
        except Conflict as exc:
            status = 409
            form = _restamp(request, form, project, key, party=party)
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            status = 403
            _denied(form, exc)
        else:
            project.refresh_from_db()
            if project.handover_status == HandoverStatus.COMPLETED:
                messages.success(
                    request,
                    _("All three parties have confirmed: the handover is complete."),
                )
            else:
                messages.success(
                    request,
                    _("%(party)s: confirmed.") % {"party": HandoverParty(party).label},
                )
            return _back(project, "confirmations")
    return _project_page(request, project, bound={key: form}, status=status)


def _restamp(
    request: HttpRequest, form: forms.Form, project: Project, key: str, party: str | None = None
) -> forms.Form:
    """The submitted form again, stamped with the handover's current state."""
    data = request.POST.copy()
    data[f"{key}-version"] = _load(project).state
    if party is not None:
        fresh: forms.Form = ConfirmHandoverForm(
            data, prefix=key, party=party, company_id=project.company_id
        )
    else:
        fresh = WithdrawHandoverForm(data, prefix=key)
    fresh.is_valid()
    return fresh


@login_required
@require_POST
def handover_withdraw(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    """Withdraw a party's confirmation (with a reason) before the handover is complete."""
    project = _project_or_404(request, pk)
    party = _party_or_404(party)
    key = f"withdraw-{party}"
    form: forms.Form = WithdrawHandoverForm(request.POST, prefix=key)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                locked = Project.objects.select_for_update().get(pk=project.pk)
                _check_state(locked, form.cleaned_data["version"])
                services.withdraw_handover_confirmation(
                    actor=request.user,
                    project=locked,
                    party=party,
                    reason=form.cleaned_data["reason"],
                )
        except Conflict as exc:
            status = 409
            form = _restamp(request, form, project, key)
            form.add_error(None, exc.message)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            status = 403
            _denied(form, exc)
        else:
            messages.success(
                request,
                _("%(party)s: confirmation withdrawn.") % {"party": HandoverParty(party).label},
            )
            return _back(project, "confirmations")
    return _project_page(request, project, bound={key: form}, status=status)
