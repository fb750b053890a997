"""The notification bell: a user's own in-app notifications, rendered in their language."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.models import Notification
from aftersales.core.notifications import mark_read, render


class NotificationSerializer(serializers.ModelSerializer):
    """One notification with its text in the reader's language."""

    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "url", "created_at", "read_at"]

    def get_text(self, obj: Notification) -> str:
        return render(obj)


class MarkReadSerializer(serializers.Serializer):
    """Which notifications to mark read; none given means all."""

    ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """``GET`` your notifications (``?unread=true`` for the bell); ``POST read/`` to mark."""

    queryset = Notification.objects.none()  # for the schema; get_queryset scopes to the user
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    filterset_fields: list[str] = []

    def get_queryset(self) -> Any:
        rows = Notification.objects.filter(user_id=self.request.user.pk or 0)
        if self.request.query_params.get("unread") in {"1", "true"}:
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=MarkReadSerializer, responses={200: None})
    @action(detail=False, methods=["post"])
    def read(self, request: Request) -> Response:
        """Mark the given (or all) of your notifications read."""
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": count})

    @extend_schema(responses={200: None})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        """How many unread notifications the bell shows."""
        count = Notification.objects.filter(
            user_id=request.user.pk or 0, read_at__isnull=True
        ).count()
        return Response({"unread": count})
