from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    """Service requests: lifecycle, owner, conversation, attachments, merge."""

    name = "aftersales.service"
    label = "service"
    verbose_name = _("Service requests")
