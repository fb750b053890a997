from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """Return visits, satisfaction surveys, complaints and opinion forms."""

    name = "aftersales.feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from aftersales.feedback import hooks

        hooks.connect()
