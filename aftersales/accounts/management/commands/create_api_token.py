"""Issue an API token for a user from the command line (rotates any existing token)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.accounts import services
from aftersales.accounts.models import User


class Command(BaseCommand):
    help = "Issue a new API token for USERNAME and print it (the old token stops working)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is inactive.")
        # The command runs with the operator's authority: it acts as the user themself.
        token = services.rotate_api_token(actor=user, user=user)
        self.stdout.write(token.key)
