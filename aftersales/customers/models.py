"""Customers, contacts, sites, product catalogue, projects with handover, equipment ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.i18n import localized
from aftersales.core.models import TimeStampedModel
from aftersales.customers import querysets as qs
from aftersales.customers.choices import (
    EquipmentStatus,
    HandoverParty,
    HandoverSection,
    HandoverStatus,
    RegionClass,
    Tier,
)


class BilingualNameMixin(models.Model):
    """A Chinese master name with an optional English name for English users."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the current language."""
        return localized(self.name, self.name_en)


class Company(BilingualNameMixin, TimeStampedModel):
    """A customer company (客户档案)."""

    code = models.CharField(_("customer number"), max_length=32, unique=True)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices, default=Tier.NORMAL)
    region_class = models.CharField(
        _("region class"), max_length=8, choices=RegionClass.choices, default=RegionClass.LOCAL
    )
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    service_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("service department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer company")
        verbose_name_plural = _("customer companies")
        ordering = ["code"]
        permissions = [("import_data", _("Can import customers, contacts and equipment"))]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="customers_company_unique_name")
        ]
        indexes = [models.Index(fields=["service_department", "code"])]


class Contact(TimeStampedModel):
    """A person at a customer company; may log in to the portal."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact",
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["company_id", "-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_primary=True),
                name="customers_contact_one_primary_per_company",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Site(TimeStampedModel):
    """A place where a customer's equipment stands."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    region_class = models.CharField(
        _("region class"),
        max_length=8,
        choices=RegionClass.choices,
        blank=True,
        help_text=_("Empty: the company's region class."),
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("site contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["company_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="customers_site_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ProductLine(BilingualNameMixin, TimeStampedModel):
    """A product line of the manufacturer (e.g. water treatment, compressors)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)

    objects = qs.CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ["code"]


class ProductModel(BilingualNameMixin, TimeStampedModel):
    """A product model in the catalogue, with its standard warranty (三包) period."""

    line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        related_name="models",
    )
    code = models.CharField(_("model code"), max_length=64, unique=True)
    warranty_months = models.PositiveIntegerField(
        _("warranty months"), default=12, validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = qs.CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"


class Project(TimeStampedModel):
    """A delivered project, handed over to after-sales at acceptance (项目交接)."""

    number = models.CharField(_("project number"), max_length=32, unique=True)
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="projects"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    name = models.CharField(_("name"), max_length=200)
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True)
    contract_amount = models.DecimalField(
        _("contract amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_projects",
    )
    project_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("project department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delivered_projects",
    )
    service_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("service department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="serviced_projects",
    )
    handover_status = models.CharField(
        _("handover status"),
        max_length=16,
        choices=HandoverStatus.choices,
        default=HandoverStatus.OPEN,
    )
    handover_completed_at = models.DateTimeField(_("handover completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-number"]
        permissions = [
            ("confirm_handover_customer", _("Can confirm a handover for the customer")),
            ("confirm_handover_project", _("Can confirm a handover for the project team")),
            ("confirm_handover_service", _("Can confirm a handover for the after-sales team")),
            ("record_customer_confirmation", _("Can record a customer's signed confirmation")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0), name="customers_project_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(handover_status=HandoverStatus.OPEN, handover_completed_at=None)
                | Q(handover_status=HandoverStatus.COMPLETED, handover_completed_at__isnull=False),
                name="customers_project_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class HandoverItem(models.Model):
    """One section of a project's handover checklist: content and attachments."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="handover_items",
    )
    section = models.CharField(_("section"), max_length=16, choices=HandoverSection.choices)
    content = models.TextField(_("content"), blank=True)
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.HandoverItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "section"], name="customers_handoveritem_unique_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.number} · {self.get_section_display()}"

    @property
    def is_filled(self) -> bool:
        """Has content, or is explicitly marked not applicable."""
        return self.not_applicable or bool(self.content.strip())


class HandoverConfirmation(models.Model):
    """One party's confirmation of a handover; withdrawn ones are kept, marked withdrawn."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="confirmations",
    )
    party = models.CharField(_("party"), max_length=16, choices=HandoverParty.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_by_contact = models.ForeignKey(
        Contact,
        verbose_name=_("signed by (customer contact)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    comment = models.TextField(_("comment"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("handover confirmation")
        verbose_name_plural = _("handover confirmations")
        ordering = ["project_id", "confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "party"],
                condition=Q(withdrawn_at=None),
                name="customers_confirmation_one_active_per_party",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.number} · {self.get_party_display()}"


class Equipment(TimeStampedModel):
    """A unit in the equipment ledger (设备台账)."""

    serial_number = models.CharField(_("serial number"), max_length=64, unique=True)
    product_model = models.ForeignKey(
        ProductModel,
        verbose_name=_("product model"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="equipment"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="equipment",
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    commissioned_on = models.DateField(_("commissioned on"), null=True, blank=True)
    warranty_months = models.PositiveIntegerField(
        _("warranty months (override)"),
        null=True,
        blank=True,
        help_text=_("Empty: the product model's warranty period."),
    )
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    contract_amount = models.DecimalField(
        _("contract amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    in_service_since = models.DateTimeField(_("in service since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = qs.EquipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("equipment unit")
        verbose_name_plural = _("equipment")
        ordering = ["serial_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0), name="customers_equipment_amount_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(commissioned_on__isnull=True)
                | Q(delivered_on__isnull=True)
                | Q(commissioned_on__gte=models.F("delivered_on")),
                name="customers_equipment_commissioned_after_delivery",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "serial_number"]),
            models.Index(fields=["project"]),
        ]

    def __str__(self) -> str:
        return self.serial_number

    @property
    def warranty_start(self) -> dt.date | None:
        """Warranty runs from commissioning, or from delivery if never commissioned."""
        return self.commissioned_on or self.delivered_on

    def in_warranty(self, on: dt.date) -> bool | None:
        """Whether the unit is under warranty on ``on``; None when its dates are unknown."""
        start, end = self.warranty_start, self.warranty_end
        if start is None or end is None:
            return None
        return start <= on <= end
