"""Generic building blocks that the apps' service functions are made of."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _

from aftersales.core import clock
from aftersales.core.exceptions import Conflict, PermissionDenied, ValidationError
from aftersales.core.history import diff, record, record_created, snapshot
from aftersales.core.models import Attachment

M = TypeVar("M", bound=models.Model)


def require_perm(actor: Any, perm: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``perm``."""
    if not (actor and actor.is_authenticated and actor.has_perm(perm)):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_visible(actor: Any, instance: models.Model) -> None:
    """Raise PermissionDenied unless ``instance`` is in the actor's visibility queryset."""
    manager = type(instance)._default_manager
    if not manager.visible_to(actor).filter(pk=instance.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_("You do not have permission to do this."))


def create_object(*, actor: Any, instance: M, fields: Iterable[str]) -> M:
    """Validate and insert ``instance`` and record its creation with ``fields``."""
    instance.full_clean()
    instance.save(force_insert=True)
    record_created(actor=actor, obj=instance, fields=fields)
    return instance


def lock_version(model: type[M], pk: Any, expected_version: int, fields: Iterable[str]) -> M:
    """Lock a row for update and check that the caller saw its current version.

    A stale version raises Conflict carrying the current values, so that a client can show
    the user what someone else changed instead of overwriting it.
    """
    current = model._default_manager.select_for_update().get(pk=pk)
    if current.version != expected_version:  # type: ignore[attr-defined]
        raise Conflict(
            _("Someone else changed this record in the meantime. Reload and try again."),
            code="stale_version",
            current={"version": current.version, **snapshot(current, fields)},  # type: ignore[attr-defined]
        )
    return current


def update_object(
    *,
    actor: Any,
    instance: M,
    expected_version: int,
    changes: Mapping[str, Any],
    editable: Iterable[str],
    action: str = "updated",
) -> M:
    """Apply ``changes`` (only ``editable`` fields) under the optimistic version check."""
    editable = list(editable)
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    locked = lock_version(type(instance), instance.pk, expected_version, editable)
    before = snapshot(locked, changes.keys())
    for name, value in changes.items():
        setattr(locked, name, value)
    after = snapshot(locked, changes.keys())
    changed = diff(before, after)
    if not changed:
        return locked
    locked.full_clean()
    locked.version += 1  # type: ignore[attr-defined]
    update_fields = [*changes.keys(), "version"]
    if any(f.name == "updated_at" for f in locked._meta.fields):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    record(actor=actor, action=action, obj=locked, changes=changed)
    return locked


def allowed_extension(name: str) -> bool:
    """Whether a file name's extension is on the upload allow-list."""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    return ext in {e.lower() for e in settings.AFTERSALES_UPLOAD_EXTENSIONS}


def add_attachment(*, actor: Any, target: models.Model, upload: UploadedFile) -> Attachment:
    """Store an uploaded file privately against ``target`` after size and type checks."""
    max_bytes = settings.AFTERSALES_MAX_UPLOAD_MB * 1024 * 1024
    name = os.path.basename(upload.name or "")[:255]
    if not name:
        raise ValidationError({"file": _("The file has no name.")})
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {
                "file": _("The file is larger than %(max)d MB.")
                % {"max": settings.AFTERSALES_MAX_UPLOAD_MB}
            }
        )
    if not allowed_extension(name):
        raise ValidationError({"file": _("This type of file is not allowed.")})
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=str(target.pk),
        original_name=name,
        mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=upload.size,
        uploaded_by=actor,
        created_at=clock.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record(
        actor=actor,
        action="attachment_added",
        obj=target,
        changes={"attachment": [None, name]},
    )
    return attachment


def attachments_of(target: models.Model) -> models.QuerySet[Attachment]:
    """The attachments of one object, oldest first."""
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    return Attachment.objects.filter(content_type=ct, object_id=str(target.pk)).select_related(
        "uploaded_by"
    )
