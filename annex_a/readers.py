"""Streaming rows in from an uploaded Annexe A workbook (xlsx) or CSV files, refusing unsafe files.

A workbook is read with openpyxl in read-only mode, a sheet at a time, so memory stays flat on
large files. A file that cannot be read safely (not a workbook, over the size limit, a zip bomb)
is refused with a message naming the file, never a crash.
"""

from __future__ import annotations

import codecs
import csv
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from openpyxl import load_workbook

from annex_a.checker import Source
from inspections.services.spreadsheets import FileRefused, Limits, check_workbook_safe, file_size
from inspections.services.spreadsheets import megabytes as _mb

CHUNK = 1024 * 1024


# One refusal for every unreadable upload: the shared workbook check raises it too.
ReadRefused = FileRefused


@dataclass
class Upload:
    name: str
    kind: str  # "xlsx" | "csv"
    sources: list[Source] = field(default_factory=list)
    estimated_rows: int = 0


def _numbered(
    name: str, sheet: str, rows: Iterator[Sequence[object]]
) -> Iterator[tuple[int, Sequence[object]]]:
    number = 0
    try:
        for number, cells in enumerate(rows, start=1):  # noqa: B007
            yield number, cells
    except Exception as exc:  # openpyxl raises many kinds for damaged XML
        raise ReadRefused(
            f"{name}: sheet {sheet!r} could not be read after row {number} "
            f"({exc.__class__.__name__}); the check stopped there."
        ) from exc


@contextmanager
def open_upload(name: str, fileobj: IO[bytes], limits: Limits | None = None) -> Iterator[Upload]:
    """Sources (one per sheet or CSV file) whose rows stream in as the checker reads them."""
    limits = limits or Limits()
    size = file_size(fileobj)
    if size > limits.max_bytes:
        raise ReadRefused(f"{name}: {_mb(size)} is over the {_mb(limits.max_bytes)} limit.")
    if size == 0:
        raise ReadRefused(f"{name}: the file is empty.")
    lower = name.lower()
    if lower.endswith(".csv"):
        yield _csv_upload(name, fileobj)
        return
    if lower.endswith(".xls"):
        raise ReadRefused(f"{name}: an old-style .xls workbook; save it as .xlsx.")
    if not lower.endswith((".xlsx", ".xlsm")) and not zipfile.is_zipfile(fileobj):
        raise ReadRefused(f"{name}: use an Excel workbook (.xlsx) or CSV files.")
    fileobj.seek(0)
    check_workbook_safe(name, fileobj, limits)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # a broken workbook raises many kinds
        raise ReadRefused(
            f"{name}: could not be read as a workbook ({exc.__class__.__name__})."
        ) from exc
    try:
        upload = Upload(name=name, kind="xlsx")
        for sheet in workbook.worksheets:
            upload.estimated_rows += max((sheet.max_row or 1) - 1, 0)
            rows = sheet.iter_rows(values_only=True)  # type: ignore[union-attr]
            upload.sources.append(Source(sheet.title, _numbered(name, sheet.title, rows)))
        yield upload
    finally:
        workbook.close()


def _csv_encoding(name: str, fileobj: IO[bytes]) -> tuple[str, int]:
    """One pass without keeping the text: UTF-8 (with or without BOM), else Windows-1252, and
    the number of lines for progress."""
    head = fileobj.read(4096)
    if b"\x00" in head:
        raise ReadRefused(f"{name}: not a CSV text file.")
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    encoding, lines, chunk = "utf-8-sig", 0, head
    while chunk:
        lines += chunk.count(b"\n")
        if encoding == "utf-8-sig":
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                encoding = "cp1252"  # Excel's plain "CSV" on Windows
        chunk = fileobj.read(CHUNK)
    fileobj.seek(0)
    return encoding, lines


def _lines(fileobj: IO[bytes], encoding: str) -> Iterator[str]:
    """Text lines, line endings kept (as csv wants), decoded a chunk at a time."""
    chunks = iter(lambda: fileobj.read(CHUNK), b"")
    pending = ""
    for text in codecs.iterdecode(chunks, encoding, errors="replace"):
        # split on "\n" only: "\r\n" stays whole even when a chunk ends between the two
        *complete, pending = (pending + text).split("\n")
        for line in complete:
            yield line + "\n"
    if pending:
        yield pending


def _csv_upload(name: str, fileobj: IO[bytes]) -> Upload:
    encoding, lines = _csv_encoding(name, fileobj)
    base = os.path.basename(name)
    rows = _numbered(name, base, csv.reader(_lines(fileobj, encoding)))
    return Upload(
        name=name, kind="csv", sources=[Source(base, rows)], estimated_rows=max(lines - 1, 0)
    )
