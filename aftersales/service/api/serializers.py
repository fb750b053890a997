"""API representations of service requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.models import User
from aftersales.core import clock
from aftersales.core.api.base import VisibleRelatedField
from aftersales.customers.models import Company, Contact, Equipment, Site
from aftersales.service.choices import CancelReason, MessageKind, Status
from aftersales.service.models import Category, Message, ServiceRequest
from aftersales.sla import services as sla
from aftersales.sla.models import Clock

_DATETIME = serializers.DateTimeField()


def _iso(value: dt.datetime | None) -> str | None:
    """Datetimes as DRF renders them: ISO 8601 in the current time zone."""
    return None if value is None else _DATETIME.to_representation(value)


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
        cal = self.context.get("calendar") or sla.load_calendar()
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
    owner_name = serializers.SerializerMethodField()
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

    def get_owner_name(self, obj: ServiceRequest) -> str:
        return str(obj.owner) if obj.owner_id else ""

    def to_representation(self, instance: ServiceRequest) -> dict[str, Any]:
        # Hand-written for the same reason as ClockSerializer: 50 rows per page.
        clocks = ClockSerializer(context=self.context)
        return {
            "id": instance.pk,
            "number": instance.number,
            "title": instance.title,
            "channel": instance.channel,
            "request_type": instance.request_type,
            "priority": instance.priority,
            "status": instance.status,
            "company": instance.company_id,
            "company_name": instance.company.display_name,
            "owner": instance.owner_id,
            "owner_name": self.get_owner_name(instance),
            "department": instance.department_id,
            "received_at": _iso(instance.received_at),
            "next_due_at": _iso(instance.next_due_at),
            "sla_state": instance.sla_state,
            "clocks": [clocks.to_representation(c) for c in instance.clocks.all()],
            "version": instance.version,
        }


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
    return {"now": clock.now(), "calendar": sla.load_calendar(), **(extra or {})}
