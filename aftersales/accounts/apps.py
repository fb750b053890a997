from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, departments, roles and API tokens."""

    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from aftersales.accounts.roles import sync_roles_after_migrate

        # Later apps add permissions; re-applying the role table after every migrate keeps
        # each group's permissions equal to ROLE_PERMISSIONS without a migration per change.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="aftersales-sync-roles")
