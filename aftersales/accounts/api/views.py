"""API endpoints for departments, users and the signed-in user's token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts import services
from aftersales.accounts.api.serializers import (
    DepartmentSerializer,
    MeSerializer,
    TokenSerializer,
    UserSerializer,
)
from aftersales.accounts.models import Department, User
from aftersales.core.api.base import VisibleViewSet


class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VisibleViewSet):
    """The organisation's departments."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_fields = ["kind", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, VisibleViewSet):
    """Staff directory."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_fields = ["department", "is_active", "groups__name"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering_fields = ["username", "full_name"]
    ordering = ["username"]

    def get_queryset(self) -> Any:
        return super().get_queryset().prefetch_related("groups")


class MeView(APIView):
    """The signed-in user: read and change their own preferences."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        data = MeSerializer(request.user, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.update_preferences(actor=request.user, changes=dict(data.validated_data))
        return Response(MeSerializer(user).data)


class MyTokenView(APIView):
    """Issue (POST) or revoke (DELETE) the signed-in user's API token."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: TokenSerializer})
    def post(self, request: Request) -> Response:
        token = services.rotate_api_token(actor=request.user, user=request.user)
        return Response(
            TokenSerializer({"token": token.key, "created": token.created}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.revoke_api_token(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
