from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    """Scoring rules, monthly scorecards and bonuses, department KPIs."""

    name = "aftersales.kpi"
    verbose_name = _("Performance")

    def ready(self) -> None:
        from aftersales.kpi.services.indicators import register_builtins

        register_builtins()
