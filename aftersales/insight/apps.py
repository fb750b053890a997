from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Dashboards, reports and exports."""

    name = "aftersales.insight"
    verbose_name = _("Insight")
