"""API endpoints for SLA policies and the working calendar."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.api.base import ModelViewPermission
from aftersales.sla import services
from aftersales.sla.api import serializers as s
from aftersales.sla.models import CalendarOverride, Policy


class _StaffScoped(viewsets.GenericViewSet):
    permission_classes = [ModelViewPermission]


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _StaffScoped):
    """SLA policies, in evaluation order (edited by administrators in the admin)."""

    queryset = Policy.objects.all()
    serializer_class = s.PolicySerializer
    filterset_fields = ["is_active"]
    ordering_fields = ["order", "name"]
    ordering = ["order", "id"]


class CalendarOverrideViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    _StaffScoped,
):
    """Dates that differ from the statutory calendar; ``status`` tells which years are missing."""

    queryset = CalendarOverride.objects.select_related("created_by")
    serializer_class = s.CalendarOverrideSerializer
    filterset_fields = {"date": ["gte", "lte", "year"], "is_working": ["exact"]}
    ordering_fields = ["date"]
    ordering = ["date"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.set_calendar_override(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: CalendarOverride) -> None:
        services.remove_calendar_override(actor=self.request.user, override=instance)

    @extend_schema(
        parameters=[OpenApiParameter("years", OpenApiTypes.STR, description="e.g. 2026,2027")],
        responses=s.CalendarYearSerializer(many=True),
    )
    @action(detail=False, methods=["get"], permission_classes=[permissions.IsAuthenticated])
    def status(self, request: Request) -> Response:
        """For each year: known to the statutory calendar, overrides, and a warning."""
        raw = request.query_params.get("years")
        this_year = timezone.localdate().year
        try:
            years = [int(y) for y in raw.split(",")] if raw else [this_year, this_year + 1]
        except ValueError:
            raise ValidationError(
                {"years": [_("Give years as numbers, e.g. 2026,2027.")]}
            ) from None
        if len(years) > 20:
            raise ValidationError({"years": [_("Ask for at most 20 years.")]})
        rows = services.calendar_status(years)
        return Response(s.CalendarYearSerializer(rows, many=True).data, status=status.HTTP_200_OK)


__all__ = ["Any", "CalendarOverrideViewSet", "PolicyViewSet"]
