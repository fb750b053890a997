from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The customer portal: a customer's contacts follow their company's requests."""

    name = "aftersales.portal"
    verbose_name = _("Customer portal")
