"""API representations of service requests."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.models import User
from aftersales.core import clock
from aftersales.core.api.base import VisibleRelatedField
from aftersales.core.i18n import localized
from aftersales.customers.models import Company, Contact, Equipment, Site
from aftersales.service.choices import CancelReason, MessageKind, Status
from aftersales.service.models import Category, Message, ServiceRequest
from aftersales.sla import services as sla
from aftersales.sla.models import Clock, clock_state

_DATETIME = serializers.DateTimeField()


def _iso(value: dt.datetime | None) -> str | None:
    """Datetimes as DRF renders them: ISO 8601 in the current time zone."""
    return None if value is None else _DATETIME.to_representation(value)


class _Iso:
    """_iso for many values: the current time zone looked up once, not per value."""

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()

    def __call__(self, value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(self.tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


class ClockSerializer(serializers.ModelSerializer):
    """One SLA target: due time, remaining time and state at the moment of reading."""

    state = serializers.SerializerMethodField()
    remaining_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Clock
        fields = [
            "kind",
            "target_minutes",
            "mode",
            "due_at",
            "remaining_seconds",
            "state",
            "met_at",
            "breached_at",
            "escalation_level",
        ]

    def _now(self) -> dt.datetime:
        return self.context.get("now") or clock.now()

    def get_state(self, obj: Clock) -> str:
        return obj.state(self._now())

    def to_representation(self, instance: Clock) -> dict[str, Any]:
        # Hand-written: a list page shows 100+ clocks and DRF's per-field machinery was the
        # largest cost of the page. The declared fields still describe it in the schema.
        now = self._now()
        return {
            "kind": instance.kind,
            "target_minutes": instance.target_minutes,
            "mode": instance.mode,
            "due_at": _iso(instance.due_at),
            "remaining_seconds": self.get_remaining_seconds(instance),
            "state": instance.state(now),
            "met_at": _iso(instance.met_at),
            "breached_at": _iso(instance.breached_at),
            "escalation_level": instance.escalation_level,
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_remaining_seconds(self, obj: Clock) -> int | None:
        # The view puts one calendar in the context for the whole page (no per-row loading).
        cal = self.context.get("calendar") or sla.read_calendar()
        return sla.remaining_seconds(cal, obj, self._now())


class CategorySerializer(serializers.ModelSerializer):
    """A category node."""

    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "parent",
            "code",
            "name",
            "name_en",
            "display_name",
            "product_line",
            "is_active",
        ]


class ServiceRequestSerializer(serializers.ModelSerializer):
    """A service request with its SLA clocks."""

    # ModelSerializer introspects the model to build its ~40 fields on every instance: a
    # seventh of a detail call. They depend only on the class, so build them once and hand
    # each instance its own copy (binding sets the parent on the copy).
    _built_fields: ClassVar[dict[type, dict[str, Any]]] = {}

    def get_fields(self) -> dict[str, Any]:
        built = self._built_fields.get(type(self))
        if built is None:
            built = self._built_fields[type(self)] = super().get_fields()
        return copy.deepcopy(built)

    company = VisibleRelatedField(queryset=Company.objects.all())
    contact = VisibleRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)
    site = VisibleRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    equipment = VisibleRelatedField(
        queryset=Equipment.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    owner_name = serializers.SerializerMethodField()
    clocks = ClockSerializer(many=True, read_only=True)
    received_at = serializers.DateTimeField(required=False)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "channel",
            "request_type",
            "category",
            "priority",
            "company",
            "company_name",
            "contact",
            "site",
            "equipment",
            "title",
            "description",
            "received_at",
            "owner",
            "owner_name",
            "department",
            "status",
            "resume_status",
            "accepted_at",
            "first_response_at",
            "dispatched_at",
            "on_site_at",
            "resolved_at",
            "confirmed_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "reopen_count",
            "resolution",
            "merged_into",
            "next_due_at",
            "sla_state",
            "calendar_missing",
            "clocks",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "department",
            "status",
            "resume_status",
            "accepted_at",
            "first_response_at",
            "dispatched_at",
            "on_site_at",
            "resolved_at",
            "confirmed_at",
            "closed_at",
            "cancelled_at",
            "cancel_reason",
            "reopen_count",
            "resolution",
            "merged_into",
            "next_due_at",
            "sla_state",
            "calendar_missing",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_owner_name(self, obj: ServiceRequest) -> str:
        return str(obj.owner) if obj.owner_id else ""


class ServiceRequestListSerializer(serializers.ModelSerializer):
    """The columns of a request list: about a third of the detail's fields, so a page of 50
    serializes in a few milliseconds."""

    company_name = serializers.CharField(source="company.display_name", read_only=True)
    owner_name = serializers.CharField(read_only=True)
    clocks = ClockSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "title",
            "channel",
            "request_type",
            "priority",
            "status",
            "company",
            "company_name",
            "owner",
            "owner_name",
            "department",
            "received_at",
            "next_due_at",
            "sla_state",
            "clocks",
            "version",
        ]
        read_only_fields = fields

    # Rows are built by list_rows, not by this serializer: it only describes the shape.


# The columns of a list row, read with values(): a page of 50 builds no model instances.
LIST_VALUES = (
    "id",
    "number",
    "title",
    "channel",
    "request_type",
    "priority",
    "status",
    "company_id",
    "company__name",
    "company__name_en",
    "owner_id",
    "owner__username",
    "owner__full_name",
    "owner__first_name",
    "owner__last_name",
    "department_id",
    "received_at",
    "next_due_at",
    "sla_state",
    "version",
)


@dataclass(slots=True)
class ClockRow:
    """A clock read for a list, without the model (see ClockTimes)."""

    request_id: int
    kind: str
    target_minutes: int
    mode: str
    consumed_seconds: int
    running_since: dt.datetime | None
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    warned_at: dt.datetime | None
    met_at: dt.datetime | None
    breached_at: dt.datetime | None
    stopped_at: dt.datetime | None
    escalation_level: int


CLOCK_ROW_COLUMNS = tuple(ClockRow.__slots__)


def _person(first: str, last: str, full: str, username: str) -> str:
    """User.__str__ from a values() row."""
    return full or f"{first} {last}".strip() or username


def list_rows(rows: list[dict[str, Any]], context: dict[str, Any]) -> list[dict[str, Any]]:
    """The list's rows as ServiceRequestListSerializer describes them, with one query for
    all of their clocks.

    Hand-built from values(): model instances, Django's prefetch machinery and DRF's
    per-field serializers were most of a 50-row page's time.
    """
    now = context.get("now") or clock.now()
    cal = context.get("calendar") or sla.read_calendar()
    iso = _Iso()
    clocks: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
    if clocks:
        loaded = Clock.objects.filter(request_id__in=list(clocks)).order_by("request_id", "kind")
        for values in loaded.values_list(*CLOCK_ROW_COLUMNS):
            c = ClockRow(*values)
            clocks[c.request_id].append(
                {
                    "kind": c.kind,
                    "target_minutes": c.target_minutes,
                    "mode": c.mode,
                    "due_at": iso(c.due_at),
                    "remaining_seconds": sla.remaining_seconds(cal, c, now),
                    "state": clock_state(c, now),
                    "met_at": iso(c.met_at),
                    "breached_at": iso(c.breached_at),
                    "escalation_level": c.escalation_level,
                }
            )
    return [
        {
            "id": row["id"],
            "number": row["number"],
            "title": row["title"],
            "channel": row["channel"],
            "request_type": row["request_type"],
            "priority": row["priority"],
            "status": row["status"],
            "company": row["company_id"],
            "company_name": localized(row["company__name"], row["company__name_en"]),
            "owner": row["owner_id"],
            "owner_name": (
                _person(
                    row["owner__first_name"],
                    row["owner__last_name"],
                    row["owner__full_name"],
                    row["owner__username"],
                )
                if row["owner_id"]
                else ""
            ),
            "department": row["department_id"],
            "received_at": iso(row["received_at"]),
            "next_due_at": iso(row["next_due_at"]),
            "sla_state": row["sla_state"],
            "clocks": clocks[row["id"]],
            "version": row["version"],
        }
        for row in rows
    ]


class MessageSerializer(serializers.ModelSerializer):
    """A reply or internal note."""

    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "author", "author_name", "body", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]


class VersionSerializer(serializers.Serializer):
    """Every action carries the version the client last read."""

    version = serializers.IntegerField(
        help_text=_("The version you last read; a stale one answers 409.")
    )


class AcceptSerializer(VersionSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class ArriveSerializer(VersionSerializer):
    at = serializers.DateTimeField(required=False, allow_null=True)


class WaitSerializer(VersionSerializer):
    status = serializers.ChoiceField(
        choices=[
            (Status.WAITING_CUSTOMER, Status.WAITING_CUSTOMER.label),
            (Status.WAITING_PARTS, Status.WAITING_PARTS.label),
            (Status.WAITING_SUPPLIER, Status.WAITING_SUPPLIER.label),
        ]
    )
    reason = serializers.CharField()


class ResolveSerializer(VersionSerializer):
    resolution = serializers.CharField()


class CommentSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField()


class CancelSerializer(VersionSerializer):
    reason = serializers.ChoiceField(choices=CancelReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MergeSerializer(VersionSerializer):
    into = serializers.PrimaryKeyRelatedField(queryset=ServiceRequest.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_into(self, value: ServiceRequest) -> ServiceRequest:
        request = self.context["request"]
        if not ServiceRequest.objects.visible_to(request.user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(_("Unknown request."))
        return value


class AssignSerializer(VersionSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField()


class InviteSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NewMessageSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MessageKind.choices, default=MessageKind.REPLY)
    body = serializers.CharField()


def snapshot_context(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One 'now' and one calendar for a whole response (no per-row loading)."""
    return {"now": clock.now(), "calendar": sla.read_calendar(), **(extra or {})}
