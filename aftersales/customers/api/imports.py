"""API for imports: upload a file to start a job, then follow its progress and result."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.models import Job
from aftersales.customers.import_services import JOB_KIND_PREFIX, start_import
from aftersales.customers.imports import KIND_CHOICES


class ImportRequestSerializer(serializers.Serializer):
    """An upload to import: the file, what it holds, and whether only to check it."""

    file = serializers.FileField(help_text=_("A CSV (UTF-8 or GB18030) or XLSX file."))
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    dry_run = serializers.BooleanField(
        default=False, help_text=_("Check every row and report errors; write nothing.")
    )


class ImportErrorSerializer(serializers.Serializer):
    """One problem in the file."""

    row = serializers.IntegerField(help_text=_("Spreadsheet row; the header is row 1."))
    field = serializers.CharField(help_text=_("The column as named in the file."))
    code = serializers.CharField()
    message = serializers.CharField(help_text=_("The reason, in the language of the request."))
    messages = serializers.DictField(
        child=serializers.CharField(), help_text=_("The reason in every language.")
    )


class ImportResultSerializer(serializers.Serializer):
    """What an import found and did; the error list is left out of job lists."""

    kind = serializers.CharField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors_truncated = serializers.BooleanField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    # The metaclass moves declared fields off the class, so this does not hide ``.errors``.
    errors = ImportErrorSerializer(  # type: ignore[assignment]
        many=True, required=False, help_text=_("Only in the detail of a job.")
    )


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def localise_result(result: dict[str, Any], *, with_errors: bool) -> dict[str, Any] | None:
    """The stored result with each error's ``message`` in the active language."""
    if not result:
        return None
    out = {k: v for k, v in result.items() if k != "errors"}
    if with_errors:
        lang = _language()
        out["errors"] = [
            {
                **error,
                "message": error["message"].get(lang, ""),
                "messages": error["message"],
            }
            for error in result.get("errors", [])
        ]
    return out


class ImportJobSerializer(serializers.ModelSerializer):
    """An import job: status, progress and the result (with errors unless listed)."""

    kind = serializers.SerializerMethodField()
    filename = serializers.SerializerMethodField()
    dry_run = serializers.SerializerMethodField()
    percent = serializers.IntegerField(read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "filename",
            "dry_run",
            "status",
            "percent",
            "progress_done",
            "progress_total",
            "created_at",
            "started_at",
            "finished_at",
            "result",
        ]
        read_only_fields = fields

    def get_kind(self, job: Job) -> str:
        return str(job.params.get("kind", ""))

    def get_filename(self, job: Job) -> str:
        return str(job.params.get("filename", ""))

    def get_dry_run(self, job: Job) -> bool:
        return bool(job.params.get("dry_run"))

    @extend_schema_field(ImportResultSerializer(allow_null=True))
    def get_result(self, job: Job) -> dict[str, Any] | None:
        return localise_result(job.result, with_errors=self.context.get("with_errors", True))


class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports of customers, contacts and equipment; each user sees their own jobs."""

    queryset = Job.objects.none()
    serializer_class = ImportJobSerializer
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> Any:
        return Job.objects.visible_to(self.request.user).filter(kind__startswith=JOB_KIND_PREFIX)

    def get_serializer_context(self) -> dict[str, Any]:
        # A list of jobs stays small: each job's errors are read in its detail.
        return {**super().get_serializer_context(), "with_errors": self.action != "list"}

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request: Request) -> Response:
        """Upload a file; the import (or dry run) runs in the background."""
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = start_import(
            actor=request.user,
            kind=data.validated_data["kind"],
            upload=data.validated_data["file"],
            dry_run=data.validated_data["dry_run"],
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


__all__ = ["ImportJobSerializer", "ImportJobViewSet", "ImportRequestSerializer"]
