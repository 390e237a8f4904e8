"""Streaming rows in from an uploaded Annexe A workbook (xlsx) or CSV files, refusing unsafe files.

A workbook is read in openpyxl's read-only mode, a sheet at a time, its XML walked by the shared
reader, so memory stays flat on large files and the work is the file's own rows, never its
declared dimension. A formula is read as the value Excel saved for it (what Ofsted's import
reads: councils' workbooks compute ages and look up workers with formulas); one never
calculated comes through as its text, "=...", which the checker reports. A file that cannot be
read safely (not a workbook, over the size limit, a
zip bomb, XML entities, more rows or columns than the caps) is refused with a message naming
the file, never a crash.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

from annex_a.checker import Source
from inspections.services.spreadsheets import (
    FileRefused,
    Limits,
    Where,
    check_size,
    check_workbook_safe,
    column_name,
    csv_records,
    file_size,
    open_workbook,
    sheet_rows,
)

CHUNK = 1024 * 1024


# One refusal for every unreadable upload: the shared workbook check raises it too.
ReadRefused = FileRefused


class SavedValues(WorkSheetParser):
    """Cells as Excel saved them (the parser runs in data-only mode). A formula cell with no
    saved value, other than an empty text result, was never calculated: its formula text."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.get("t") != "str":
            formula = element.find(FORMULA_TAG)
            if formula is not None and not (element.findtext(VALUE_TAG) or ""):
                cell["value"] = "=" + (formula.text or "")
        return cell


@dataclass
class Upload:
    name: str
    kind: str  # "xlsx" | "csv"
    sources: list[Source] = field(default_factory=list)
    estimated_rows: int = 0


def _where(name: str, sheet: str | None = None) -> Where:
    prefix = f"{name}: sheet {sheet!r}" if sheet else name

    def where(row: int | None, column: int | None) -> str:
        if row is None:
            return prefix
        if column is None:
            return f"{prefix} row {row}"
        return f"{prefix} row {row}, column {column_name(column)}"

    return where


@contextmanager
def open_upload(name: str, fileobj: IO[bytes], limits: Limits | None = None) -> Iterator[Upload]:
    """Sources (one per sheet or CSV file) whose rows stream in as the checker reads them."""
    limits = limits or Limits()
    size = file_size(fileobj)
    check_size(name, size, limits)
    if size == 0:
        raise ReadRefused(f"{name}: the file is empty.")
    lower = name.lower()
    if lower.endswith(".csv"):
        yield _csv_upload(name, fileobj, limits)
        return
    if lower.endswith(".xls"):
        raise ReadRefused(f"{name}: an old-style .xls workbook; save it as .xlsx.")
    if not lower.endswith((".xlsx", ".xlsm")) and not zipfile.is_zipfile(fileobj):
        raise ReadRefused(f"{name}: use an Excel workbook (.xlsx) or CSV files.")
    fileobj.seek(0)
    check_workbook_safe(name, fileobj, limits)
    # data only: formulas as their saved values (SavedValues marks those never calculated)
    workbook = open_workbook(name, fileobj, data_only=True)
    try:
        upload = Upload(name=name, kind="xlsx")
        for sheet in workbook.worksheets:
            # the declared dimension is a hint for progress only, never what is read
            declared = min(sheet.max_row or 1, limits.max_rows)
            upload.estimated_rows += max(declared - 1, 0)
            rows = sheet_rows(sheet, limits, _where(name, sheet.title), SavedValues)
            upload.sources.append(Source(sheet.title, rows, typed=True))
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


def _lines(name: str, fileobj: IO[bytes], encoding: str) -> Iterator[str]:
    """Text lines, line endings kept (as csv wants), decoded a chunk at a time."""
    chunks = iter(lambda: fileobj.read(CHUNK), b"")
    pending = ""
    for text in codecs.iterdecode(chunks, encoding, errors="replace"):
        if "\x00" in text:  # the first 4 KB were checked; a NUL later is the same refusal
            raise ReadRefused(f"{name}: not a CSV text file.")
        # split on "\n" only: "\r\n" stays whole even when a chunk ends between the two
        *complete, pending = (pending + text).split("\n")
        for line in complete:
            yield line + "\n"
    if pending:
        yield pending


def _csv_upload(name: str, fileobj: IO[bytes], limits: Limits) -> Upload:
    encoding, lines = _csv_encoding(name, fileobj)
    base = os.path.basename(name)
    rows = csv_records(_lines(name, fileobj, encoding), limits, _where(name))
    return Upload(
        name=name, kind="csv", sources=[Source(base, rows)], estimated_rows=max(lines - 1, 0)
    )
