"""Reading uploaded CSV and Excel files as rows of text, with refusals for unsafe files."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from openpyxl import load_workbook

from inspections.services.errors import DomainError


class FileRefused(DomainError):
    """The file was not read: the message says why and names the file."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    # Sheets are plain XML and compress about 10-20x; zip bombs reach 1,000x and more.
    max_uncompressed: int = 2 * 1024 * 1024 * 1024
    max_ratio: int = 100


# People, library and audit lists are small: tighter than Annexe A's extracts.
LIST_LIMITS = Limits(max_bytes=20 * 1024 * 1024, max_uncompressed=200 * 1024 * 1024, max_ratio=200)


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def file_size(fileobj: IO[bytes]) -> int:
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


def check_workbook_safe(name: str, fileobj: IO[bytes], limits: Limits) -> None:
    """Refuse what is not an xlsx, or would inflate past the limits, before openpyxl sees it."""
    size = file_size(fileobj)
    if not zipfile.is_zipfile(fileobj):
        raise FileRefused(f"{name}: not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.")
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(f"{name}: a damaged zip file, not a readable workbook.") from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed or total > limits.max_ratio * max(size, 1):
        raise FileRefused(
            f"{name}: refused: it would expand to {megabytes(total)} from {megabytes(size)} "
            "(a zip bomb, or a workbook far larger than this upload needs)."
        )
    if "xl/workbook.xml" not in names:
        raise FileRefused(f"{name}: a zip file, but not an Excel workbook (.xlsx).")
    fileobj.seek(0)


def normalise_header(text: object) -> str:
    return " ".join(str(text or "").replace("_", " ").split()).lower()


def read_rows(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number as the user sees it, cells as text), first row the header. CSV or xlsx."""
    if len(data) > LIST_LIMITS.max_bytes:
        raise FileRefused(
            f"{filename}: {megabytes(len(data))} is over the "
            f"{megabytes(LIST_LIMITS.max_bytes)} limit."
        )
    lower = filename.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(f"{filename}: not UTF-8 text; save it as 'CSV UTF-8'.") from None
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield number, [c.strip() for c in row]
        return
    if lower.endswith((".xlsx", ".xlsm")):
        check_workbook_safe(filename, io.BytesIO(data), LIST_LIMITS)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise DomainError(
                f"{filename}: could not be read as a workbook ({exc.__class__.__name__})."
            ) from exc
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, ["" if c is None else str(c).strip() for c in row]
        finally:
            workbook.close()
        return
    raise DomainError(f"{filename}: use a .csv or .xlsx file.")
