from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    """Parts, stock, requisitions, shipments, warranty decisions and supplier notices."""

    name = "aftersales.parts"
    verbose_name = _("Parts and warranty")

    def ready(self) -> None:
        from aftersales.parts import notices_stock
        from aftersales.parts.views import panels_stock

        notices_stock.register()
        panels_stock.register()

        # Warranty decisions and supplier notices: request guard, notification texts,
        # timeline labels and the panels of the request, unit and portal pages.
        from aftersales.parts.views.warranty import connect as connect_warranty

        connect_warranty()
