"""API representations of the customers context."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.accounts.models import Department, User
from aftersales.core.api.base import VisibleRelatedField
from aftersales.customers.choices import HandoverParty
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

BASE_READ_ONLY = ["id", "version", "created_at", "updated_at"]


class CompanySerializer(serializers.ModelSerializer):
    """A customer company."""

    display_name = serializers.CharField(read_only=True)
    service_department = VisibleRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    account_manager = VisibleRelatedField(
        queryset=User.objects.staff(), required=False, allow_null=True
    )

    class Meta:
        model = Company
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "display_name",
            "tier",
            "region_class",
            "industry",
            "province",
            "city",
            "address",
            "phone",
            "service_department",
            "account_manager",
            "notes",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*BASE_READ_ONLY]
        extra_kwargs = {"code": {"required": False}}

    def validate_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError(_("The customer number cannot be changed."))
        return value


class ContactSerializer(serializers.ModelSerializer):
    """A contact person at a customer company."""

    company = VisibleRelatedField(queryset=Company.objects.all())
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    user = VisibleRelatedField(queryset=User.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "company",
            "company_name",
            "name",
            "title",
            "phone",
            "mobile",
            "email",
            "is_primary",
            "user",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = BASE_READ_ONLY
        # DRF would turn the "one primary contact per company" constraint into a validator
        # that refuses a new primary contact; the service moves the flag instead (and the
        # database constraint still guards the invariant).
        validators: list[Any] = []


class SiteSerializer(serializers.ModelSerializer):
    """A customer site."""

    company = VisibleRelatedField(queryset=Company.objects.all())
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    contact = VisibleRelatedField(queryset=Contact.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "company",
            "company_name",
            "name",
            "province",
            "city",
            "address",
            "region_class",
            "contact",
            "is_active",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = BASE_READ_ONLY


class ProductLineSerializer(serializers.ModelSerializer):
    """A product line."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = ProductLine
        fields = ["id", "code", "name", "name_en", "display_name"]


class ProductModelSerializer(serializers.ModelSerializer):
    """A product model with its standard warranty."""

    display_name = serializers.CharField(read_only=True)
    line_name = serializers.CharField(source="line.display_name", read_only=True)

    class Meta:
        model = ProductModel
        fields = [
            "id",
            "line",
            "line_name",
            "code",
            "name",
            "name_en",
            "display_name",
            "warranty_months",
            "is_active",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its handover status."""

    company = VisibleRelatedField(queryset=Company.objects.all())
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    site = VisibleRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    project_manager = VisibleRelatedField(
        queryset=User.objects.staff(), required=False, allow_null=True
    )
    project_department = VisibleRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    service_department = VisibleRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "number",
            "company",
            "company_name",
            "site",
            "name",
            "contract_number",
            "contract_amount",
            "accepted_on",
            "project_manager",
            "project_department",
            "service_department",
            "handover_status",
            "handover_completed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*BASE_READ_ONLY, "number", "handover_status", "handover_completed_at"]

    def validate_company(self, value: Company) -> Company:
        if self.instance is not None and value.pk != self.instance.company_id:
            raise serializers.ValidationError(_("A project cannot move to another company."))
        return value


class HandoverItemSerializer(serializers.ModelSerializer):
    """One section of the handover checklist."""

    section_display = serializers.CharField(source="get_section_display", read_only=True)
    is_filled = serializers.BooleanField(read_only=True)
    attachment_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = HandoverItem
        fields = [
            "id",
            "project",
            "section",
            "section_display",
            "content",
            "not_applicable",
            "is_filled",
            "updated_by",
            "updated_at",
            "attachment_count",
            "version",
        ]
        read_only_fields = ["id", "project", "section", "updated_by", "updated_at", "version"]


class HandoverConfirmationSerializer(serializers.ModelSerializer):
    """A party's confirmation (active or withdrawn)."""

    party_display = serializers.CharField(source="get_party_display", read_only=True)
    confirmed_by_name = serializers.CharField(source="confirmed_by.__str__", read_only=True)

    class Meta:
        model = HandoverConfirmation
        fields = [
            "id",
            "party",
            "party_display",
            "confirmed_by",
            "confirmed_by_name",
            "signed_by_contact",
            "confirmed_at",
            "comment",
            "withdrawn_at",
            "withdrawn_by",
            "withdraw_reason",
        ]


class ConfirmHandoverSerializer(serializers.Serializer):
    """Input of a confirmation."""

    party = serializers.ChoiceField(choices=HandoverParty.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    signed_by_contact = VisibleRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True, default=None
    )


class WithdrawHandoverSerializer(serializers.Serializer):
    """Input of a withdrawal."""

    party = serializers.ChoiceField(choices=HandoverParty.choices)
    reason = serializers.CharField()


class EquipmentSerializer(serializers.ModelSerializer):
    """A unit of the equipment ledger."""

    company = VisibleRelatedField(queryset=Company.objects.all())
    company_name = serializers.CharField(source="company.display_name", read_only=True)
    site = VisibleRelatedField(queryset=Site.objects.all(), required=False, allow_null=True)
    project = VisibleRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    product_model = serializers.PrimaryKeyRelatedField(queryset=ProductModel.objects.all())
    product_model_code = serializers.CharField(source="product_model.code", read_only=True)
    warranty_start = serializers.DateField(read_only=True)

    class Meta:
        model = Equipment
        fields = [
            "id",
            "serial_number",
            "product_model",
            "product_model_code",
            "company",
            "company_name",
            "site",
            "project",
            "delivered_on",
            "commissioned_on",
            "warranty_months",
            "warranty_start",
            "warranty_end",
            "contract_amount",
            "status",
            "in_service_since",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [*BASE_READ_ONLY, "warranty_end", "status", "in_service_since"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            for frozen in ("serial_number", "company"):
                if frozen in attrs and attrs[frozen] != getattr(self.instance, frozen):
                    raise serializers.ValidationError({frozen: _("This field cannot be changed.")})
        return attrs


class WarrantySerializer(serializers.Serializer):
    """Whether a unit is in warranty on a date."""

    serial_number = serializers.CharField()
    on = serializers.DateField()
    warranty_start = serializers.DateField(allow_null=True)
    warranty_end = serializers.DateField(allow_null=True)
    in_warranty = serializers.BooleanField(allow_null=True)
