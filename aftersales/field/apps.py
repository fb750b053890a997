from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    """Field service: trip plans and approvals, visits, service reports, costs."""

    name = "aftersales.field"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.field import trips_setup

        trips_setup.ready()
