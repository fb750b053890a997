"""Use cases of suppliers and supplier service notices (供应商服务通知).

Seed (售后服务管理制度 3): for a problem with a bought-in part the supplier is told in writing
the device problem, model, quantity, site address, contact name and phone, the date by which
it must be solved and who bears the cost. The notice is followed until solved; an overdue
notice escalates to purchasing; the supplier's service is rated (on time, quality).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import DepartmentKind
from aftersales.accounts.models import Department
from aftersales.core import clock, notifications
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import record
from aftersales.core.models import Attachment
from aftersales.core.numbering import next_number
from aftersales.core.pdf import render_pdf
from aftersales.core.services import (
    add_attachment,
    create_object,
    lock_version,
    require_perm,
    update_object,
)
from aftersales.parts.models.suppliers import (
    OPEN_NOTICE,
    CostBearer,
    NoticeStatus,
    Supplier,
    SupplierNotice,
)
from aftersales.service.models import ServiceRequest

SUPPLIER_FIELDS = ["name", "name_en", "contact_name", "phone", "email", "is_active"]
NOTICE_FIELDS = [
    "supplier",
    "request",
    "problem",
    "model",
    "quantity",
    "site_address",
    "contact_name",
    "contact_phone",
    "required_by",
    "cost_bearer",
    "cost_note",
]

# The notice's state machine: action → (allowed sources, target).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "send": (frozenset({NoticeStatus.DRAFT}), NoticeStatus.SENT),
    "respond": (frozenset(OPEN_NOTICE), NoticeStatus.RESPONDED),
    "solve": (frozenset(OPEN_NOTICE), NoticeStatus.SOLVED),
    "cancel": (frozenset({NoticeStatus.DRAFT, *OPEN_NOTICE}), NoticeStatus.CANCELLED),
}


def allowed_actions(actor: Any, notice: SupplierNotice) -> list[str]:
    """The transitions ``actor`` may take on ``notice`` now (for the page)."""
    perm = {
        "send": "parts.change_suppliernotice",
        "respond": "parts.change_suppliernotice",
        "solve": "parts.rate_suppliernotice",
        "cancel": "parts.change_suppliernotice",
    }
    return [
        name
        for name, (sources, _target) in TRANSITIONS.items()
        if notice.status in sources and actor.has_perm(perm[name])
    ]


def _today() -> dt.date:
    return timezone.localdate(clock.now())


# --- Suppliers ------------------------------------------------------------------------------


def create_supplier(*, actor: Any, data: Mapping[str, Any]) -> Supplier:
    """Add a supplier of bought-in parts."""
    require_perm(actor, "parts.add_supplier")
    unknown = set(data) - set(SUPPLIER_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    with transaction.atomic():
        if Supplier.objects.filter(name=(data.get("name") or "").strip()).exists():
            raise ValidationError({"name": _("A supplier of this name exists already.")})
        supplier = Supplier(**{k: v.strip() if isinstance(v, str) else v for k, v in data.items()})
        return create_object(actor=actor, instance=supplier, fields=SUPPLIER_FIELDS)


def update_supplier(
    *, actor: Any, supplier: Supplier, expected_version: int, changes: Mapping[str, Any]
) -> Supplier:
    """Change a supplier's name or contact details."""
    require_perm(actor, "parts.change_supplier")
    with transaction.atomic():
        return update_object(
            actor=actor,
            instance=supplier,
            expected_version=expected_version,
            changes=changes,
            editable=SUPPLIER_FIELDS,
        )


# --- Notices --------------------------------------------------------------------------------


def create_notice(*, actor: Any, data: Mapping[str, Any]) -> SupplierNotice:
    """Write a draft notice; the site and contact default from the linked request."""
    require_perm(actor, "parts.add_suppliernotice")
    unknown = set(data) - set(NOTICE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    values = dict(data)
    with transaction.atomic():
        supplier = values.get("supplier")
        if (
            supplier is None
            or not Supplier.objects.visible_to(actor)
            .filter(pk=supplier.pk, is_active=True)
            .exists()
        ):
            raise ValidationError({"supplier": _("Choose an active supplier.")})
        sr = values.get("request")
        if sr is not None:
            if not ServiceRequest.objects.visible_to(actor).filter(pk=sr.pk).exists():
                raise ValidationError({"request": _("No request with this number.")})
            _fill_from_request(values, sr)
        required_by = values.get("required_by")
        if required_by is not None and required_by < _today():
            raise ValidationError({"required_by": _("The date cannot be in the past.")})
        if (
            values.get("cost_bearer") == CostBearer.SHARED
            and not (values.get("cost_note") or "").strip()
        ):
            raise ValidationError({"cost_note": _("Say how the cost is shared.")})
        notice = SupplierNotice(
            number=next_number("SUP"),
            created_by=actor,
            **{k: v.strip() if isinstance(v, str) else v for k, v in values.items()},
        )
        return create_object(actor=actor, instance=notice, fields=["number", *NOTICE_FIELDS])


def _fill_from_request(values: dict[str, Any], sr: ServiceRequest) -> None:
    site = sr.site
    if not values.get("site_address") and site is not None:
        values["site_address"] = " ".join(
            p for p in (site.province, site.city, site.address or site.name) if p
        )
    contact = sr.contact
    if contact is not None:
        if not values.get("contact_name"):
            values["contact_name"] = contact.name
        if not values.get("contact_phone"):
            values["contact_phone"] = contact.mobile or contact.phone


def _lock(actor: Any, notice: SupplierNotice, expected_version: int, action: str) -> SupplierNotice:
    if not SupplierNotice.objects.visible_to(actor).filter(pk=notice.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))
    current = lock_version(SupplierNotice, notice.pk, expected_version, ["status"])
    sources, _target = TRANSITIONS[action]
    if current.status not in sources:
        raise Conflict(
            _("This is not possible for a notice that is %(status)s.")
            % {"status": current.get_status_display()},
            code="invalid_transition",
        )
    return current


def _save(notice: SupplierNotice, fields: list[str]) -> None:
    notice.version += 1
    notice.save(update_fields=[*fields, "status", "version", "updated_at"])


def notice_pdf(notice: SupplierNotice, request: Any = None) -> bytes:
    """The notice as the supplier receives it (A4, Chinese fonts embedded), in Chinese
    whatever the sender's interface language: it is a letter to a Chinese supplier."""
    with translation.override("zh-hans"):
        return render_pdf("parts/pdf/supplier_notice.html", {"notice": notice}, request)


def notice_filename(notice: SupplierNotice) -> str:
    """The PDF's file name: the notice number."""
    return f"{notice.number}.pdf"


def send_notice(
    *, actor: Any, notice: SupplierNotice, expected_version: int, http_request: Any = None
) -> SupplierNotice:
    """Send the notice: its PDF is kept on the notice as sent, and mailed to the supplier's
    address (after commit) when it has one."""
    require_perm(actor, "parts.change_suppliernotice")
    with transaction.atomic():
        current = _lock(actor, notice, expected_version, "send")
        current.status = NoticeStatus.SENT
        current.sent_at = clock.now()
        current.sent_by = actor
        current.emailed_to = current.supplier.email
        content = notice_pdf(current, http_request)
        upload = SimpleUploadedFile(
            notice_filename(current), content, content_type="application/pdf"
        )
        attachment = add_attachment(actor=actor, target=current, upload=upload)
        _save(current, ["sent_at", "sent_by", "emailed_to"])
        record(
            actor=actor,
            action="notice_sent",
            obj=current,
            changes={
                "status": [NoticeStatus.DRAFT, current.status],
                "emailed_to": [None, current.emailed_to],
            },
        )
        if current.request_id:
            record(
                actor=actor,
                action="supplier_notified",
                obj=current.request,  # type: ignore[arg-type]
                changes={"supplier_notice": [None, {"id": current.pk, "repr": str(current)}]},
            )
        if current.emailed_to:
            from aftersales.parts.tasks import email_supplier_notice

            notice_id, attachment_id = current.pk, attachment.pk
            transaction.on_commit(lambda: email_supplier_notice(notice_id, attachment_id))
        return current


def email_notice(*, notice_id: int, attachment_id: int) -> bool:
    """Mail a sent notice's PDF to its supplier; False if there is nothing to send."""
    notice = SupplierNotice.objects.select_related("supplier").filter(pk=notice_id).first()
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if notice is None or attachment is None or not notice.emailed_to:
        return False
    subject = _("Supplier service notice %(number)s from %(company)s") % {
        "number": notice.number,
        "company": settings.AFTERSALES_COMPANY_NAME,
    }
    body = _(
        "Please find attached our service notice %(number)s. We ask you to solve the problem "
        "by %(date)s and to reply to this message."
    ) % {"number": notice.number, "date": notice.required_by.isoformat()}
    mail = EmailMessage(subject=subject, body=body, to=[notice.emailed_to])
    with attachment.file.open("rb") as fh:
        mail.attach(attachment.original_name, fh.read(), "application/pdf")
    mail.send()
    return True


def record_response(
    *, actor: Any, notice: SupplierNotice, expected_version: int, response: str
) -> SupplierNotice:
    """Record what the supplier answered (again, if they answer more than once)."""
    require_perm(actor, "parts.change_suppliernotice")
    if not response.strip():
        raise ValidationError({"response": _("Write down the supplier's response.")})
    with transaction.atomic():
        current = _lock(actor, notice, expected_version, "respond")
        old = current.status
        before = current.response
        current.status = NoticeStatus.RESPONDED
        current.response = response.strip()
        current.responded_at = current.responded_at or clock.now()
        _save(current, ["response", "responded_at"])
        record(
            actor=actor,
            action="notice_responded",
            obj=current,
            changes={"status": [old, current.status], "response": [before, current.response]},
        )
        return current


def solve_notice(
    *, actor: Any, notice: SupplierNotice, expected_version: int, outcome: str, quality: int
) -> SupplierNotice:
    """Close the notice as solved and rate the supplier's service: on time (solved by the
    required date, in the company's time zone) and quality from 1 to 5."""
    require_perm(actor, "parts.rate_suppliernotice")
    errors: dict[str, str] = {}
    if not outcome.strip():
        errors["outcome"] = _("Describe how the problem was solved.")
    if not isinstance(quality, int) or not 1 <= quality <= 5:
        errors["quality"] = _("Rate the quality from 1 to 5.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(actor, notice, expected_version, "solve")
        old = current.status
        current.status = NoticeStatus.SOLVED
        current.solved_at = clock.now()
        current.outcome = outcome.strip()
        current.quality = quality
        current.on_time = timezone.localdate(current.solved_at) <= current.required_by
        current.rated_by = actor
        _save(current, ["solved_at", "outcome", "quality", "on_time", "rated_by"])
        record(
            actor=actor,
            action="notice_solved",
            obj=current,
            changes={
                "status": [old, current.status],
                "on_time": [None, current.on_time],
                "quality": [None, quality],
            },
            message=current.outcome,
        )
        return current


def cancel_notice(
    *, actor: Any, notice: SupplierNotice, expected_version: int, reason: str
) -> SupplierNotice:
    """Cancel a notice that is no longer needed, with the reason."""
    require_perm(actor, "parts.change_suppliernotice")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the notice is cancelled.")})
    with transaction.atomic():
        current = _lock(actor, notice, expected_version, "cancel")
        old = current.status
        current.status = NoticeStatus.CANCELLED
        current.cancelled_at = clock.now()
        current.cancel_reason = reason.strip()[:255]
        _save(current, ["cancelled_at", "cancel_reason"])
        record(
            actor=actor,
            action="notice_cancelled",
            obj=current,
            changes={"status": [old, current.status]},
            message=current.cancel_reason,
        )
        return current


# --- The overdue sweep ----------------------------------------------------------------------


def overdue() -> Q:
    """Open notices past their required date that were not escalated yet."""
    return Q(status__in=OPEN_NOTICE, escalated_at__isnull=True, required_by__lt=_today())


def purchasing_managers() -> list[int]:
    """Who hears of overdue notices: the managers of the purchasing departments."""
    return list(
        Department.objects.filter(kind=DepartmentKind.PURCHASING, manager__is_active=True)
        .values_list("manager_id", flat=True)
        .distinct()
    )


def escalate_overdue(*, batch: int = 200) -> int:
    """Escalate overdue notices to purchasing, each once; returns how many.

    Several consumers may run this at once: rows are claimed with ``SKIP LOCKED`` where the
    database has it, and each update re-checks ``escalated_at IS NULL`` so a notice another
    run already escalated is left alone (SQLite serialises writers instead).
    """
    managers = purchasing_managers()
    with transaction.atomic():
        rows = SupplierNotice.objects.filter(overdue()).order_by("required_by", "pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True, of=("self",))
        claimed = list(rows.select_related("supplier")[:batch])
        now = clock.now()
        done = 0
        for notice in claimed:
            if not SupplierNotice.objects.filter(pk=notice.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            done += 1
            record(
                actor=None,
                action="notice_escalated",
                obj=notice,
                changes={"escalated_at": [None, now]},
                message=_("Overdue since %(date)s") % {"date": notice.required_by.isoformat()},
            )
            notifications.notify(
                users=managers,
                kind="supplier_notice_overdue",
                params={
                    "number": notice.number,
                    "supplier": notice.supplier.name,
                    "date": notice.required_by.isoformat(),
                },
                target=notice,
                url=f"/supplier-notices/{notice.pk}/",
            )
        return done


# --- The per-supplier report ----------------------------------------------------------------


@dataclass(frozen=True)
class SupplierScore:
    """One supplier's service record."""

    supplier: Supplier
    notices: int
    open: int
    solved: int
    on_time: int
    overdue: int
    quality: float | None

    @property
    def on_time_percent(self) -> float | None:
        """Share of solved notices solved by their required date."""
        return round(100 * self.on_time / self.solved, 1) if self.solved else None


def supplier_scores(actor: Any) -> list[SupplierScore]:
    """Notices, open, solved, on-time share and average quality per supplier (one query)."""
    today = _today()
    rows = (
        Supplier.objects.visible_to(actor)
        .annotate(
            n_notices=Count("notices", filter=~Q(notices__status=NoticeStatus.CANCELLED)),
            n_open=Count("notices", filter=Q(notices__status__in=OPEN_NOTICE)),
            n_solved=Count("notices", filter=Q(notices__status=NoticeStatus.SOLVED)),
            n_on_time=Count(
                "notices", filter=Q(notices__status=NoticeStatus.SOLVED, notices__on_time=True)
            ),
            n_overdue=Count(
                "notices",
                filter=Q(notices__status__in=OPEN_NOTICE, notices__required_by__lt=today),
            ),
            avg_quality=Avg("notices__quality", filter=Q(notices__status=NoticeStatus.SOLVED)),
        )
        .order_by("name")
    )
    return [
        SupplierScore(
            supplier=s,
            notices=s.n_notices,
            open=s.n_open,
            solved=s.n_solved,
            on_time=s.n_on_time,
            overdue=s.n_overdue,
            quality=round(float(s.avg_quality), 2) if s.avg_quality is not None else None,
        )
        for s in rows
    ]


# --- Wiring (called from the app's ready) ---------------------------------------------------

EVENTS: dict[str, str | Promise] = {
    "notice_sent": gettext_lazy("sent the notice to the supplier"),
    "notice_responded": gettext_lazy("recorded the supplier's response"),
    "notice_solved": gettext_lazy("closed the notice as solved and rated the supplier"),
    "notice_cancelled": gettext_lazy("cancelled the notice"),
    "notice_escalated": gettext_lazy("escalated the overdue notice to purchasing"),
    "supplier_notified": gettext_lazy("sent a service notice to a supplier"),
}


def connect() -> None:
    """Register the notification text and the timeline labels."""
    from aftersales.core import events

    notifications.TEMPLATES.setdefault(
        "supplier_notice_overdue",
        gettext_lazy(
            "Supplier notice %(number)s to %(supplier)s is overdue (to be solved by %(date)s)."
        ),
    )
    events.register(EVENTS)
