"""Building blocks for every app's API: visibility, service-backed writes, history, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.history import history_for
from aftersales.core.models import Attachment, HistoryEntry


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that accepts only objects the requesting user may see."""

    def get_queryset(self) -> Any:
        queryset: Any = super().get_queryset()
        request = self.context.get("request")
        return queryset.visible_to(request.user if request else None)


class ModelViewPermission(permissions.BasePermission):
    """Reading needs the model's ``view`` permission; writes are checked by the services."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # The class's queryset names the model without building the user's visible rows.
        source = getattr(view, "queryset", None)
        model = (source if source is not None else view.get_queryset()).model
        return bool(user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"))


class HistoryEntrySerializer(serializers.ModelSerializer):
    """One row of an object's history."""

    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = HistoryEntry
        fields = ["id", "created_at", "actor", "actor_name", "action", "changes", "message"]

    def get_actor_name(self, obj: HistoryEntry) -> str:
        return str(obj.actor) if obj.actor_id else _("System")


class AttachmentSerializer(serializers.ModelSerializer):
    """An attachment's metadata and its permission-checked download address."""

    download_url = serializers.SerializerMethodField()
    uploaded_by_name = serializers.CharField(source="uploaded_by.__str__", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "key",
            "original_name",
            "mime_type",
            "size",
            "uploaded_by",
            "uploaded_by_name",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.key}/download/"


class VisibleViewSet(viewsets.GenericViewSet):
    """Every query starts from the model's ``visible_to(user)``."""

    permission_classes = [ModelViewPermission]
    related: tuple[str, ...] = ()

    def get_queryset(self) -> Any:
        model: Any = self.queryset.model  # type: ignore[arg-type,union-attr]
        queryset = model._default_manager.visible_to(self.request.user)
        if self.related:
            queryset = queryset.select_related(*self.related)
        return queryset


def required_version(data: Any) -> int:
    """The ``version`` the client saw; required on every update."""
    raw = data.get("version")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(
            {"version": [_("Send the version you last read; it guards against lost updates.")]}
        ) from None
    return value


class ServiceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    VisibleViewSet,
):
    """List, read, create and update, where create and update call service functions.

    Subclasses implement ``create_object(data)`` and ``update_object(instance, version, data)``.
    There is no delete: history depends on these rows; deactivate them instead.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]

    def create_object(self, data: dict[str, Any]) -> Any:
        raise TypeError("read-only endpoint")

    def update_object(self, instance: Any, version: int, data: dict[str, Any]) -> Any:
        raise TypeError("read-only endpoint")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.create_object(dict(serializer.validated_data))

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        version = required_version(self.request.data)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = self.update_object(serializer.instance, version, data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return super().update(request, *args, **kwargs)


class HistoryMixin:
    """``GET …/{id}/history/``: the object's history, newest first."""

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="history")
    def history(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()  # type: ignore[attr-defined]
        page = self.paginate_queryset(history_for(obj))  # type: ignore[attr-defined]
        data = HistoryEntrySerializer(page, many=True).data
        return self.get_paginated_response(data)  # type: ignore[attr-defined]


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class ExportMixin:
    """``GET …/export/?file_format=csv|xlsx``: the filtered visible list as a file.

    ``export_columns`` is a list of (header, getter) pairs; the getter takes one object.
    """

    export_columns: list[tuple[Any, Callable[[Any], Any]]] = []
    export_name = "export"
    export_limit = 100_000

    @extend_schema(
        parameters=[OpenApiParameter("file_format", OpenApiTypes.STR, enum=["csv", "xlsx"])],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> HttpResponse:
        fmt = request.query_params.get("file_format", "csv")
        if fmt not in {"csv", "xlsx"}:
            raise ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        queryset = self.filter_queryset(self.get_queryset())[: self.export_limit]  # type: ignore[attr-defined]
        header = [str(h) for h, _getter in self.export_columns]
        rows = [[_cell(getter(obj)) for _h, getter in self.export_columns] for obj in queryset]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{self.export_name}-{stamp}.{fmt}"
        if fmt == "csv":
            buffer = io.StringIO()
            buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text only with a BOM.
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows(rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                _xlsx(header, rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        # Neutralise spreadsheet formulas in user-entered text (CSV injection).
        return "'" + value
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if not isinstance(value, int | float | str):
        return str(value)
    return value


__all__ = [
    "AttachmentSerializer",
    "ExportMixin",
    "HistoryEntrySerializer",
    "HistoryMixin",
    "ModelViewPermission",
    "ServiceViewSet",
    "VisibleRelatedField",
    "VisibleViewSet",
    "required_version",
    "status",
]
