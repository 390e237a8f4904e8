"""Reading uploaded CSV and Excel files as rows of text, with refusals for unsafe files.

Work is bounded whatever a file claims: its size is checked before it is read; a workbook's zip
is measured, and (for lists) its XML elements counted, before openpyxl parses any of it; rows,
columns and cells are capped, and a sheet's declared dimension is never used (a 1.5 KB file can
declare A1:XFD1048576, which openpyxl would pad every row to). Every refusal names the file,
and the row and field where there is one.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.db.models import Model
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from inspections.services.errors import DomainError


class FileRefused(DomainError):
    """The file was not read: the message says why and names the file."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    # Sheets are plain XML and compress about 10-20x; zip bombs reach 1,000x and more.
    max_uncompressed: int = 2 * 1024 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 1_048_576  # Excel's own limit
    max_columns: int = 500
    max_members: int = 1_000  # a workbook has tens of parts
    # XML elements in all of a workbook's parts, counted before openpyxl parses any of them
    # (it reads shared strings and styles whole, and a sheet with no dimension too).
    max_elements: int | None = None
    max_cell_chars: int = 32_767  # Excel's own limit for a cell


# People, library and audit lists are small (hundreds of rows): tighter than Annexe A's
# extracts, because the page waits for the import. openpyxl spends 5-20 microseconds of CPU
# on each XML element, so the element budget is what bounds a workbook's cost (about 2 s at
# worst); a list of 5,000 rows of 8 columns fits within it.
LIST_LIMITS = Limits(
    max_bytes=20 * 1024 * 1024,
    max_uncompressed=50 * 1024 * 1024,
    max_ratio=200,
    max_rows=5_000,
    max_columns=100,
    max_elements=200_000,
)
# A cell is <c>, <v> or <is><t>; rich text adds a few per run. More in one row than this is
# not a list: refused before openpyxl turns each into a cell.
ELEMENTS_PER_CELL = 16
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"

# where(row, column) -> "people.csv row 3, field 'name'": the place a problem is named by.
Where = Callable[[int | None, int | None], str]


def column_name(n: int) -> str:
    """A column as Excel names it (A, B, ... XFD); past Excel's last, its number."""
    return get_column_letter(n) if n <= 18_278 else f"number {n:,}"


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def file_size(fileobj: IO[bytes]) -> int:
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


def check_size(name: str, size: int, limits: Limits = LIST_LIMITS) -> None:
    """Before a byte is read: an upload's or a file's size against the limit."""
    if size > limits.max_bytes:
        raise FileRefused(
            f"{name}: {megabytes(size)} is over the {megabytes(limits.max_bytes)} limit."
        )


class _Stop(Exception):
    """Ends an XML count early: a DTD, or the element budget spent."""


def _count_elements(name: str, archive: zipfile.ZipFile, budget: int) -> None:
    """Count the elements of every XML part (expat, no tree kept) and refuse DTDs: no
    workbook needs one, and entities are how XML bombs and file-reading attacks work."""
    seen = 0

    def start(*_: object) -> None:
        nonlocal seen
        seen += 1
        if seen > budget:
            raise _Stop("budget")

    def doctype(*_: object) -> None:
        raise _Stop("dtd")

    for info in archive.infolist():
        if info.is_dir():
            continue
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        parser.StartDoctypeDeclHandler = doctype
        try:
            with archive.open(info) as member:
                while chunk := member.read(64 * 1024):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            continue  # not XML (an image, say), or broken XML openpyxl will refuse as fast
        except _Stop as stop:
            if stop.args[0] == "dtd":
                raise FileRefused(
                    f"{name}: refused: part {info.filename!r} declares a DTD or XML entities, "
                    "which a workbook never has (an XML attack, or not a real workbook)."
                ) from None
            raise FileRefused(
                f"{name}: refused: more than {budget:,} XML elements (cells, text and "
                "formatting), more than a list needs; save the list alone in a new workbook, "
                "or as CSV."
            ) from None
        except Exception:  # zipfile and zlib raise many kinds for a damaged or odd zip
            raise FileRefused(f"{name}: a damaged zip file, not a readable workbook.") from None


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
            total = sum(m.file_size for m in members)
            if len(members) > limits.max_members:
                raise FileRefused(
                    f"{name}: refused: {len(members):,} parts in one file; a workbook has tens."
                )
            if total > limits.max_uncompressed or total > limits.max_ratio * max(size, 1):
                raise FileRefused(
                    f"{name}: refused: it would expand to {megabytes(total)} from "
                    f"{megabytes(size)} (a zip bomb, or a workbook far larger than this upload "
                    "needs)."
                )
            if "xl/workbook.xml" not in names:
                raise FileRefused(f"{name}: a zip file, but not an Excel workbook (.xlsx).")
            if limits.max_elements is not None:
                _count_elements(name, archive, limits.max_elements)
    except FileRefused:
        raise
    except Exception as exc:  # zipfile raises many kinds: BadZipFile, NotImplementedError, ...
        raise FileRefused(f"{name}: a damaged zip file, not a readable workbook.") from exc
    fileobj.seek(0)


def open_workbook(name: str, fileobj: IO[bytes], *, data_only: bool) -> Any:
    """openpyxl's read-only workbook, or a refusal naming the file; the caller closes it."""
    try:
        return load_workbook(fileobj, read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        if _defused(exc):
            raise FileRefused(
                f"{name}: refused: it declares XML entities, which a workbook never has "
                "(an XML attack, or not a real workbook)."
            ) from exc
        raise FileRefused(
            f"{name}: could not be read as a workbook ({exc.__class__.__name__})."
        ) from exc


def _defused(exc: BaseException | None) -> bool:
    """defusedxml refused the XML, even where openpyxl re-raised it as another error."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DefusedXmlException):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_fault(exc: Exception) -> str:
    if isinstance(exc, IndexError):
        return "it points to shared text the file does not have"
    if isinstance(exc, ValueError | TypeError):
        return "its value does not match its type (text in a number cell?)"
    return f"it is damaged ({exc.__class__.__name__})"


def sheet_rows(
    sheet: Any, limits: Limits, where: Where, parser_type: type[WorkSheetParser] = WorkSheetParser
) -> Iterator[tuple[int, list[object]]]:
    """(row number, values) for each row of a read-only sheet that holds something.

    The sheet's XML is walked here (defused: no DTD), so the work is the file's own rows and
    cells, never its declared dimension or the gaps between row numbers, and a row or column
    past the caps is refused when it is reached. openpyxl still turns each row's cells into
    values (types, shared text, dates); its internals are pinned by openpyxl<3.2.
    parser_type: a subclass that reads cells its own way (Annexe A: formulas as saved values).
    """
    book = sheet.parent
    parser = parser_type(
        None,
        sheet._shared_strings,
        data_only=book.data_only,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    per_row = limits.max_columns * ELEMENTS_PER_CELL
    last = 0
    in_row, elements, reading = False, 0, 0
    sheet_data = None
    try:
        with sheet._get_source() as source:
            for event, element in iterparse(source, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    if in_row:
                        elements += 1
                        if elements > per_row:
                            raise FileRefused(
                                f"{where(reading, None)}: more cells in one row than "
                                f"{limits.max_columns} columns hold: not a list."
                            )
                    elif element.tag == ROW_TAG:
                        number_text = element.get("r", "")
                        reading = (
                            int(number_text)
                            if number_text.isascii() and number_text.isdigit()
                            else last + 1
                        )
                        in_row, elements = True, 0
                    elif element.tag == SHEET_DATA_TAG:
                        sheet_data = element
                    continue
                if element.tag != ROW_TAG:
                    if not in_row:
                        element.clear()
                    continue
                in_row = False
                try:
                    number, cells = parser.parse_row(element)
                except Exception as exc:
                    raise FileRefused(
                        f"{where(parser.row_counter, parser.col_counter or None)}: the cell "
                        f"could not be read: {_cell_fault(exc)}. The workbook is damaged or "
                        "was edited by hand: open it in Excel and save it again."
                    ) from exc
                element.clear()
                if sheet_data is not None:
                    sheet_data.clear()  # rows read are dropped: memory stays flat
                values = [(c["column"], c["value"]) for c in cells if not _blank(c["value"])]
                if not values:
                    continue
                if number <= last:
                    raise FileRefused(
                        f"{where(number, None)}: comes after row {last}: the sheet is damaged "
                        "(its rows are out of order)."
                    )
                if number > limits.max_rows:
                    raise FileRefused(
                        f"{where(number, None)}: past the limit of {limits.max_rows:,} rows; "
                        "delete the rows below the list, or split it."
                    )
                width = max(column for column, _ in values)
                if width > limits.max_columns:
                    raise FileRefused(
                        f"{where(number, width)}: past the limit of {limits.max_columns} "
                        f"columns (column {column_name(limits.max_columns)}); delete the "
                        "columns to the right of the list."
                    )
                row: list[object] = [None] * width
                for column, value in values:
                    row[column - 1] = value
                last = number
                yield number, row
    except FileRefused:
        raise
    except DefusedXmlException as exc:
        raise FileRefused(
            f"{where(None, None)}: refused: the sheet declares a DTD or XML entities, which a "
            "workbook never has (an XML attack, or not a real workbook)."
        ) from exc
    except Exception as exc:  # truncated or broken XML, a damaged zip member
        raise FileRefused(
            f"{where(None, None)}: the sheet is damaged or cut short after row {last} "
            f"({exc.__class__.__name__}); save it again from Excel."
        ) from exc


def csv_problem(exc: csv.Error) -> str:
    """csv's own words are for programmers (and never quote the cell: it may be a name)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f'a cell longer than {csv.field_size_limit():,} characters, or a quote (") '
            "that is never closed"
        )
    if "unexpected end of data" in text:
        return 'a quote (") opened in this row is never closed'
    if "expected after" in text:
        return (
            "a quoted cell has text after its closing quote: put the whole cell in quotes "
            'and double each quote inside it ("")'
        )
    if "new-line character" in text:
        return "a line break inside a cell that is not in quotes (a lone carriage return)"
    return f"not readable as CSV ({text})"


def csv_records(
    lines: Iterable[str], limits: Limits, where: Where
) -> Iterator[tuple[int, list[str]]]:
    """csv.reader, strict (an unclosed quote is an error, not the rest of the file in one
    cell), with rows and columns capped and its errors in words."""
    number = 0
    try:
        for number, cells in enumerate(csv.reader(lines, strict=True), start=1):  # noqa: B007
            if len(cells) > limits.max_columns:
                extra = next(
                    (i for i in range(limits.max_columns, len(cells)) if cells[i].strip()), None
                )
                if extra is not None:
                    raise FileRefused(
                        f"{where(number, extra + 1)}: past the limit of {limits.max_columns} "
                        "columns; delete the columns to the right of the list."
                    )
                cells = cells[: limits.max_columns]
            if number > limits.max_rows:
                raise FileRefused(
                    f"{where(number, None)}: past the limit of {limits.max_rows:,} rows "
                    "(blank lines count); delete the rows below the list, or split it."
                )
            yield number, cells
    except csv.Error as exc:
        raise FileRefused(f"{where(number + 1, None)}: {csv_problem(exc)}.") from None


def placed(filename: str, header: Sequence[str]) -> Where:
    """Names a place in a list: the field by its header when the column has one."""

    def where(row: int | None, column: int | None) -> str:
        if row is None:
            return filename
        if column is None:
            return f"{filename} row {row}"
        if column <= len(header) and header[column - 1]:
            return f"{filename} row {row}, field {header[column - 1]!r}"
        return f"{filename} row {row}, column {column_name(column)}"

    return where


def normalise_header(text: object) -> str:
    return " ".join(str(text or "").replace("_", " ").split()).lower()


def _texts(
    rows: Iterable[tuple[int, Sequence[object]]], header: list[str], where: Where, limits: Limits
) -> Iterator[tuple[int, list[str]]]:
    """Cells as text, each checked: no longer than a cell can be, no control characters
    (PostgreSQL refuses NUL; the Excel export could not write the rest)."""
    for number, cells in rows:
        texts = ["" if c is None else str(c).strip() for c in cells]
        for column, text in enumerate(texts, start=1):
            if len(text) > limits.max_cell_chars:
                raise FileRefused(
                    f"{where(number, column)}: longer than {limits.max_cell_chars:,} "
                    "characters, Excel's limit for a cell."
                )
            bad = ILLEGAL_CHARACTERS_RE.search(text)
            if bad:
                raise FileRefused(
                    f"{where(number, column)}: holds a control character "
                    f"(U+{ord(bad.group()):04X}); remove it and save the file again."
                )
        if not header:
            header.extend(texts or [""])  # the first row: the header, as the importers take it
        yield number, texts


def read_rows(
    filename: str, data: bytes, limits: Limits = LIST_LIMITS
) -> Iterator[tuple[int, list[str]]]:
    """(row number as the user sees it, cells as text), first row the header. CSV or xlsx.
    Blank rows of a workbook are left out."""
    check_size(filename, len(data), limits)
    header: list[str] = []
    where = placed(filename, header)
    lower = filename.lower()
    if lower.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(f"{filename}: not UTF-8 text; save it as 'CSV UTF-8'.") from None
        # newline="": csv sees each line ending as it is (\r\n, \n, or a Mac's \r)
        lines = io.StringIO(text, newline="")
        yield from _texts(csv_records(lines, limits, where), header, where, limits)
        return
    if lower.endswith((".xlsx", ".xlsm")):
        check_workbook_safe(filename, io.BytesIO(data), limits)
        # data_only: a formula's value as Excel last showed it, never the formula's text
        workbook = open_workbook(filename, io.BytesIO(data), data_only=True)
        try:
            if not workbook.worksheets:
                raise FileRefused(f"{filename}: the workbook has no sheets.")
            rows = sheet_rows(workbook.worksheets[0], limits, where)
            yield from _texts(rows, header, where, limits)
        finally:
            workbook.close()
        return
    raise DomainError(f"{filename}: use a .csv or .xlsx file.")


def too_long(model: type[Model], field: str, text: str) -> str | None:
    """The one check of a cell against its column: the model field's own max_length."""
    limit = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    if limit is not None and len(text) > limit:
        return f"longer than {limit} characters ({len(text):,})"
    return None
