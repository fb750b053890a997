"""Use cases of the accounts context."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from aftersales.core.history import record


def rotate_api_token(*, actor: Any, user: Any) -> Token:
    """Issue a new API token for ``user``, revoking the old one (only the user or an admin)."""
    from aftersales.core.exceptions import PermissionDenied

    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied("Only the user or an administrator can issue their token.")
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        record(actor=actor, action="api_token_issued", obj=user)
        return token


def revoke_api_token(*, actor: Any, user: Any) -> bool:
    """Revoke ``user``'s API token; True if there was one."""
    from aftersales.core.exceptions import PermissionDenied

    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied("Only the user or an administrator can revoke their token.")
    with transaction.atomic():
        deleted, _detail = Token.objects.filter(user=user).delete()
        if deleted:
            record(actor=actor, action="api_token_revoked", obj=user)
        return bool(deleted)


def update_preferences(*, actor: Any, changes: dict[str, Any]) -> Any:
    """A user changes their own name, contact details, language or time zone."""
    from aftersales.core.history import diff, snapshot

    allowed = ["full_name", "email", "phone", "title", "language", "time_zone"]
    with transaction.atomic():
        # Not type(actor): a page passes request.user, a lazy wrapper around the user.
        user = get_user_model().objects.select_for_update().get(pk=actor.pk)
        fields = [f for f in allowed if f in changes]
        before = snapshot(user, fields)
        for name in fields:
            setattr(user, name, changes[name])
        user.full_clean(exclude=["password"])
        user.save(update_fields=fields)
        changed = diff(before, snapshot(user, fields))
        if changed:
            record(actor=actor, action="updated", obj=user, changes=changed)
        return user
