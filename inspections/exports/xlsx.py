"""The one xlsx renderer: sheet specs in, a styled workbook out.

Exporters yield rows (sequences of plain values) and describe their sheets with SheetSpec and
Column; this module owns the look: bold filled header, frozen header row, autofilter, drop-downs
(data validation), red/amber/green conditional formatting on a status column, and formula-safe
text (a string starting with =, +, -, @, tab or carriage return is stored as text with Excel's
quotePrefix, so no spreadsheet runs it as a formula). Aware datetimes are written in UK time.

    render_workbook([
        SheetSpec("Lists", [Column("List", 8), Column("Status", 16, choices=STATUSES)],
                  rows=exporter(), status_column="Status",
                  status_colours={"Signed off": "green", "In progress": "amber"}),
    ], "out.xlsx")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from inspections.calendar import LONDON

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_TITLE = 31
_BAD_TITLE_CHARS = set("[]:*?/\\")

HEADER_FILL = PatternFill("solid", start_color="FF1D70B8", end_color="FF1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
# GOV.UK tag colours: light fill, dark text.
RAG_STYLES = {
    "red": (
        PatternFill("solid", start_color="FFF4CDC6", end_color="FFF4CDC6"),
        Font(color="FF2A0B06"),
    ),
    "amber": (
        PatternFill("solid", start_color="FFFCD6C3", end_color="FFFCD6C3"),
        Font(color="FF6E3619"),
    ),
    "green": (
        PatternFill("solid", start_color="FFCCE2D8", end_color="FFCCE2D8"),
        Font(color="FF005A30"),
    ),
}
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 15
    # A drop-down of these values (data validation, list); joined they must fit 255 characters
    # and none may contain a comma or a double quote.
    choices: Sequence[str] | None = None
    number_format: str | None = None  # dates and datetimes get dd/mm/yyyy (hh:mm) by default
    wrap: bool = False


@dataclass
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    # The header of the column whose values get red/amber/green fills...
    status_column: str | None = None
    # ...value -> "red" | "amber" | "green".
    status_colours: Mapping[str, str] = field(default_factory=dict)
    freeze_header: bool = True
    autofilter: bool = True


def safe_text(value: str) -> tuple[str, bool]:
    """(text, needs quotePrefix): a string that a spreadsheet would read as a formula."""
    return value, value.startswith(FORMULA_TRIGGERS)


def safe_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if c in _BAD_TITLE_CHARS else c for c in title).strip("'") or "Sheet"
    clean = clean[:MAX_SHEET_TITLE]
    base, n = clean, 2
    while clean.lower() in used:
        suffix = f" ({n})"
        clean = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    used.add(clean.lower())
    return clean


def _validation_formula(choices: Sequence[str]) -> str:
    for choice in choices:
        if "," in choice or '"' in choice:
            raise ValueError(f"Drop-down choice {choice!r} may not contain a comma or a quote.")
    joined = ",".join(choices)
    if len(joined) > 255:
        raise ValueError("Drop-down choices must fit in 255 characters.")
    return f'"{joined}"'


def _write_cell(sheet, row: int, col: int, value: object, column: Column) -> None:  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        text, quoted = safe_text(value)
        cell = sheet.cell(row=row, column=col)
        cell.value = text
        if quoted:
            cell.data_type = "s"  # stored as a string, never a formula
            cell.quotePrefix = True
    else:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(LONDON).replace(tzinfo=None)  # shown in UK time
        cell = sheet.cell(row=row, column=col, value=value)
        if column.number_format:
            cell.number_format = column.number_format
        elif isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    if column.wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def render_sheet(workbook: Workbook, spec: SheetSpec, used_titles: set[str]) -> None:
    sheet = workbook.create_sheet(safe_title(spec.title, used_titles))
    headers = [c.header for c in spec.columns]
    for col, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=column.header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    last = 1
    for last, values in enumerate(spec.rows, start=2):  # noqa: B007
        if len(values) > len(spec.columns):
            raise ValueError(f"Sheet {spec.title!r}: a row has more values than columns.")
        for col, (value, column) in enumerate(zip(values, spec.columns, strict=False), start=1):
            if value is not None:
                _write_cell(sheet, last, col, value, column)
    last_col = get_column_letter(max(len(spec.columns), 1))
    body_end = max(last, 2)  # validations and formats reach one empty row on an empty sheet
    if spec.freeze_header:
        sheet.freeze_panes = "A2"
    if spec.autofilter:
        sheet.auto_filter.ref = f"A1:{last_col}{max(last, 1)}"
    for col, column in enumerate(spec.columns, start=1):
        if column.choices:
            letter = get_column_letter(col)
            validation = DataValidation(
                type="list",
                formula1=_validation_formula(column.choices),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not in the list",
                error=f"Choose a {column.header.lower()} from the list.",
            )
            validation.add(f"{letter}2:{letter}{body_end}")
            sheet.add_data_validation(validation)
    if spec.status_column:
        if spec.status_column not in headers:
            raise ValueError(f"Sheet {spec.title!r}: no column {spec.status_column!r} for status.")
        letter = get_column_letter(headers.index(spec.status_column) + 1)
        area = f"{letter}2:{letter}{body_end}"
        for value, colour in spec.status_colours.items():
            if colour not in RAG_STYLES:
                raise ValueError(f"Status colour {colour!r}: use red, amber or green.")
            fill, font = RAG_STYLES[colour]
            literal = '"' + value.replace('"', '""') + '"'
            sheet.conditional_formatting.add(
                area, CellIsRule(operator="equal", formula=[literal], fill=fill, font=font)
            )


def render_workbook(sheets: Iterable[SheetSpec], target: str | Path | IO[bytes]) -> None:
    """Writes every sheet, in order, to target (a path or a binary file object)."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for spec in sheets:
        render_sheet(workbook, spec, used)
    if not workbook.worksheets:
        raise ValueError("A workbook needs at least one sheet.")
    workbook.save(target)
