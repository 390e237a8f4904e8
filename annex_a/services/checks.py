"""Annexe A file checks: store the upload, check it (in the background or inline), keep findings.

Only counts and findings are kept. Uploaded files are deleted as soon as the check ends.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from annex_a.checker import CheckReport, Source, check_sources
from annex_a.models import AnnexAList, CheckStatus, FileCheck, Finding, ListStatus
from annex_a.readers import Limits, ReadRefused, open_upload
from annex_a.services.lists import annex_a_spec, derive_status, ensure_lists
from inspections.access import NotAllowed, require
from inspections.audit import acting_as
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError

log = logging.getLogger(__name__)
MAX_FILES = 11


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
    folder = f"annex_a/uploads/{uuid.uuid4().hex}"
    stored = [
        default_storage.save(f"{folder}/{n}-{_safe(f.name)}", File(f.file))
        for n, f in enumerate(files)
    ]
    check = FileCheck.objects.create(
        inspection=inspection,
        file_names=[os.path.basename(f.name) for f in files],
        stored_files=stored,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    async_task("annex_a.tasks.run_file_check", check.pk, task_name=f"annex-a-check-{check.pk}")
    return check


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
    for stored in check.stored_files:
        default_storage.delete(stored)
    FileCheck.objects.filter(pk=check.pk).update(stored_files=[])


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
        yield Source(source.name, _rows_then(source, progress), source.list_number)


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
    counts = {
        str(n): {
            "name": r.name,
            "source": r.source,
            "rows": r.rows,
            "findings": r.finding_count,
            "errors": sum(1 for f in r.findings if f.severity == "error"),
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
        notes=report.notes[:100],
        message=message,
    )
