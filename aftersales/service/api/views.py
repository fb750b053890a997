"""API endpoints of service requests: one POST action per transition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.api.base import (
    AttachmentSerializer,
    HistoryMixin,
    VisibleViewSet,
    required_version,
)
from aftersales.core.api.pagination import CappedPagination, ValuesRows
from aftersales.core.models import Attachment
from aftersales.service import services
from aftersales.service.api import serializers as s
from aftersales.service.filtersets import ServiceRequestFilter
from aftersales.service.models import Category, Message, ServiceRequest
from aftersales.service.transitions import allowed_actions


def _transition(
    name: str, serializer: type[serializers.Serializer], call: Callable[..., Any], doc: str
):
    """Build one POST action: validate the body, call the service, answer the request."""

    @extend_schema(request=serializer, responses=s.ServiceRequestSerializer, description=doc)
    def view(self: ServiceRequestViewSet, request: Request, pk: Any = None) -> Response:
        target = self.get_object()
        data = serializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        version = values.pop("version")
        result = call(actor=request.user, request=target, expected_version=version, **values)
        return self._answer(result)

    view.__doc__ = doc
    view.__name__ = name
    return action(detail=True, methods=["post"], url_path=name.replace("_engineers", ""))(view)


class ServiceRequestViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    VisibleViewSet,
):
    """Service requests (服务请求): register, list, read, correct, and move through the
    lifecycle with one POST action per transition."""

    queryset = ServiceRequest.objects.all()
    serializer_class = s.ServiceRequestSerializer
    pagination_class = CappedPagination
    filterset_class = ServiceRequestFilter
    related = ("company", "owner")
    ordering_fields = ["next_due_at", "received_at", "priority", "number", "updated_at"]
    ordering = ["-received_at"]
    search_fields: list[str] = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        queryset = super().get_queryset()
        # A list reads values() and its clocks in one more query (see list()).
        return queryset if self.action == "list" else queryset.prefetch_related("clocks")

    @extend_schema(responses=s.ServiceRequestListSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        rows: Any = ValuesRows(queryset, s.LIST_VALUES)
        page: Any = self.paginate_queryset(rows)
        return self.get_paginated_response(
            s.list_rows(list(page or []), self.get_serializer_context())
        )

    def get_serializer_class(self) -> Any:
        return (
            s.ServiceRequestListSerializer
            if self.action == "list"
            else super().get_serializer_class()
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return s.snapshot_context(dict(super().get_serializer_context()))

    def _answer(
        self, obj: ServiceRequest, code: int = status.HTTP_200_OK, *, fresh: bool = False
    ) -> Response:
        """The request as the detail shows it; after a write it is read again (with its
        clocks) unless ``fresh`` says it was just loaded for this response."""
        if not fresh:
            obj = self.get_queryset().get(pk=obj.pk)
        data = s.ServiceRequestSerializer(obj, context=self.get_serializer_context()).data
        data["allowed_actions"] = allowed_actions(self.request.user, obj)
        return Response(data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(self.get_object(), fresh=True)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.register_request(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        created: Any = serializer.instance
        return self._answer(created, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        version = required_version(request.data)
        data = self.get_serializer(target, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = {k: v for k, v in data.validated_data.items() if k in services.EDITABLE}
        ignored = set(data.validated_data) - set(changes)
        if ignored:
            raise ValidationError({k: [_("This field cannot be changed.")] for k in ignored})
        result = services.update_request(
            actor=request.user, request=target, expected_version=version, changes=changes
        )
        return self._answer(result)

    accept = _transition(
        "accept",
        s.AcceptSerializer,
        services.accept_request,
        "Accept; the actor (or `owner`) becomes the owner.",
    )
    start = _transition(
        "start", s.VersionSerializer, services.start_work, "Start work on an accepted request."
    )
    # Not named "dispatch": that is the view's own request entry point.
    dispatch_engineers = _transition(
        "dispatch_engineers",
        s.VersionSerializer,
        services.dispatch,
        "Dispatch engineers to the site.",
    )
    arrive = _transition(
        "arrive",
        s.ArriveSerializer,
        services.arrive,
        "Report arrival on site (meets the arrival clock).",
    )
    wait = _transition(
        "wait", s.WaitSerializer, services.wait, "Wait for the customer, parts or a supplier."
    )
    resume = _transition("resume", s.VersionSerializer, services.resume, "End the waiting state.")
    resolve = _transition(
        "resolve",
        s.ResolveSerializer,
        services.resolve,
        "Resolve; the resolution is sent to the customer.",
    )
    confirm = _transition(
        "confirm",
        s.CommentSerializer,
        services.confirm_resolution,
        "The customer confirms the resolution.",
    )
    reject = _transition(
        "reject",
        s.ReasonSerializer,
        services.reject_resolution,
        "The customer rejects the resolution; the request reopens.",
    )
    close = _transition(
        "close", s.VersionSerializer, services.close, "Close a resolved or confirmed request."
    )
    reopen = _transition(
        "reopen", s.ReasonSerializer, services.reopen, "Reopen within the reopen window."
    )
    cancel = _transition(
        "cancel", s.CancelSerializer, services.cancel, "Cancel as duplicate or invalid."
    )
    merge = _transition(
        "merge", s.MergeSerializer, services.merge, "Merge this duplicate into another request."
    )
    assign = _transition(
        "assign", s.AssignSerializer, services.assign, "Hand over to a new owner, with a reason."
    )

    @extend_schema(request=s.InviteSerializer, responses=s.ServiceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="invite-expert")
    def invite_expert(self, request: Request, pk: Any = None) -> Response:
        """Invite an expert to consult (专家会诊)."""
        target = self.get_object()
        data = s.InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.invite_expert(actor=request.user, request=target, **data.validated_data)
        return self._answer(target)

    @extend_schema(methods=["get"], responses=s.MessageSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.NewMessageSerializer, responses={201: s.MessageSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk: Any = None) -> Response:
        """The conversation: replies (customer-visible) and internal notes (staff only)."""
        target = self.get_object()
        if request.method == "GET":
            rows = (
                Message.objects.visible_to(request.user)
                .filter(request=target)
                .select_related("author")
            )
            return Response(s.MessageSerializer(rows, many=True).data)
        data = s.NewMessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        write = services.add_reply if data.validated_data["kind"] == "reply" else services.add_note
        message = write(actor=request.user, request=target, body=data.validated_data["body"])
        return Response(s.MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "message": {"type": "integer"},
                },
            }
        },
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """Files on the request and on the messages the user may see."""
        target = self.get_object()
        if request.method == "GET":
            message_ids = (
                Message.objects.visible_to(request.user)
                .filter(request=target)
                .values_list("pk", flat=True)
            )
            rows = Attachment.objects.filter(
                Q(
                    content_type=ContentType.objects.get_for_model(ServiceRequest),
                    object_id=str(target.pk),
                )
                | Q(
                    content_type=ContentType.objects.get_for_model(Message),
                    object_id__in=[str(i) for i in message_ids],
                )
            ).select_related("uploaded_by")
            return Response(AttachmentSerializer(rows, many=True).data)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to upload.")]})
        message = None
        body: Any = request.data
        if body.get("message"):
            message = (
                Message.objects.visible_to(request.user)
                .filter(pk=body["message"], request=target)
                .first()
            )
            if message is None:
                raise ValidationError({"message": [_("Unknown message.")]})
        attachment = services.attach(
            actor=request.user, request=target, upload=upload, message=message
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VisibleViewSet):
    """The category tree (product line → fault category)."""

    queryset = Category.objects.all()
    serializer_class = s.CategorySerializer
    filterset_fields = ["parent", "product_line", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]
