"""Background tasks of the customers context."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from huey.contrib.djhuey import db_task
from huey.exceptions import TaskTimeout

from aftersales.core.choices import JobStatus
from aftersales.core.models import Job
from aftersales.customers.imports import make_error, run_import

logger = logging.getLogger(__name__)

# A 10,000-row file takes seconds; the largest allowed file (AFTERSALES_IMPORT_MAX_ROWS)
# about a minute or two. A job nobody ran within a day is stale: its user has moved on.
IMPORT_TIMEOUT_SECONDS = 15 * 60
IMPORT_EXPIRES_SECONDS = 24 * 60 * 60


def _save_progress(job_id: int, done: int, total: int) -> None:
    Job.objects.filter(pk=job_id).update(progress_done=done, progress_total=total)


@db_task(retries=0, expires=IMPORT_EXPIRES_SECONDS, timeout=IMPORT_TIMEOUT_SECONDS)
def run_import_job(job_id: int) -> None:
    """Run one queued import job and store its result; a job already taken is left alone."""
    # Claim the job by compare-and-swap, so that a message delivered twice runs it once.
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    params = job.params
    try:
        with job.input_file.open("rb") as handle:
            data = handle.read()
        result = run_import(
            actor=job.created_by,
            kind=params["kind"],
            data=data,
            filename=params.get("filename", job.input_file.name),
            dry_run=bool(params.get("dry_run")),
            progress=lambda done, total: _save_progress(job_id, done, total),
        ).as_dict()
    except PermissionDenied:
        # The user lost the permission between upload and run.
        result = _failure(params, "permission_denied")
    except TaskTimeout:
        logger.warning("import job %s timed out", job_id)
        result = _failure(params, "timeout")
    except Exception:
        logger.exception("import job %s failed", job_id)
        result = _failure(params, "crashed")
    status = JobStatus.SUCCEEDED if result["error_count"] == 0 else JobStatus.FAILED
    Job.objects.filter(pk=job_id).update(status=status, result=result, finished_at=timezone.now())


def _failure(params: dict, code: str) -> dict:
    error = make_error(1, "", code)
    return {
        "kind": params.get("kind", ""),
        "dry_run": bool(params.get("dry_run")),
        "rows": 0,
        "created": 0,
        "error_count": 1,
        "errors": [error],
        "errors_truncated": False,
        "ignored_columns": [],
    }
