"""Shared models: the append-only history, gapless sequences, private attachments, jobs."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core import clock
from aftersales.core.choices import JobStatus
from aftersales.core.querysets import JobQuerySet


class TimeStampedModel(models.Model):
    """Abstract base with creation and modification times."""

    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a history row."""


class HistoryQuerySet(models.QuerySet):
    """History rows in bulk: inserting is allowed, changing and deleting are not."""

    # Bulk update() and delete() bypass the model's save() and delete(); without these the
    # guard would hold only for single rows (and on SQLite there is no trigger behind it).
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("history entries are append-only")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("history entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("history entries are append-only")


class HistoryEntry(models.Model):
    """One recorded action on one object: who, when, what, and field-level before/after."""

    created_at = models.DateTimeField(_("time"), default=clock.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64)
    # No index of its own: the (content_type, object_id, created_at) index starts with it.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, db_index=False
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("history entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("history entries are append-only")


class Sequence(models.Model):
    """The last number handed out for one prefix and year (e.g. PJ 2026 → 12)."""

    prefix = models.CharField(_("prefix"), max_length=8)
    year = models.PositiveIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="core_sequence_unique_prefix_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_value}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random so that a user-supplied name can never collide or traverse.
    return f"attachments/{instance.created_at:%Y/%m}/{instance.key.hex}"


class Attachment(models.Model):
    """A privately stored file attached to any object; served only after a visibility check."""

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT
    )
    object_id = models.CharField(_("object id"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    mime_type = models.CharField(_("type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gte=0), name="core_attachment_size_gte_0"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Job(models.Model):
    """A background job a person waits for (an import, an export): status, progress, result."""

    kind = models.CharField(_("kind"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    input_file = models.FileField(_("input file"), upload_to="jobs/", blank=True, max_length=255)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        """Progress as a whole percentage."""
        if not self.progress_total:
            return 100 if self.status in JobStatus.finished() else 0
        return min(100, self.progress_done * 100 // self.progress_total)


class Notification(models.Model):
    """An in-app message to one user (the bell), rendered in the reader's language.

    The text is not stored: ``kind`` names a template in ``core.notifications`` and
    ``params`` fills it, so a Chinese and an English reader see the same event in their
    own language.
    """

    # Indexed by the (user, created_at) indexes below, which start with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=48)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Never searched by type alone: the bell reads by user.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    url = models.CharField(_("link"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                name="core_notif_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["user", "-created_at"], name="core_notif_user"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"
