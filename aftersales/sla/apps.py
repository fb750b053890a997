from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    """Service levels: policies, the working calendar, clocks, warning and escalation."""

    name = "aftersales.sla"
    label = "sla"
    verbose_name = _("Service levels")
