from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    """Service levels: policies, the working calendar, clocks, warning and escalation."""

    name = "aftersales.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from aftersales.sla.models import CalendarOverride, WorkingHours
        from aftersales.sla.services import forget_read_calendar

        for model in (WorkingHours, CalendarOverride):
            post_save.connect(forget_read_calendar, sender=model, dispatch_uid=f"cal-{model}")
            post_delete.connect(forget_read_calendar, sender=model, dispatch_uid=f"cal-d-{model}")
