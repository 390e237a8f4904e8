"""Reading uploaded CSV and Excel files as rows of text, with refusals for unsafe files."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from inspections.services.errors import DomainError

MAX_BYTES = 20 * 1024 * 1024
# A workbook that inflates past this, or by more than this ratio, is refused as a zip bomb.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200


def normalise_header(text: object) -> str:
    return " ".join(str(text or "").replace("_", " ").split()).lower()


def check_workbook_safe(filename: str, data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DomainError(f"{filename}: not an Excel workbook (.xlsx) or CSV file.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
            raise DomainError(
                f"{filename}: refused: it would expand to {total // (1024 * 1024)} MB "
                "(a compressed file this small should not hold that much)."
            )
        if "xl/workbook.xml" not in archive.namelist():
            raise DomainError(f"{filename}: a zip file, but not an Excel workbook.")


def read_rows(filename: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number as the user sees it, cells as text), first row the header. CSV or xlsx."""
    if len(data) > MAX_BYTES:
        raise DomainError(
            f"{filename}: {len(data) // (1024 * 1024)} MB is over the {MAX_BYTES // (1024 * 1024)} MB limit."
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
        from openpyxl import load_workbook

        check_workbook_safe(filename, data)
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
