"""API endpoints of the customers context."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from aftersales.core.api.base import (
    AttachmentSerializer,
    ExportMixin,
    HistoryEntrySerializer,
    HistoryMixin,
    ServiceViewSet,
    VisibleViewSet,
    required_version,
)
from aftersales.core.history import history_for
from aftersales.core.models import Attachment
from aftersales.core.services import add_attachment, attachments_of
from aftersales.customers import services
from aftersales.customers.api import serializers as s
from aftersales.customers.filtersets import (
    CompanyFilter,
    ContactFilter,
    EquipmentFilter,
    ProjectFilter,
    SiteFilter,
)
from aftersales.customers.models import (
    Company,
    Contact,
    Equipment,
    HandoverConfirmation,
    HandoverItem,
    ProductLine,
    ProductModel,
    Project,
    Site,
)


class CompanyViewSet(HistoryMixin, ExportMixin, ServiceViewSet):
    """Customer companies (客户档案)."""

    queryset = Company.objects.all()
    serializer_class = s.CompanySerializer
    filterset_class = CompanyFilter
    search_fields = ["code", "name", "name_en", "city", "phone"]
    ordering_fields = ["code", "name", "tier", "region_class", "created_at"]
    ordering = ["code"]
    export_name = "companies"
    export_columns = [
        (_("customer number"), lambda c: c.code),
        (_("name"), lambda c: c.name),
        (_("English name"), lambda c: c.name_en),
        (_("tier"), lambda c: c.get_tier_display()),
        (_("region class"), lambda c: c.get_region_class_display()),
        (_("industry"), lambda c: c.industry),
        (_("province"), lambda c: c.province),
        (_("city"), lambda c: c.city),
        (_("address"), lambda c: c.address),
        (_("phone"), lambda c: c.phone),
    ]

    def create_object(self, data: dict[str, Any]) -> Company:
        return services.create_company(actor=self.request.user, data=data)

    def update_object(self, instance: Company, version: int, data: dict[str, Any]) -> Company:
        data.pop("code", None)
        return services.update_company(
            actor=self.request.user, company=instance, expected_version=version, changes=data
        )


class ContactViewSet(HistoryMixin, ServiceViewSet):
    """Contacts of customer companies."""

    queryset = Contact.objects.all()
    serializer_class = s.ContactSerializer
    filterset_class = ContactFilter
    related = ("company",)
    search_fields = ["name", "phone", "mobile", "email", "company__name"]
    ordering_fields = ["name", "company__code", "created_at"]
    ordering = ["company__code", "-is_primary", "name"]

    def create_object(self, data: dict[str, Any]) -> Contact:
        company = data.pop("company")
        return services.create_contact(actor=self.request.user, company=company, data=data)

    def update_object(self, instance: Contact, version: int, data: dict[str, Any]) -> Contact:
        if data.pop("company", instance.company) != instance.company:
            raise ValidationError({"company": [_("A contact cannot move to another company.")]})
        return services.update_contact(
            actor=self.request.user, contact=instance, expected_version=version, changes=data
        )


class SiteViewSet(HistoryMixin, ServiceViewSet):
    """Customer sites."""

    queryset = Site.objects.all()
    serializer_class = s.SiteSerializer
    filterset_class = SiteFilter
    related = ("company",)
    search_fields = ["name", "address", "city", "company__name"]
    ordering_fields = ["name", "company__code"]
    ordering = ["company__code", "name"]

    def create_object(self, data: dict[str, Any]) -> Site:
        company = data.pop("company")
        return services.create_site(actor=self.request.user, company=company, data=data)

    def update_object(self, instance: Site, version: int, data: dict[str, Any]) -> Site:
        if data.pop("company", instance.company) != instance.company:
            raise ValidationError({"company": [_("A site cannot move to another company.")]})
        return services.update_site(
            actor=self.request.user, site=instance, expected_version=version, changes=data
        )


class ProductLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, VisibleViewSet
):
    """Product lines of the catalogue."""

    queryset = ProductLine.objects.all()
    serializer_class = s.ProductLineSerializer
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.create_product_line(
            actor=self.request.user, data=dict(serializer.validated_data)
        )


class ProductModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, VisibleViewSet
):
    """Product models with their standard warranty period."""

    queryset = ProductModel.objects.all()
    serializer_class = s.ProductModelSerializer
    related = ("line",)
    filterset_fields = ["line", "is_active"]
    search_fields = ["code", "name", "name_en"]
    ordering_fields = ["code", "name", "warranty_months"]
    ordering = ["code"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.create_product_model(
            actor=self.request.user, data=dict(serializer.validated_data)
        )


class ProjectViewSet(HistoryMixin, ServiceViewSet):
    """Projects and their handover (项目交接)."""

    queryset = Project.objects.all()
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    related = ("company",)
    search_fields = ["number", "name", "contract_number", "company__name"]
    ordering_fields = ["number", "accepted_on", "created_at", "handover_status"]
    ordering = ["-number"]

    def create_object(self, data: dict[str, Any]) -> Project:
        company = data.pop("company")
        return services.create_project(actor=self.request.user, company=company, data=data)

    def update_object(self, instance: Project, version: int, data: dict[str, Any]) -> Project:
        data.pop("company", None)
        return services.update_project(
            actor=self.request.user, project=instance, expected_version=version, changes=data
        )

    def _handover(self, project: Project) -> dict[str, Any]:
        items = list(project.handover_items.order_by("id"))
        counts = _attachment_counts([i.pk for i in items])
        item_data = s.HandoverItemSerializer(items, many=True).data
        for row in item_data:
            row["attachment_count"] = counts.get(row["id"], 0)
        confirmations = HandoverConfirmation.objects.filter(project=project).select_related(
            "confirmed_by"
        )
        return {
            "project": project.pk,
            "handover_status": project.handover_status,
            "handover_completed_at": project.handover_completed_at,
            "items": item_data,
            "confirmations": s.HandoverConfirmationSerializer(confirmations, many=True).data,
        }

    @action(detail=True, methods=["get"])
    def handover(self, request: Request, pk: Any = None) -> Response:
        """The checklist with its attachments count, and every confirmation."""
        return Response(self._handover(self.get_object()))

    @extend_schema(request=s.ConfirmHandoverSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Confirm the handover for one party (customer, project team, after-sales team)."""
        project = self.get_object()
        data = s.ConfirmHandoverSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        services.confirm_handover(actor=request.user, project=project, **data.validated_data)
        project.refresh_from_db()
        return Response(self._handover(project), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.WithdrawHandoverSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        """Withdraw a party's confirmation before the handover is complete."""
        project = self.get_object()
        data = s.WithdrawHandoverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.withdraw_handover_confirmation(
            actor=request.user, project=project, **data.validated_data
        )
        project.refresh_from_db()
        return Response(self._handover(project))


def _attachment_counts(item_ids: list[int]) -> dict[int, int]:
    from django.contrib.contenttypes.models import ContentType

    from aftersales.core.models import Attachment

    ct = ContentType.objects.get_for_model(HandoverItem)
    rows = (
        Attachment.objects.filter(content_type=ct, object_id__in=[str(i) for i in item_ids])
        .values("object_id")
        .annotate(n=Count("id"))
    )
    return {int(r["object_id"]): r["n"] for r in rows}


class HandoverItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, VisibleViewSet
):
    """Handover checklist sections; attachments go on a section."""

    queryset = HandoverItem.objects.all()
    serializer_class = s.HandoverItemSerializer
    filterset_fields = ["project", "section", "not_applicable"]
    ordering_fields = ["id", "section"]
    ordering = ["project_id", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        # Counted in the same query as the rows: the list would otherwise report 0 for
        # every section (the serializer's default) or need one query per row.
        attachments = (
            Attachment.objects.filter(
                content_type__app_label=HandoverItem._meta.app_label,
                content_type__model=HandoverItem._meta.model_name,
                object_id=Cast(OuterRef("pk"), output_field=CharField()),
            )
            .order_by()
            .values("object_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset().annotate(attachment_count=Coalesce(Subquery(attachments), 0))

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        version = required_version(request.data)
        data = s.HandoverItemSerializer(item, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        updated = services.update_handover_item(
            actor=request.user,
            item=item,
            expected_version=version,
            content=data.validated_data.get("content", item.content),
            not_applicable=data.validated_data.get("not_applicable", item.not_applicable),
        )
        return Response(s.HandoverItemSerializer(self.get_queryset().get(pk=updated.pk)).data)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """List the section's attachments, or upload one."""
        item = self.get_object()
        if request.method == "GET":
            return Response(AttachmentSerializer(attachments_of(item), many=True).data)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Choose a file to upload.")]})
        if not request.user.has_perm("customers.change_handoveritem"):
            raise PermissionDenied(_("You do not have permission to do this."))
        attachment = add_attachment(actor=request.user, target=item, upload=upload)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class EquipmentViewSet(HistoryMixin, ExportMixin, ServiceViewSet):
    """The equipment ledger (设备台账)."""

    queryset = Equipment.objects.all()
    serializer_class = s.EquipmentSerializer
    filterset_class = EquipmentFilter
    related = ("company", "product_model")
    search_fields = ["serial_number", "company__name", "product_model__code", "notes"]
    ordering_fields = ["serial_number", "warranty_end", "commissioned_on", "created_at"]
    ordering = ["serial_number"]
    export_name = "equipment"
    export_columns = [
        (_("serial number"), lambda u: u.serial_number),
        (_("product model"), lambda u: u.product_model.code),
        (_("customer"), lambda u: u.company.name),
        (_("delivered on"), lambda u: u.delivered_on),
        (_("commissioned on"), lambda u: u.commissioned_on),
        (_("warranty end"), lambda u: u.warranty_end),
        (_("contract amount (CNY)"), lambda u: u.contract_amount),
        (_("status"), lambda u: u.get_status_display()),
    ]

    def create_object(self, data: dict[str, Any]) -> Equipment:
        company = data.pop("company")
        return services.register_equipment(actor=self.request.user, company=company, data=data)

    def update_object(self, instance: Equipment, version: int, data: dict[str, Any]) -> Equipment:
        data.pop("company", None)
        data.pop("serial_number", None)
        return services.update_equipment(
            actor=self.request.user, unit=instance, expected_version=version, changes=data
        )

    @extend_schema(
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="default: today")],
        responses=s.WarrantySerializer,
    )
    @action(detail=True, methods=["get"])
    def warranty(self, request: Request, pk: Any = None) -> Response:
        """Whether the unit is in warranty (三包) on a date."""
        unit = self.get_object()
        raw = request.query_params.get("on")
        try:
            on = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise ValidationError({"on": [_("Enter a date as YYYY-MM-DD.")]}) from None
        return Response(
            s.WarrantySerializer(
                {
                    "serial_number": unit.serial_number,
                    "on": on,
                    "warranty_start": unit.warranty_start,
                    "warranty_end": unit.warranty_end,
                    "in_warranty": unit.in_warranty(on),
                }
            ).data
        )

    @action(detail=True, methods=["get"], url_path="service-history")
    def service_history(self, request: Request, pk: Any = None) -> Response:
        """The unit's life: registration, handover, and (as later modules record them)
        service requests, visits and parts, newest first."""
        unit = self.get_object()
        page = self.paginate_queryset(history_for(unit))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


__all__ = [
    "CompanyViewSet",
    "ContactViewSet",
    "EquipmentViewSet",
    "HandoverItemViewSet",
    "ProductLineViewSet",
    "ProductModelViewSet",
    "ProjectViewSet",
    "SiteViewSet",
]
