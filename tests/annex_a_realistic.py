"""Council-style Annexe A workbooks, built with openpyxl at test time, shaped like real files
rather than the planner's own sample workbooks (annex_a/sample.py).

What a council's workbook has that a generated one does not: title and notes rows above the
header row (which sits in row 3, 4 or 5), headers in other spellings, ages worked out by a
formula (so a fraction of a year: 6.138...), lookups that failed (#N/A), dates typed as text,
a text date with a two-digit year, blank mandatory cells, and formulas dragged below the data
that give empty text. openpyxl writes a formula without the value Excel would save with it,
so the values are put into the sheet XML afterwards, as Excel leaves them.

No dates of birth: the Date of Birth column is there but empty, and each age is a formula over
a hidden helper column of made-up ages in days. No names: child IDs only; workers are "Worker
N". EXPECTED is what the workbook was built to contain, as grouped findings in the order a
council should fix them.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from annex_a.checker import AnnexASpec, load_spec
from annex_a.sample import sample_rows

NOTIFICATION = dt.date(2025, 6, 16)
SPEC: AnnexASpec = load_spec("seeds/annex-a.toml")
AGE = "Age of Child (Years)"
DOB = "Date of Birth"

ROWS = {1: 14, 2: 4, 3: 8, 4: 5, 5: 4, 6: 8, 7: 3, 8: 6, 9: 3, 10: 2, 11: 3}  # 60 in all
HEADER_ROW = {1: 5, 3: 4, 8: 4}  # the rest: row 3
FRACTIONAL_AGES = {1, 3, 8}  # ages as (days old)/365.25; the other lists round down with INT()
WORKER_NOT_FOUND = (2, 5, 7)  # list 3 rows (0-based) whose worker lookup gives #N/A
POSTCODE_BLANK = (0, 1, 3, 4)  # list 8 rows with no placement postcode
TWO_DIGIT_YEAR = (2, 5)  # list 8 rows whose placement start date is typed "12/03/24"
DRAGGED_ROWS = 3  # list 1: rows below the data where the age formula gives ""

# (list, column, kind, severity, count), what to fix first first
EXPECTED = [
    (8, "Placement postcode", "blank", "error", len(POSTCODE_BLANK)),
    (3, "Allocated Worker", "error_value", "error", len(WORKER_NOT_FOUND)),
    (8, "Start Date of Most Recent Placement", "date", "error", len(TWO_DIGIT_YEAR)),
    (1, AGE, "fraction", "warning", ROWS[1]),
    (1, "Date of Contact", "text_date", "warning", ROWS[1]),
    (3, AGE, "fraction", "warning", ROWS[3]),
    (8, AGE, "fraction", "warning", ROWS[8]),
]
# Lists 6 to 9 hold open cases; the generated rows share child IDs C000001.. across lists and
# none is closed, so the children allocated now are the longest of them: list 6's 8.
ALLOCATED_CHILDREN = 8
# headers as councils' extracts spell them: column -> header written
HEADERS = {
    1: {"Child Unique ID": "Child ID", "Date of Contact": "Date Of Contact"},
    3: {"Allocated Worker": "Allocated Social Worker", AGE: "Age"},
}


@dataclass
class _Sheet:
    title: str
    cached: dict[str, tuple[str, str]] = field(default_factory=dict)  # cell -> (type, value)


def _sheet(workbook: Workbook, number: int, rng: random.Random) -> _Sheet:
    spec = SPEC.get(number)
    ws = workbook.create_sheet(f"List {number}")
    sheet = _Sheet(ws.title)
    names = [c.name for c in spec.columns]
    header_row = HEADER_ROW.get(number, 3)
    helper = len(names) + 2  # a hidden column, no header, one blank column away
    helper_letter = get_column_letter(helper)
    ws.column_dimensions[helper_letter].hidden = True
    ws.cell(1, 1, f"Annex A - List {number}: {spec.name}")
    if number == 1:  # two cells above the header: not to be taken for it
        ws.cell(2, 1, "Local authority:")
        ws.cell(2, 2, "Example Council")
        ws.cell(3, 1, "Extract run from the children's records system; ages from date of birth")
    else:
        ws.cell(2, 1, f"Notes: {spec.covers}")
    for i, name in enumerate(names, start=1):
        ws.cell(header_row, i, HEADERS.get(number, {}).get(name, name))
    rows = list(sample_rows(spec, NOTIFICATION, ROWS[number], rng))
    for n, values in enumerate(rows):
        r = header_row + 1 + n
        for i, (name, value) in enumerate(zip(names, values, strict=True), start=1):
            cell = f"{get_column_letter(i)}{r}"
            if name == DOB:
                continue  # no dates of birth in a fixture
            if name == AGE:
                days = rng.randint(400, 6400)
                ws.cell(r, helper, days)
                if number in FRACTIONAL_AGES:
                    ws.cell(r, i, f"={helper_letter}{r}/365.25")
                    sheet.cached[cell] = ("n", repr(days / 365.25))
                else:
                    ws.cell(r, i, f"=INT({helper_letter}{r}/365.25)")
                    sheet.cached[cell] = ("n", str(int(days / 365.25)))
                continue
            if number == 1 and name == "Date of Contact":
                value = value.strftime("%d/%m/%Y")  # typed as text
            if number == 3 and name == "Allocated Worker":
                ws.cell(r, i, f"=VLOOKUP(A{r},Workers!A:B,2,FALSE)")
                sheet.cached[cell] = ("e", "#N/A") if n in WORKER_NOT_FOUND else ("str", str(value))
                continue
            if number == 8 and name == "Placement postcode" and n in POSTCODE_BLANK:
                continue
            if (
                number == 8
                and name == "Start Date of Most Recent Placement"
                and n in TWO_DIGIT_YEAR
            ):
                value = "12/03/24"
            ws.cell(r, i, value)
    if number == 1:  # the age formula dragged below the data: empty text, as Excel saves it
        for k in range(DRAGGED_ROWS):
            r = header_row + 1 + len(rows) + k
            ws.cell(r, 5, f'=IF(A{r}="","",{helper_letter}{r}/365.25)')
            sheet.cached[f"E{r}"] = ("str", "")
    return sheet


def _cache(xml: str, cached: dict[str, tuple[str, str]]) -> str:
    """Put Excel's saved values into the formula cells openpyxl wrote without them."""

    def fill(match: re.Match[str]) -> str:
        ref, formula = match.group(1), match.group(2)
        if ref not in cached:
            return match.group(0)
        kind, value = cached[ref]
        type_attr = "" if kind == "n" else f' t="{kind}"'
        return f'<c r="{ref}"{type_attr}><f>{formula}</f><v>{escape(value)}</v></c>'

    return re.sub(r'<c r="([A-Z]+\d+)"[^>]*><f>(.*?)</f><v\s*/></c>', fill, xml)


def council_workbook(seed: int = 11) -> bytes:
    """All eleven lists, 60 rows, shaped like a council's own workbook (see the module)."""
    rng = random.Random(seed)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [_sheet(workbook, s.number, rng) for s in SPEC.lists]
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dest:
        for info in source.infolist():
            data = source.read(info)
            match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            if match:
                sheet = sheets[int(match.group(1)) - 1]
                data = _cache(data.decode("utf-8"), sheet.cached).encode("utf-8")
            dest.writestr(info, data)
    return out.getvalue()
