"""Console imports as jobs: upload → check (preview) → confirm → write, large files in the background.

A job holds the uploaded file, so the confirmation writes the file that was previewed; the write
re-checks every row (the register may have changed since), and is all or nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..imports.table import ImportFileError, check_upload
from ..models import ImportJob, ImportKind, ImportStatus
from ..authorization import authorize
from ..scoping import user_jurisdiction
from .register import register_import_file

# Files up to this size are checked within the request; larger ones by the task worker.
INLINE_BYTES = 200 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".csv")


def import_job_create(*, actor, kind: str, filename: str, data: bytes, complete_staff: bool = False) -> ImportJob:
    authorize(actor, "register.import")
    jurisdiction = user_jurisdiction(actor)
    if jurisdiction is None:
        raise PermissionDenied(_("Your account is not linked to a jurisdiction yet. Please ask an administrator."))
    if not filename.lower().endswith(ALLOWED_SUFFIXES):
        raise ImportFileError(_("Only .xlsx and .csv files can be imported."))
    check_upload(data)
    job = ImportJob.objects.create(
        kind=kind, jurisdiction=jurisdiction, created_by=actor, filename=filename[:255], data=data,
        complete_staff=complete_staff and kind == ImportKind.PERSONNEL,
    )
    _run(job, apply=False)
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Start writing a checked job. A second click, or a second tab, finds it already started."""
    authorize(actor, "register.import")
    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.APPLYING, confirmed_by=actor, processed_rows=0,
    )
    job.refresh_from_db()
    if started:
        _run(job, apply=True)
        job.refresh_from_db()
    return job


def _run(job: ImportJob, *, apply: bool) -> None:
    from ..tasks import import_job_run

    if len(job.data) <= INLINE_BYTES:
        import_job_execute(job_id=job.pk, apply=apply)
    else:
        transaction.on_commit(lambda: import_job_run.enqueue(job.pk, apply))


def import_job_execute(*, job_id: int, apply: bool) -> None:
    """Check (or, when `apply`, write) a job's file, recording progress and the outcome."""
    job = ImportJob.objects.select_related("jurisdiction", "created_by", "confirmed_by").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    try:
        result = register_import_file(
            kind=job.kind, data=bytes(job.data), filename=job.filename, jurisdiction=job.jurisdiction,
            actor=job.confirmed_by or job.created_by, dry_run=not apply, progress=progress,
            job_id=job.pk, complete_staff=job.complete_staff,
        )
    except ImportFileError as error:
        ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, message=str(error), data=b"")
        return
    if not result.ok:
        status = ImportStatus.INVALID
    elif apply:
        status = ImportStatus.DONE
    else:
        status = ImportStatus.READY
    ImportJob.objects.filter(pk=job_id).update(
        status=status, result=result.as_json(), total_rows=result.total_rows, processed_rows=result.total_rows,
        # Only a job awaiting confirmation keeps its file: it may hold ID numbers.
        **({} if status == ImportStatus.READY else {"data": b""}),
    )
