"""Roles and department kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A role is a Django group of the same name; a user may hold several."""

    ADMIN = "admin", _("Administrator")
    EXECUTIVE = "executive", _("Executive")
    VP = "vp", _("VP in charge")
    SERVICE_DIRECTOR = "service_director", _("Service director")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    BUSINESS_MANAGER = "business_manager", _("Business manager")
    AGENT = "agent", _("Customer-service agent")
    ENGINEER = "engineer", _("Engineer")
    OFFICE = "office", _("Office clerk")
    QC = "qc", _("Quality inspector")
    WAREHOUSE = "warehouse", _("Warehouse keeper")
    CUSTOMER = "customer", _("Customer (portal user)")


class DepartmentKind(models.TextChoices):
    """What a department does; the after-sales department is of kind 'service'."""

    SERVICE = "service", _("After-sales service")
    TECHNICAL = "technical", _("Technical")
    PURCHASING = "purchasing", _("Purchasing")
    PRODUCTION = "production", _("Production")
    QUALITY = "quality", _("Quality")
    OFFICE = "office", _("Office")
    BUSINESS = "business", _("Business")
    SALES = "sales", _("Sales")


class Language(models.TextChoices):
    """The interface language a user chose; empty means: follow the browser."""

    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"
