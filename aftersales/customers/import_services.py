"""Use case: start an import of customers, contacts or equipment as a background job."""

from __future__ import annotations

import os
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.exceptions import ValidationError
from aftersales.core.models import Job
from aftersales.customers.import_files import EXTENSIONS, extension
from aftersales.customers.imports import KINDS, check_permission
from aftersales.customers.tasks import run_import_job

JOB_KIND_PREFIX = "import_"


def check_upload(*, name: str, size: int | None) -> None:
    """Refuse a file that is too large or not CSV/XLSX, as an error on the ``file`` field."""
    max_mb = settings.AFTERSALES_MAX_UPLOAD_MB
    if not name:
        raise ValidationError({"file": _("The file has no name.")})
    if extension(name) not in EXTENSIONS:
        raise ValidationError({"file": _("Only CSV and XLSX files can be imported.")})
    if size is None or size > max_mb * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than %(max)d MB.") % {"max": max_mb}})


def start_import(*, actor: Any, kind: str, upload: UploadedFile, dry_run: bool) -> Job:
    """Store the upload and queue its import; the job row shows progress and the result."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose companies, contacts or equipment.")})
    check_permission(actor=actor, kind=kind)
    name = os.path.basename(upload.name or "")[:255]
    check_upload(name=name, size=upload.size)
    with transaction.atomic():
        job = Job(
            kind=f"{JOB_KIND_PREFIX}{kind}",
            created_by=actor,
            params={"kind": kind, "dry_run": dry_run, "filename": name},
        )
        # The stored name is random: a user-supplied name can never collide or traverse.
        job.input_file.save(f"{uuid.uuid4().hex}.{extension(name)}", upload, save=False)
        job.save()
        # The consumer must find the committed row, so the task is queued only at commit.
        transaction.on_commit(partial(run_import_job, job.pk))
    return job
