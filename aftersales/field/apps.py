from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """Field service: trip plans and approvals, visits, service reports, costs."""

    name = "aftersales.field"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.field import trips_setup

        trips_setup.ready()

        from aftersales.core import panels
        from aftersales.field.views import reports

        panels.register(
            panels.REQUEST,
            panels.Panel("field-reports", "field/report_panel.html", reports.request_panel, 40),
        )
        panels.register(
            panels.PORTAL_REQUEST,
            panels.Panel(
                "field-reports", "field/report_portal_panel.html", reports.portal_panel, 40
            ),
        )

        # Costs: price each report as it takes effect; the request page's cost panel.
        from aftersales.field.services.costs import on_report_effective
        from aftersales.field.signals import report_effective
        from aftersales.field.views.costs import register_panels

        report_effective.connect(on_report_effective, dispatch_uid="field.costs.price_report")
        register_panels()
