"""Console imports as jobs: upload → check (preview) → confirm → write, large files in the background.

A job holds the uploaded file, so the confirmation writes the file that was previewed; the write
re-checks every row (the register may have changed since), and is all or nothing.

One mechanism for every import: each kind registers (`register_import_kind`) the function that checks
or writes its file and the action that may import it. The register's kinds are registered here; the
question bank registers its own from `assessment.apps` (supervision never imports assessment,
DESIGN.md §3)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ..imports.result import ImportResult
from ..imports.table import ImportFileError, check_upload
from ..models import ImportJob, ImportKind, ImportStatus
from ..authorization import authorize
from ..scoping import user_jurisdiction
from .register import register_import_file

# Files up to this size are checked within the request; larger ones by the task worker.
INLINE_BYTES = 200 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class ImportKindSpec:
    """How one kind of file is imported.

    `run(data=, filename=, jurisdiction=, actor=, dry_run=, progress=, job_id=, complete_staff=)`
    returns an `ImportResult` (row errors in it, nothing written then) or raises `ImportFileError`;
    `action` is the authorization action that may upload and confirm it; `upload_url` and `done_url`
    name the console pages to upload another file and to see the result; `needs_jurisdiction`: the
    command line asks for `--jurisdiction` (the register is per bureau; the bank is national)."""

    run: Callable[..., ImportResult]
    action: str
    upload_url: str
    done_url: str
    needs_jurisdiction: bool = True


_KINDS: dict[str, ImportKindSpec] = {}


def register_import_kind(kind: str, spec: ImportKindSpec) -> None:
    if kind not in ImportKind.values:
        raise ValueError(f"{kind!r} is not an ImportKind")
    _KINDS[kind] = spec


def import_kind_spec(kind: str) -> ImportKindSpec:
    try:
        return _KINDS[kind]
    except KeyError:
        raise ImportFileError(_("This kind of file cannot be imported.")) from None


def _register_run(kind: str) -> Callable[..., ImportResult]:
    def run(**arguments) -> ImportResult:
        return register_import_file(kind=kind, **arguments)
    return run


for _kind, _done in ((ImportKind.UNITS, "units:index"), (ImportKind.PERSONNEL, "people:index")):
    register_import_kind(_kind, ImportKindSpec(run=_register_run(_kind), action="register.import", upload_url="imports:add", done_url=_done))


def file_label(*, filename: str, data: bytes) -> str:
    """How an imported file is named in the audit log: its name and the start of its SHA-256."""
    return f"{filename} (sha256 {hashlib.sha256(data).hexdigest()[:16]})"


def import_job_create(*, actor, kind: str, filename: str, data: bytes, complete_staff: bool = False) -> ImportJob:
    """The job of the uploading bureau: its staff see it (a county's job is a 404 elsewhere), even for
    the question bank, which is national: the job is only the file on its way in."""
    spec = import_kind_spec(kind)
    authorize(actor, spec.action)
    jurisdiction = user_jurisdiction(actor)
    if jurisdiction is None:
        raise PermissionDenied(_("Your account is not linked to a jurisdiction yet. Please ask an administrator."))
    # A workbook saved under another name is read by its content, as read_table does.
    if not (filename.lower().endswith(ALLOWED_SUFFIXES) or data[:4] == b"PK\x03\x04"):
        raise ImportFileError(_("Only .xlsx and .csv files can be imported."))
    check_upload(data)
    job = ImportJob.objects.create(
        kind=kind, jurisdiction=jurisdiction, created_by=actor, filename=filename[:255], data=data,
        complete_staff=complete_staff and kind == ImportKind.PERSONNEL,
    )
    _run(job, apply=False)
    job.refresh_from_db()
    return job


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """Start writing a checked job. A second click, or a second tab, finds it already started."""
    authorize(actor, import_kind_spec(job.kind).action)
    started = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.APPLYING, confirmed_by=actor, processed_rows=0,
    )
    job.refresh_from_db()
    if started:
        _run(job, apply=True)
        job.refresh_from_db()
    return job


def _run(job: ImportJob, *, apply: bool) -> None:
    # A real cycle: the task module wraps import_job_execute below, and this enqueues that task.
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
        result = import_kind_spec(job.kind).run(
            data=bytes(job.data), filename=job.filename, jurisdiction=job.jurisdiction,
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
