"""Use cases of service reports (售后服务报告): writing, customer confirmation, the manager's
sign-off, revisions and management review. Each transition is one function, one history row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.roles import scope_of
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, record_created, snapshot
from aftersales.core.numbering import next_number
from aftersales.field import signals
from aftersales.field.choices import ReportStatus
from aftersales.field.models import (
    ReportConfirmation,
    ReportLabour,
    ReportPart,
    ServiceReport,
    Visit,
)
from aftersales.field.models.reports import ConfirmationMethod, ReviewState
from aftersales.parts.models import Part
from aftersales.service.models import ServiceRequest

NUMBER_PREFIX = "FW"
EDITABLE = ["fault_found", "cause", "work_done", "customer_opinion"]
# A confirmation link lives long enough for a customer who reads it the next working day.
CONFIRMATION_TTL = dt.timedelta(hours=72)
MAX_CODE_ATTEMPTS = 5
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIGNATURE_SIDE = 2000

S = ReportStatus
# action → (from, to): the report's state machine.
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": (S.DRAFT, S.AWAITING_CUSTOMER),
    "withdraw": (S.AWAITING_CUSTOMER, S.DRAFT),
    "customer_confirm": (S.AWAITING_CUSTOMER, S.AWAITING_MANAGER),
    "return": (S.AWAITING_MANAGER, S.DRAFT),
    "sign_off": (S.AWAITING_MANAGER, S.EFFECTIVE),
    "supersede": (S.EFFECTIVE, S.SUPERSEDED),
}
# Management reviews what came back from the field: confirmed by the customer at least.
REVIEWABLE = frozenset({S.AWAITING_MANAGER, S.EFFECTIVE})


@dataclass(frozen=True)
class LabourLine:
    """Hours one engineer worked."""

    engineer: Any
    hours: Decimal


@dataclass(frozen=True)
class PartLine:
    """A catalogue part used, how many, and the serial of the part it replaced."""

    part: Part
    quantity: Decimal
    old_serial: str = ""


@dataclass(frozen=True)
class SentConfirmation:
    """What was sent to the contact; the token and code exist in clear only here."""

    confirmation: ReportConfirmation
    token: str
    code: str


# --- Helpers ---------------------------------------------------------------------------------


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def _lock(report: ServiceReport, expected_version: int | None) -> ServiceReport:
    """Reload and lock the report; a stale ``expected_version`` changes nothing (409)."""
    current = ServiceReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            _("Someone else changed this report in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, **snapshot(current, ["status", *EDITABLE])},
        )
    return current


def _require_visible(actor: Any, report: ServiceReport) -> None:
    if not ServiceReport.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise _denied()


def _field_engineer_ids(report: ServiceReport) -> set[int]:
    ids = {report.author_id}
    if report.request.owner_id:
        ids.add(report.request.owner_id)
    if report.visit_id:
        ids |= set(report.visit.engineers.values_list("pk", flat=True))  # type: ignore[union-attr]
    return ids


def is_report_engineer(actor: Any, report: ServiceReport) -> bool:
    """The author, the request's owner or an engineer of the visit, with the permission."""
    return bool(
        actor.is_authenticated
        and actor.has_perm("field.change_servicereport")
        and actor.pk in _field_engineer_ids(report)
    )


def can_sign_off(actor: Any, report: ServiceReport) -> bool:
    """The manager of the request's department (or the author's, if it has none)."""
    if not (actor.is_authenticated and actor.has_perm("field.sign_off_servicereport")):
        return False
    scope = scope_of(actor)
    if scope.has_role(Role.ADMIN):
        return True
    department_id = report.request.department_id or report.author.department_id
    return department_id in scope.managed_department_ids


def can_review(actor: Any, report: ServiceReport) -> bool:
    """Management with the review permission, on a report confirmed by the customer."""
    return bool(
        actor.is_authenticated
        and actor.has_perm("field.review_servicereport")
        and not scope_of(actor).is_portal
    )


def _require_engineer(actor: Any, report: ServiceReport) -> None:
    _require_visible(actor, report)
    if not is_report_engineer(actor, report):
        raise PermissionDenied(_("Only the engineers of this request may do this."))


def _move(
    report: ServiceReport, action: str, *, actor: Any, fields: list[str], message: str = ""
) -> None:
    """Apply one transition of the table, save the named fields and write its history row."""
    source, target = TRANSITIONS[action]
    if report.status != source:
        raise Conflict(
            _("This cannot be done while the report is “%(status)s”.")
            % {"status": report.get_status_display()},
            code="bad_transition",
        )
    # Signature images are not copied into the history; it notes that one was drawn.
    logged = ["status", *(f for f in fields if not f.endswith("_signature"))]
    before = snapshot(report, logged)
    report.status = target
    report.version += 1
    report.save(update_fields=sorted({"status", "version", "updated_at", *fields}))
    changes = diff(before, snapshot(report, logged))
    for name in fields:
        if name.endswith("_signature"):
            changes[name] = [None, _("drawn") if getattr(report, name) else None]
    record(actor=actor, action=action, obj=report, changes=changes, message=message)


def _require_draft(report: ServiceReport) -> None:
    if report.status in (S.EFFECTIVE, S.SUPERSEDED):
        raise Conflict(
            _("An effective report cannot be changed: write a revision instead."),
            code="immutable",
        )
    if report.status != S.DRAFT:
        raise Conflict(
            _("Only a draft can be edited; take the report back to draft first."),
            code="not_draft",
        )


def clean_signature(png: bytes, *, field: str = "signature") -> bytes:
    """A normalised PNG of a drawn signature; refuses what is not a PNG or is blank."""
    from PIL import Image, UnidentifiedImageError

    if not png:
        raise ValidationError({field: _("Please sign in the box.")})
    if len(png) > MAX_SIGNATURE_BYTES or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError({field: _("The signature is not a valid image.")})
    try:
        opened = Image.open(io.BytesIO(png))
        if max(opened.size) > MAX_SIGNATURE_SIDE:
            raise ValidationError({field: _("The signature is not a valid image.")})
        image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError({field: _("The signature is not a valid image.")}) from exc
    flat = Image.new("RGBA", image.size, (255, 255, 255, 255))
    flat.alpha_composite(image)
    ink = flat.convert("L").point(lambda v: 255 if v < 200 else 0)
    if ink.getbbox() is None:
        raise ValidationError({field: _("Please sign in the box.")})
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _check_lines(
    request: ServiceRequest, labour: Sequence[LabourLine], parts: Sequence[PartLine]
) -> None:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for line in labour:
        if line.hours is None or line.hours <= 0 or line.hours > 24 * 31:
            errors.setdefault("labour", []).append(
                _("Hours of %(name)s must be more than 0.") % {"name": line.engineer}
            )
        if line.engineer.pk in seen:
            errors.setdefault("labour", []).append(
                _("%(name)s is listed twice.") % {"name": line.engineer}
            )
        seen.add(line.engineer.pk)
        if scope_of(line.engineer).is_portal or not line.engineer.is_active:
            errors.setdefault("labour", []).append(
                _("%(name)s is not an engineer of the company.") % {"name": line.engineer}
            )
    for pline in parts:
        if not pline.part.is_active:
            errors.setdefault("parts", []).append(
                _("Part %(code)s is no longer in the catalogue.") % {"code": pline.part.code}
            )
        if pline.quantity is None or pline.quantity <= 0:
            errors.setdefault("parts", []).append(
                _("The quantity of %(code)s must be more than 0.") % {"code": pline.part.code}
            )
    if errors:
        raise ValidationError(errors)


def _lines_summary(report: ServiceReport) -> dict[str, list[str]]:
    labour = [
        f"{row.engineer} {row.hours}"
        for row in report.labour.select_related("engineer").order_by("engineer_id")
    ]
    parts = [
        f"{row.part.code}×{row.quantity}" + (f" ({row.old_serial})" if row.old_serial else "")
        for row in report.parts.select_related("part").order_by("id")
    ]
    return {"labour": labour, "parts": parts}


def _replace_lines(
    report: ServiceReport, labour: Sequence[LabourLine] | None, parts: Sequence[PartLine] | None
) -> None:
    if labour is not None:
        ReportLabour.objects.filter(report=report).delete()
        ReportLabour.objects.bulk_create(
            [ReportLabour(report=report, engineer=ln.engineer, hours=ln.hours) for ln in labour]
        )
    if parts is not None:
        ReportPart.objects.filter(report=report).delete()
        ReportPart.objects.bulk_create(
            [
                ReportPart(
                    report=report,
                    part=ln.part,
                    quantity=ln.quantity,
                    old_serial=ln.old_serial.strip(),
                )
                for ln in parts
            ]
        )


def compatible_parts(report: ServiceReport) -> Any:
    """Active catalogue parts, those fitting the unit's model first."""
    from django.db.models import Case, IntegerField, Value, When

    active = Part.objects.filter(is_active=True)
    equipment = report.request.equipment
    if equipment is None:
        return active.order_by("code")
    fits = Part.compatible_models.through.objects.filter(
        productmodel_id=equipment.product_model_id
    ).values("part_id")
    return active.annotate(
        fits=Case(When(pk__in=fits, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("fits", "code")


# --- Writing ---------------------------------------------------------------------------------


def create_report(
    *, actor: Any, request: ServiceRequest, visit: Visit | None = None
) -> ServiceReport:
    """Open a draft report for a request (and one of its visits), numbered FW-YYYY-NNNNNN."""
    if not actor.has_perm("field.add_servicereport"):
        raise _denied()
    if not ServiceRequest.objects.visible_to(actor).filter(pk=request.pk).exists():
        raise _denied()
    with transaction.atomic():
        if visit is not None and visit.request_id != request.pk:
            raise ValidationError({"visit": _("This visit belongs to another request.")})
        on_visit = Visit.objects.filter(request=request, engineers=actor).exists()
        if actor.pk != request.owner_id and not on_visit:
            raise PermissionDenied(_("Only the engineers of this request may write its report."))
        report = ServiceReport(
            number=next_number(NUMBER_PREFIX),
            revision=0,
            request=request,
            visit=visit,
            author=actor,
            created_at=clock.now(),
        )
        report.save(force_insert=True)
        record_created(actor=actor, obj=report, fields=["number", "revision", "request", "visit"])
    return report


def save_draft(
    *,
    actor: Any,
    report: ServiceReport,
    expected_version: int,
    data: Mapping[str, Any],
    labour: Sequence[LabourLine] | None = None,
    parts: Sequence[PartLine] | None = None,
) -> ServiceReport:
    """Change the draft's text, hours and parts under the optimistic version check."""
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    _require_engineer(actor, report)
    with transaction.atomic():
        current = _lock(report, expected_version)
        _require_draft(current)
        _check_lines(current.request, labour or [], parts or [])
        before = {**snapshot(current, EDITABLE), **_lines_summary(current)}
        for name, value in data.items():
            setattr(current, name, (value or "").strip())
        _replace_lines(current, labour, parts)
        after = {**snapshot(current, EDITABLE), **_lines_summary(current)}
        changes = diff(before, after)
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*EDITABLE, "version", "updated_at"])
        record(actor=actor, action="updated", obj=current, changes=changes)
    return current


def submit_report(*, actor: Any, report: ServiceReport, expected_version: int) -> ServiceReport:
    """The engineer hands the finished draft to the customer for confirmation."""
    _require_engineer(actor, report)
    with transaction.atomic():
        current = _lock(report, expected_version)
        errors: dict[str, str] = {}
        if not current.fault_found.strip():
            errors["fault_found"] = _("Describe the fault found.")
        if not current.work_done.strip():
            errors["work_done"] = _("Describe the work done.")
        if not current.labour.exists():
            errors["labour"] = _("Enter the hours of at least one engineer.")
        if errors and current.status == S.DRAFT:
            raise ValidationError(errors)
        current.submitted_at = clock.now()
        _move(current, "submit", actor=actor, fields=["submitted_at"])
    return current


def withdraw_report(*, actor: Any, report: ServiceReport, expected_version: int) -> ServiceReport:
    """Take a report awaiting the customer back to draft; open links stop working."""
    _require_engineer(actor, report)
    with transaction.atomic():
        current = _lock(report, expected_version)
        _move(current, "withdraw", actor=actor, fields=[])
        _revoke_open(current)
    return current


# --- Customer confirmation -------------------------------------------------------------------


def _confirm(
    report: ServiceReport,
    *,
    actor: Any,
    method: str,
    signer_name: str,
    signature: bytes | None = None,
    message: str = "",
) -> None:
    name = (signer_name or "").strip()
    if not name:
        raise ValidationError({"signer_name": _("Enter the name of the person confirming.")})
    if len(name) > 100:
        raise ValidationError({"signer_name": _("The name is too long.")})
    report.customer_method = method
    report.customer_signer = name
    report.customer_signature = signature
    report.customer_signed_at = clock.now()
    _move(
        report,
        "customer_confirm",
        actor=actor,
        fields=["customer_method", "customer_signer", "customer_signed_at", "customer_signature"],
        message=message,
    )
    _revoke_open(report)
    request = report.request
    department = request.department or report.author.department
    if department is not None and department.manager_id:
        notifications.notify(
            users=[department.manager_id],
            kind="report_awaiting_signoff",
            params={"number": report.number},
            target=report,
            url=report_url(report),
        )


def sign_by_customer(
    *,
    actor: Any,
    report: ServiceReport,
    expected_version: int,
    signer_name: str,
    signature: bytes,
) -> ServiceReport:
    """The customer signs on the engineer's phone or tablet."""
    _require_engineer(actor, report)
    png = clean_signature(signature)
    with transaction.atomic():
        current = _lock(report, expected_version)
        _confirm(
            current,
            actor=actor,
            method=ConfirmationMethod.SIGNATURE,
            signer_name=signer_name,
            signature=png,
        )
    return current


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(report_id: int, code: str) -> str:
    return salted_hmac("aftersales.field.report-code", f"{report_id}:{code}").hexdigest()


def _revoke_open(report: ServiceReport) -> None:
    ReportConfirmation.objects.filter(
        report=report, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=clock.now())


def report_url(report: ServiceReport) -> str:
    """The staff page of a report."""
    from django.urls import reverse

    return reverse("field:report-detail", args=[report.pk])


def confirmation_url(token: str) -> str:
    """The public page where the contact reads and confirms the report."""
    from django.urls import reverse

    return reverse("field:report-confirm-public", args=[token])


def send_confirmation(*, actor: Any, report: ServiceReport) -> SentConfirmation:
    """Send a one-time link and code to the request's contact (their portal notifications)."""
    _require_engineer(actor, report)
    with transaction.atomic():
        current = _lock(report, None)
        if current.status != S.AWAITING_CUSTOMER:
            raise Conflict(
                _("Only a report awaiting the customer can be sent for confirmation."),
                code="bad_transition",
            )
        contact = current.request.contact
        if contact is None:
            raise ValidationError({"contact": _("The request has no contact to send it to.")})
        if not contact.user_id or not contact.is_active:
            raise ValidationError(
                {
                    "contact": _(
                        "%(name)s has no portal account: let the customer sign on your "
                        "device instead."
                    )
                    % {"name": contact.name}
                }
            )
        _revoke_open(current)
        token = secrets.token_urlsafe(32)
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = clock.now()
        confirmation = ReportConfirmation.objects.create(
            report=current,
            contact=contact,
            token_hash=_token_hash(token),
            code_hash=_code_hash(current.pk, code),
            created_by=actor,
            created_at=now,
            expires_at=now + CONFIRMATION_TTL,
        )
        notifications.notify(
            users=[contact.user_id],
            kind="report_confirmation",
            params={"number": current.number, "code": code},
            target=current,
            url=confirmation_url(token),
        )
        record(
            actor=actor,
            action="confirmation_sent",
            obj=current,
            changes={"contact": [None, contact.name]},
        )
    return SentConfirmation(confirmation=confirmation, token=token, code=code)


def confirmation_for_token(token: str) -> ReportConfirmation | None:
    """The confirmation a link points to, usable or not (None if it never existed)."""
    return (
        ReportConfirmation.objects.select_related("report__request__company", "contact")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )


def _usable(confirmation: ReportConfirmation) -> bool:
    return (
        confirmation.used_at is None
        and confirmation.revoked_at is None
        and confirmation.expires_at > clock.now()
        and confirmation.report.status == S.AWAITING_CUSTOMER
    )


def confirm_by_link(*, token: str, signer_name: str, actor: Any = None) -> ServiceReport:
    """The contact confirms on the public page of the link (no sign-in needed)."""
    with transaction.atomic():
        found = confirmation_for_token(token)
        if found is None:
            raise PermissionDenied(_("This confirmation link is not valid."))
        confirmation = ReportConfirmation.objects.select_for_update().get(pk=found.pk)
        report = _lock(found.report, None)
        confirmation.report = report
        if not _usable(confirmation):
            raise Conflict(
                _("This confirmation link has expired or was already used."), code="link_used"
            )
        confirmation.used_at = clock.now()
        confirmation.save(update_fields=["used_at"])
        who = actor if getattr(actor, "pk", None) else None
        _confirm(
            report,
            actor=who,
            method=ConfirmationMethod.LINK,
            signer_name=signer_name,
            message=_("Confirmed through the link sent to %(name)s.")
            % {"name": confirmation.contact.name},
        )
    return report


def confirm_by_code(
    *, actor: Any, report: ServiceReport, expected_version: int, code: str, signer_name: str
) -> ServiceReport:
    """The engineer types the code the customer received; a few wrong codes void it."""
    _require_engineer(actor, report)
    wrong = False
    with transaction.atomic():
        current = _lock(report, expected_version)
        if current.status != S.AWAITING_CUSTOMER:
            raise Conflict(
                _("This cannot be done while the report is “%(status)s”.")
                % {"status": current.get_status_display()},
                code="bad_transition",
            )
        confirmation = (
            ReportConfirmation.objects.select_for_update()
            .filter(
                report=current,
                used_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=clock.now(),
            )
            .order_by("-created_at")
            .first()
        )
        if confirmation is None:
            raise ValidationError({"code": _("No valid code was sent for this report.")})
        if not constant_time_compare(
            confirmation.code_hash, _code_hash(current.pk, (code or "").strip())
        ):
            # Counted in this transaction, which commits: the error is raised after it.
            confirmation.failed_attempts += 1
            fields = ["failed_attempts"]
            if confirmation.failed_attempts >= MAX_CODE_ATTEMPTS:
                confirmation.revoked_at = clock.now()
                fields.append("revoked_at")
            confirmation.save(update_fields=fields)
            record(actor=actor, action="code_rejected", obj=current)
            wrong = True
        else:
            confirmation.used_at = clock.now()
            confirmation.save(update_fields=["used_at"])
            _confirm(
                current,
                actor=actor,
                method=ConfirmationMethod.CODE,
                signer_name=signer_name,
                message=_("Confirmed with the code sent to %(name)s.")
                % {"name": confirmation.contact.name},
            )
    if wrong:
        raise ValidationError({"code": _("The code is not correct.")})
    return current


# --- Sign-off and revisions ------------------------------------------------------------------


def return_to_engineer(
    *, actor: Any, report: ServiceReport, expected_version: int, reason: str
) -> ServiceReport:
    """The manager refuses to sign: back to draft; the customer must confirm again."""
    _require_visible(actor, report)
    if not can_sign_off(actor, report):
        raise _denied()
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say what must be corrected.")})
    with transaction.atomic():
        current = _lock(report, expected_version)
        current.customer_method = ""
        current.customer_signer = ""
        current.customer_signature = None
        current.customer_signed_at = None
        _move(
            current,
            "return",
            actor=actor,
            fields=[
                "customer_method",
                "customer_signer",
                "customer_signature",
                "customer_signed_at",
            ],
            message=reason.strip(),
        )
        notifications.notify(
            users=[current.author_id],
            kind="report_returned",
            params={"number": current.number, "reason": reason.strip()[:200]},
            target=current,
            url=report_url(current),
        )
    return current


def sign_off(
    *,
    actor: Any,
    report: ServiceReport,
    expected_version: int,
    signature: bytes | None = None,
) -> ServiceReport:
    """The department manager signs: the report is effective; a revised one is superseded."""
    _require_visible(actor, report)
    if not can_sign_off(actor, report):
        raise PermissionDenied(_("Only the manager of the department may sign this report off."))
    png = clean_signature(signature) if signature else None
    with transaction.atomic():
        current = _lock(report, expected_version)
        now = clock.now()
        if current.revises_id and current.status == S.AWAITING_MANAGER:
            previous = _lock(current.revises, None)  # type: ignore[arg-type]
            # Before the new one: one effective revision per number (a unique index).
            _move(previous, "supersede", actor=actor, fields=[])
        current.manager = actor
        current.manager_signature = png
        current.manager_signed_at = now
        current.effective_at = now
        _move(
            current,
            "sign_off",
            actor=actor,
            fields=["manager", "manager_signature", "manager_signed_at", "effective_at"],
        )
        signals.report_effective.send(sender=ServiceReport, report=current, actor=actor)
    return current


def revise_report(*, actor: Any, report: ServiceReport) -> ServiceReport:
    """Correct an effective report: a new draft revision of the same number."""
    _require_engineer(actor, report)
    with transaction.atomic():
        current = _lock(report, None)
        if current.status != S.EFFECTIVE:
            raise Conflict(_("Only the effective report can be revised."), code="bad_transition")
        if ServiceReport.objects.filter(revises=current).exists():
            raise Conflict(
                _("A revision of this report is already being written."), code="duplicate"
            )
        revision = ServiceReport(
            number=current.number,
            revision=current.revision + 1,
            request=current.request,
            visit=current.visit,
            revises=current,
            author=actor,
            created_at=clock.now(),
            **{name: getattr(current, name) for name in EDITABLE},
        )
        revision.save(force_insert=True)
        _replace_lines(
            revision,
            [LabourLine(r.engineer, r.hours) for r in current.labour.select_related("engineer")],
            [PartLine(r.part, r.quantity, r.old_serial) for r in current.parts.select_related()],
        )
        record_created(
            actor=actor, obj=revision, fields=["number", "revision", "request", "revises"]
        )
        record(
            actor=actor,
            action="revision_started",
            obj=current,
            changes={"revision": [None, revision.revision]},
        )
    return revision


# --- Management review -----------------------------------------------------------------------


def review_report(
    *,
    actor: Any,
    report: ServiceReport,
    expected_version: int,
    state: str,
    comment: str = "",
) -> ServiceReport:
    """Management's verdict on a report returned from the field, with a comment."""
    _require_visible(actor, report)
    if not can_review(actor, report):
        raise _denied()
    if state not in (ReviewState.OK, ReviewState.FOLLOW_UP):
        raise ValidationError({"review_state": _("Choose a review result.")})
    if state == ReviewState.FOLLOW_UP and not (comment or "").strip():
        raise ValidationError({"review_comment": _("Say what must be followed up.")})
    with transaction.atomic():
        current = _lock(report, expected_version)
        if current.status not in REVIEWABLE:
            raise Conflict(
                _("Only a report confirmed by the customer can be reviewed."),
                code="bad_transition",
            )
        fields = ["review_state", "review_comment", "reviewer", "reviewed_at"]
        before = snapshot(current, fields)
        current.review_state = state
        current.review_comment = (comment or "").strip()
        current.reviewer = actor
        current.reviewed_at = clock.now()
        current.version += 1
        current.save(update_fields=[*fields, "version", "updated_at"])
        record(
            actor=actor,
            action="reviewed",
            obj=current,
            changes=diff(before, snapshot(current, fields)),
        )
    return current


def open_for_review() -> Q:
    """Reports management still has to look at."""
    return Q(status__in=sorted(REVIEWABLE), review_state=ReviewState.NOT_REVIEWED)
