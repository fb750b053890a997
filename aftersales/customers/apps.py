from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customer companies, contacts, sites, projects and handover, the equipment ledger."""

    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customers")
