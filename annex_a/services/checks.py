"""Annexe A file checks: store the upload, check it (in the background or inline), keep findings.

Only counts and findings are kept. Uploaded files (children's data) are deleted as soon as the
check ends, when the broker refuses the job, and otherwise by `sweep_checks`: a check whose
worker died is marked failed once older than the worker timeout plus a margin, and its files go.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import posixpath
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.exceptions import TimeoutException
from django_q.tasks import async_task

from annex_a.checker import CheckReport, Source, check_sources
from annex_a.models import AnnexAList, CheckStatus, FileCheck, Finding, FindingGroup, ListStatus
from annex_a.readers import Limits, ReadRefused, open_upload
from annex_a.services.allocations import record_allocations
from annex_a.services.lists import annex_a_spec, derive_status, ensure_lists
from inspections.access import NotAllowed, require
from inspections.audit import acting_as
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError

log = logging.getLogger(__name__)
MAX_FILES = 11
UPLOADS = "annex_a/uploads"
LIVE = (CheckStatus.QUEUED, CheckStatus.RUNNING)
NOT_STORED = "The files could not be stored, so the check did not start. Upload them again."
NOT_QUEUED = (
    "The background worker could not be reached, so the check did not start and the files "
    "were not kept. Upload them again in a few minutes; if it keeps happening, tell whoever "
    "runs the planner."
)
TIMED_OUT = (
    "The background worker stopped this check: it took longer than the {seconds} seconds a job "
    "may take. The uploaded files have been deleted."
)
WORKER_LOST = (
    "The background worker stopped before this check finished; the uploaded files have been "
    "deleted. Upload them again."
)


def limits() -> Limits:
    return Limits(max_bytes=settings.MAX_UPLOAD_BYTES)


@dataclass(frozen=True)
class NamedFile:
    name: str
    file: IO[bytes]
    size: int


def start_check(inspection: Inspection, files: Sequence[NamedFile], actor: Any = None) -> FileCheck:
    """Stores the files and queues the check; the page polls the FileCheck for progress."""
    require(actor, inspection, Role.PROJECT_TEAM)
    if not files:
        raise DomainError("Choose an Annexe A workbook (.xlsx) or one CSV file per list.")
    if len(files) > MAX_FILES:
        raise DomainError(f"Upload at most {MAX_FILES} files: one workbook, or a CSV per list.")
    cap = limits().max_bytes
    for f in files:
        if f.size > cap:
            raise DomainError(
                f"{f.name}: {f.size // (1024 * 1024)} MB is over the {cap // (1024 * 1024)} MB limit."
            )
    # The row first, then the files in a folder named after it: the sweep then knows whose
    # every stored file is, even one written by a request that died half way.
    check = FileCheck.objects.create(
        inspection=inspection,
        file_names=[os.path.basename(f.name) for f in files],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    folder = f"{UPLOADS}/{check.pk}-{uuid.uuid4().hex}"
    stored: list[str] = []
    try:
        for n, f in enumerate(files):
            stored.append(default_storage.save(f"{folder}/{n}-{_safe(f.name)}", File(f.file)))
    except Exception:
        log.exception("Annexe A check %s: the upload could not be stored", check.pk)
        _give_up(check, stored, NOT_STORED)
        raise DomainError(NOT_STORED) from None
    FileCheck.objects.filter(pk=check.pk).update(stored_files=stored)
    check.stored_files = stored
    try:
        async_task("annex_a.tasks.run_file_check", check.pk, task_name=f"annex-a-check-{check.pk}")
    except Exception:  # the broker refused the job (Redis down, database broker unreachable)
        log.exception("Annexe A check %s could not be queued", check.pk)
        _give_up(check, stored, NOT_QUEUED)
        raise DomainError(NOT_QUEUED) from None
    return check


def _give_up(check: FileCheck, stored: list[str], message: str) -> None:
    FileCheck.objects.filter(pk=check.pk, status=CheckStatus.QUEUED).update(
        status=CheckStatus.FAILED, message=message, finished_at=timezone.now()
    )
    check.stored_files = stored
    _discard(check)


def _safe(name: str) -> str:
    base = os.path.basename(name)
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in base)[:100] or "upload"


def run_check(check_pk: int) -> FileCheck | None:
    """The background task's one call: claims the check, runs it, deletes the stored files."""
    claimed = FileCheck.objects.filter(pk=check_pk, status=CheckStatus.QUEUED).update(
        status=CheckStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        return None  # already run (or running) elsewhere
    check = FileCheck.objects.select_related("inspection", "created_by").get(pk=check_pk)
    try:
        # the uploader's role is checked again when the check runs: it may have been lowered
        require(check.created_by, check.inspection, Role.PROJECT_TEAM)
    except NotAllowed as exc:
        _finish(check, CheckStatus.REFUSED, str(exc))
        _discard(check)
        check.refresh_from_db()
        return check
    try:
        with ExitStack() as stack:
            files = []
            for name, stored in zip(check.file_names, check.stored_files, strict=True):
                files.append((name, stack.enter_context(default_storage.open(stored, "rb"))))
            with acting_as(check.created_by):  # lists' new row counts: the uploader's change
                execute(check, files)
    except TimeoutException:  # django-q stops a job at its timeout: say so, then let it stop
        FileCheck.objects.filter(pk=check.pk, status=CheckStatus.RUNNING).update(
            status=CheckStatus.FAILED,
            message=TIMED_OUT.format(seconds=settings.Q_CLUSTER["timeout"]),
            finished_at=timezone.now(),
        )
        raise
    except Exception:
        # execute() marks its own failures; this catches a stored upload that cannot be opened
        FileCheck.objects.filter(pk=check.pk, status=CheckStatus.RUNNING).update(
            status=CheckStatus.FAILED,
            message="The uploaded files could not be opened; upload them again.",
            finished_at=timezone.now(),
        )
        raise
    finally:
        _discard(check)
    check.refresh_from_db()
    return check


def _discard(check: FileCheck) -> None:
    _delete(check.stored_files)
    FileCheck.objects.filter(pk=check.pk).update(stored_files=[])


def _delete(stored_files: Sequence[str]) -> None:
    for stored in stored_files:
        default_storage.delete(stored)
    for folder in {posixpath.dirname(stored) for stored in stored_files}:
        if folder.startswith(f"{UPLOADS}/"):
            _delete_folder(folder)


def _delete_folder(folder: str) -> None:
    try:
        default_storage.delete(folder)
    except OSError:  # not empty: the sweep deals with what is left
        log.warning("Annexe A upload folder %s is not empty", folder)


@dataclass(frozen=True)
class Swept:
    failed: int  # checks whose worker stopped, marked failed
    files: int  # stored uploads deleted


def stale_before(now: dt.datetime) -> dt.datetime:
    """Checks started (or, still queued, created) before this have lost their worker."""
    timeout = cast(int, settings.Q_CLUSTER["timeout"])
    return now - dt.timedelta(seconds=timeout + settings.JOBS_STALE_MARGIN_SECONDS)


def sweep_checks(inspection: Inspection | None = None) -> Swept:
    """Fail checks whose worker died and delete the uploads of every check that has ended:
    one inspection's (the pages call this), or all of them and any stray upload (the sweep job)."""
    # Listed before the checks are read: start_check writes a folder only after its check's
    # row, so every folder listed here belongs to a check the queries below can see.
    folders = _upload_folders() if inspection is None else {}
    now = timezone.now()
    cutoff = stale_before(now)
    checks = FileCheck.objects.all() if inspection is None else inspection.annex_a_checks.all()
    abandoned = checks.filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff),
        status__in=LIVE,
    )
    failed = 0
    if abandoned.exists():  # the pages call this on each poll: read, write only when needed
        failed = abandoned.update(
            status=CheckStatus.FAILED, message=WORKER_LOST, finished_at=now, progress=0
        )
    deleted = 0
    for check in checks.exclude(status__in=LIVE).exclude(stored_files=[]):
        deleted += len(check.stored_files)
        _discard(check)
    if folders:
        deleted += _delete_strays(folders)
    if failed or deleted:
        log.warning("Annexe A sweep: %d check(s) failed, %d upload(s) deleted", failed, deleted)
    return Swept(failed=failed, files=deleted)


def _upload_folders() -> dict[str, list[str]]:
    """Each folder under the uploads folder, with the storage names of the files in it."""
    if not default_storage.exists(UPLOADS):
        return {}
    folders, _ = default_storage.listdir(UPLOADS)
    return {
        folder: [
            f"{UPLOADS}/{folder}/{name}"
            for name in default_storage.listdir(f"{UPLOADS}/{folder}")[1]
        ]
        for folder in folders
    }


def _delete_strays(folders: dict[str, list[str]]) -> int:
    """Deletes the folders that no queued or running check owns (by the check's number that
    starts the folder's name, or by its stored file names); returns how many files went."""
    live = FileCheck.objects.filter(status__in=LIVE)
    owners = {str(pk) for pk in live.values_list("pk", flat=True)}
    needed = {name for names in live.values_list("stored_files", flat=True) for name in names}
    deleted = 0
    for folder, names in folders.items():
        if folder.split("-", 1)[0] in owners or needed.intersection(names):
            continue
        names = [name for name in names if default_storage.exists(name)]  # not swept above
        for name in names:
            default_storage.delete(name)
        _delete_folder(f"{UPLOADS}/{folder}")
        deleted += len(names)
    return deleted


def check_files_inline(
    inspection: Inspection, files: Sequence[tuple[str, IO[bytes]]], actor: Any = None
) -> tuple[FileCheck, CheckReport | None]:
    """Runs a check now (the management command), recording it like an uploaded one."""
    require(actor, inspection, Role.PROJECT_TEAM)
    check = FileCheck.objects.create(
        inspection=inspection,
        file_names=[os.path.basename(n) for n, _ in files],
        status=CheckStatus.RUNNING,
        started_at=timezone.now(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    report = execute(check, files)
    check.refresh_from_db()
    return check, report


class _Progress:
    def __init__(self, check: FileCheck, estimated_rows: int, sources: int):
        self.check_pk, self.estimated, self.sources = check.pk, estimated_rows, max(sources, 1)
        self.rows = 0
        self.sources_done = 0
        self.percent = 0

    def rows_read(self, n: int) -> None:
        self.rows += n
        self._save()

    def source_done(self) -> None:
        self.sources_done += 1
        self._save()

    def _save(self) -> None:
        by_rows = 100 * self.rows / self.estimated if self.estimated else 0
        by_sources = 100 * self.sources_done / self.sources
        percent = min(99, int(max(by_rows, by_sources)))
        if percent > self.percent:
            self.percent = percent
            FileCheck.objects.filter(pk=self.check_pk).update(progress=percent)


def _tracked(sources: list[Source], progress: _Progress) -> Iterator[Source]:
    for source in sources:
        yield replace(source, rows=_rows_then(source, progress))


def _rows_then(source: Source, progress: _Progress) -> Iterator[tuple[int, Sequence[object]]]:
    yield from source.rows
    progress.source_done()


def execute(check: FileCheck, files: Sequence[tuple[str, IO[bytes]]]) -> CheckReport | None:
    inspection = check.inspection
    try:
        with ExitStack() as stack:
            uploads = [stack.enter_context(open_upload(name, fh, limits())) for name, fh in files]
            sources = [s for u in uploads for s in u.sources]
            progress = _Progress(check, sum(u.estimated_rows for u in uploads), len(sources))
            report = check_sources(
                annex_a_spec(),
                _tracked(sources, progress),
                inspection.day_one,
                expect_all=any(u.kind == "xlsx" for u in uploads),
                on_rows=progress.rows_read,
            )
    except ReadRefused as exc:
        _finish(check, CheckStatus.REFUSED, str(exc))
        log.info("Annexe A check %s refused: %s", check.pk, exc)
        return None
    except Exception:
        _finish(check, CheckStatus.FAILED, "The check failed unexpectedly; nothing was kept.")
        log.exception("Annexe A check %s failed", check.pk)
        raise
    save_report(check, report)
    record_allocations(check, report)  # the worker mapping case tracking proposes from
    log.info("Annexe A check %s: %d rows, %d findings", check.pk, report.rows, report.finding_count)
    return report


def _finish(check: FileCheck, status: str, message: str) -> None:
    FileCheck.objects.filter(pk=check.pk).update(
        status=status,
        message=message,
        finished_at=timezone.now(),
        progress=100 if status == CheckStatus.DONE else 0,
    )


@transaction.atomic
def save_report(check: FileCheck, report: CheckReport) -> None:
    Finding.objects.bulk_create(
        [
            Finding(
                check_run=check,
                list_number=f.list,
                row=f.row,
                column=f.column[:255],
                message=f.message,
                child_id=f.child_id,
                kind=f.kind,
                severity=f.severity,
            )
            for f in report.all_findings()
        ],
        batch_size=500,
    )
    FindingGroup.objects.bulk_create(
        [
            FindingGroup(
                check_run=check,
                rank=rank,
                list_number=g.list,
                column=g.column[:255],
                kind=g.kind,
                severity=g.severity,
                count=g.count,
                first_rows=list(g.first_rows),
                message=g.message,
                example=g.example,
            )
            for rank, g in enumerate(report.fix_first(), start=1)
        ],
        batch_size=500,
    )
    counts = {
        str(n): {
            "name": r.name,
            "source": r.source,
            "rows": r.rows,
            "findings": r.finding_count,
            "errors": sum(1 for f in r.findings if f.severity == "error"),
            "warnings": sum(g.count for g in r.groups if g.severity == "warning"),
            "allocated": r.allocated,
            "counts": dict(r.counts),
            "header_map": r.header_map,
            "notes": r.notes[:50],
        }
        for n, r in report.lists.items()
    }
    lists = {lst.number: lst for lst in ensure_lists(check.inspection)}
    for number, result in report.lists.items():
        lst = AnnexAList.objects.select_for_update().get(pk=lists[number].pk)
        lst.row_count = result.rows
        has_errors = any(f.severity == "error" for f in result.findings)
        if lst.status not in (ListStatus.SIGNED_OFF, ListStatus.UPLOADED):
            lst.status = derive_status(lst, has_issues=has_errors)
            if not has_errors and lst.status == ListStatus.ISSUES:
                lst.status = ListStatus.IN_PROGRESS
        lst.save(update_fields=["row_count", "status", "updated_at"])
    message = (
        f"{report.rows:,} rows in {len(report.lists)} list{'s' if len(report.lists) != 1 else ''}; "
        f"{report.finding_count:,} finding{'s' if report.finding_count != 1 else ''}"
    )
    FileCheck.objects.filter(pk=check.pk).update(
        status=CheckStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        rows=report.rows,
        finding_count=report.finding_count,
        list_counts=counts,
        allocated_children=report.allocated_children,
        notes=report.notes[:100],
        message=message,
    )
