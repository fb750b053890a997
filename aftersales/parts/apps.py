from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    """Parts, stock, requisitions, shipments, warranty decisions and supplier notices."""

    name = "aftersales.parts"
    verbose_name = _("Parts and warranty")
