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

        # A replaced part written on an effective service report is expected back.
        from aftersales.field.signals import report_effective
        from aftersales.parts.receivers import expect_old_parts

        report_effective.connect(expect_old_parts, dispatch_uid="parts.expect_old_parts")
