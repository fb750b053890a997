"""Writing the append-only history from service functions."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from aftersales.core import clock
from aftersales.core.models import HistoryEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """JSON-safe values of ``fields`` (FKs as id and text), taken before a change."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.is_relation and field.many_to_one:
            values[name] = _jsonable(getattr(instance, name))
        else:
            values[name] = _jsonable(getattr(instance, getattr(field, "attname", name)))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [before, after] for the fields whose value changed."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    message: str = "",
) -> HistoryEntry:
    """Append one history row; call it inside the service's transaction."""
    entry = HistoryEntry(
        created_at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=_jsonable(changes or {}),
        message=message,
    )
    entry.save(force_insert=True)
    return entry


def record_created(*, actor: Any, obj: models.Model, fields: Iterable[str]) -> HistoryEntry:
    """History row for a new object, with its initial values as 'after'."""
    values = snapshot(obj, fields)
    return record(
        actor=actor, action="created", obj=obj, changes={k: [None, v] for k, v in values.items()}
    )


def history_for(obj: models.Model) -> models.QuerySet[HistoryEntry]:
    """The history of one object, newest first."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return HistoryEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).select_related(
        "actor"
    )
