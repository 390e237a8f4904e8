"""Hostile, malformed and oversized inputs for the importers, built here in a few bytes.

The table the hostile-file tests (tests/test_hostile_files.py) send to every import page and
command, and the property tests (tests/test_importers_property.py) start from. Each input
comes with the refusal it must get: the message, and the problems it lists by row and field.
Workbooks are written by hand (zipfile), so a part can hold what openpyxl would never write.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


# Building workbooks by hand: the parts a real one has, and whatever a hostile one adds.


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def text_row(number: int, cells: list[str]) -> str:
    letters = "ABCDEFGHIJ"
    body = "".join(inline(f"{letters[i]}{number}", c) for i, c in enumerate(cells) if c)
    return f'<row r="{number}">{body}</row>'


def xlsx(
    sheet_data: str,
    *,
    dimension: str = "A1:F3",
    shared: list[str] | None = None,
    sheet_prolog: str = "",
    shared_prolog: str = "",
    sheets: bool = True,
) -> bytes:
    """A minimal workbook: one sheet (or none), inline or shared strings."""
    rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    types = f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    if shared is not None:
        rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        types += (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        )
    listed = '<sheet name="Sheet1" sheetId="1" r:id="rId1"/>' if sheets else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            f"{types}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{listed}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}</Relationships>'
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'{sheet_prolog}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>",
        )
        if shared is not None:
            strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
            archive.writestr(
                "xl/sharedStrings.xml", f'{shared_prolog}<sst xmlns="{MAIN}">{strings}</sst>'
            )
    return buffer.getvalue()


def csv_bytes(*rows: list[str]) -> bytes:
    return "".join(",".join(row) + "\n" for row in rows).encode()


# The importers: a header each, a good row, the column a hostile cell goes in.


@dataclass(frozen=True)
class Importer:
    name: str
    url: str
    command: str
    header: list[str]
    good: list[str]
    max_rows: int

    @property
    def field(self) -> str:  # the second column: where each hostile cell goes
        return self.header[1]


PEOPLE = Importer(
    "people",
    "/inspections/test-la/people/import/",
    "import_people",
    ["type", "name", "email", "phone", "ref"],
    ["practitioner", "Bob Example", "bob@council.example", "01234 567890", "bob"],
    max_rows=2_000,
)
LIBRARY = Importer(
    "library",
    "/inspections/test-la/library/import/",
    "import_library",
    ["title", "category", "owner", "status", "notes", "ref"],
    ["Early help strategy", "Strategies", "", "received", "", ""],
    max_rows=5_000,
)
AUDITS = Importer(
    "audits",
    "/inspections/test-la/audits/import/",
    "import_audits",
    ["child id", "audit date", "type", "judgement", "moderated", "loop closed"],
    ["C100001", "03/03/2025", "Collaborative case audit", "Good", "yes", "yes"],
    max_rows=5_000,
)
IMPORTERS = [PEOPLE, LIBRARY, AUDITS]


def with_cell(importer: Importer, text: str) -> list[str]:
    row = list(importer.good)
    row[1] = text
    return row


@dataclass(frozen=True)
class Hostile:
    file: str
    build: Callable[[Importer], bytes]
    # (importer) -> (the message, the problems it lists by row and field)
    refusal: Callable[[Importer], tuple[str, list[str]]]


def _damaged_cell(file: str, why: str) -> Callable[[Importer], tuple[str, list[str]]]:
    return lambda i: (
        f"{file} row 2, field {i.field!r}: the cell could not be read: {why}. The workbook is "
        "damaged or was edited by hand: open it in Excel and save it again.",
        [],
    )


def _xml_attack(file: str, part: str) -> Callable[[Importer], tuple[str, list[str]]]:
    return lambda i: (
        f"{file}: refused: part {part!r} declares a DTD or XML entities, which a workbook never "
        "has (an XML attack, or not a real workbook).",
        [],
    )


def _sheet(i: Importer, *rows: str, **kwargs: object) -> bytes:
    return xlsx(text_row(1, i.header) + "".join(rows), **kwargs)  # type: ignore[arg-type]


def _truncated(i: Importer) -> bytes:
    whole = _sheet(i, text_row(2, i.good), text_row(3, i.good))
    source = zipfile.ZipFile(io.BytesIO(whole))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.namelist():
            body = source.read(part)
            if part == "xl/worksheets/sheet1.xml":
                body = body[: body.index(b'<row r="3"') + 20]  # cut inside row 3
            archive.writestr(part, body)
    return buffer.getvalue()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "ha">'
    + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]>"
)
PASSWD = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def _zip_bomb(i: Importer) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    return buffer.getvalue()


def _future_zip(i: Importer) -> bytes:
    """A workbook whose zip says it needs a zip reader newer than any (found by hypothesis)."""
    data = bytearray(_sheet(i, text_row(2, i.good)))
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (199).to_bytes(2, "little")
    return bytes(data)


HOSTILE = [
    Hostile(
        "long-field.csv",
        lambda i: csv_bytes(i.header, with_cell(i, "x" * 200_000)),
        lambda i: (
            'long-field.csv row 2: a cell longer than 131,072 characters, or a quote (") that '
            "is never closed.",
            [],
        ),
    ),
    Hostile(
        "unclosed-quote.csv",
        lambda i: csv_bytes(i.header, with_cell(i, '"never closed'), i.good),
        lambda i: ('unclosed-quote.csv row 2: a quote (") opened in this row is never closed.', []),
    ),
    Hostile(
        "nul.csv",  # PostgreSQL refuses a NUL in text
        lambda i: csv_bytes(i.header, with_cell(i, "a\x00b")),
        lambda i: (
            f"nul.csv row 2, field {i.field!r}: holds a control character (U+0000); remove it "
            "and save the file again.",
            [],
        ),
    ),
    Hostile(
        "text-in-number.xlsx",
        lambda i: _sheet(
            i, '<row r="2"><c r="A2" t="n"><v>1</v></c><c r="B2"><v>abc</v></c></row>'
        ),
        _damaged_cell(
            "text-in-number.xlsx", "its value does not match its type (text in a number cell?)"
        ),
    ),
    Hostile(
        "bad-shared-string.xlsx",
        lambda i: _sheet(i, '<row r="2"><c r="B2" t="s"><v>7</v></c></row>', shared=["only one"]),
        _damaged_cell("bad-shared-string.xlsx", "it points to shared text the file does not have"),
    ),
    Hostile(
        "truncated.xlsx",
        _truncated,
        lambda i: (
            "truncated.xlsx: the sheet is damaged or cut short after row 2 (ParseError); save "
            "it again from Excel.",
            [],
        ),
    ),
    Hostile(
        "billion-laughs.xlsx",
        lambda i: _sheet(
            i, text_row(2, with_cell(i, "&i;")).replace("&amp;i;", "&i;"), sheet_prolog=LAUGHS
        ),
        _xml_attack("billion-laughs.xlsx", "xl/worksheets/sheet1.xml"),
    ),
    Hostile(
        "external-entity.xlsx",
        lambda i: _sheet(
            i, '<row r="2"><c r="B2" t="s"><v>0</v></c></row>', shared=["&e;"], shared_prolog=PASSWD
        ),
        _xml_attack("external-entity.xlsx", "xl/sharedStrings.xml"),
    ),
    Hostile(
        "whole-sheet-dimension.xlsx",  # declares A1:XFD1048576, and has a cell at the end
        lambda i: _sheet(
            i, f'<row r="1048576">{inline("XFD1048576", "x")}</row>', dimension="A1:XFD1048576"
        ),
        lambda i: (
            f"whole-sheet-dimension.xlsx row 1048576: past the limit of {i.max_rows:,} rows; "
            "delete the rows below the list, or split it.",
            [],
        ),
    ),
    Hostile(
        "row-number-gap.xlsx",  # openpyxl would pad every missing row up to this one
        lambda i: _sheet(i, f'<row r="99999999999">{inline("A99999999999", "x")}</row>'),
        lambda i: (
            f"row-number-gap.xlsx row 99999999999: past the limit of {i.max_rows:,} rows; "
            "delete the rows below the list, or split it.",
            [],
        ),
    ),
    Hostile(
        "far-column.xlsx",
        lambda i: _sheet(i, f'<row r="2">{inline("XFD2", "x")}</row>'),
        lambda i: (
            "far-column.xlsx row 2, column XFD: past the limit of 100 columns (column CV); "
            "delete the columns to the right of the list.",
            [],
        ),
    ),
    Hostile(
        "zip-bomb.xlsx",
        _zip_bomb,
        lambda i: (
            "zip-bomb.xlsx: refused: it would expand to 8 MB from 0 MB (a zip bomb, or a "
            "workbook far larger than this upload needs).",
            [],
        ),
    ),
    Hostile(
        "future-zip.xlsx",
        _future_zip,
        lambda i: ("future-zip.xlsx: a damaged zip file, not a readable workbook.", []),
    ),
    Hostile(
        "not-a-workbook.xlsx",
        lambda i: b"just some text, not a zip",
        lambda i: (
            "not-a-workbook.xlsx: not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.",
            [],
        ),
    ),
    Hostile(
        "no-sheets.xlsx",
        lambda i: xlsx("", sheets=False),
        lambda i: ("no-sheets.xlsx: the workbook has no sheets.", []),
    ),
    Hostile(
        "too-many-rows.csv",
        lambda i: csv_bytes(i.header, *([i.good] * i.max_rows)),
        lambda i: (
            f"too-many-rows.csv row {i.max_rows + 1}: past the limit of {i.max_rows:,} rows "
            "(blank lines count); delete the rows below the list, or split it.",
            [],
        ),
    ),
    Hostile(
        "too-many-columns.csv",
        lambda i: csv_bytes(i.header + [f"extra {n}" for n in range(101 - len(i.header))], i.good),
        lambda i: (
            "too-many-columns.csv row 1, column CW: past the limit of 100 columns; delete the "
            "columns to the right of the list.",
            [],
        ),
    ),
]

# Longer than the model's column: PostgreSQL refuses the write (DataError), so the import must
# refuse it first, naming each row and field.
EMAIL_256 = "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 63])
TOO_LONG = {
    "people": (
        ["practitioner", "n" * 121, EMAIL_256, "0" * 41, "r" * 65],
        [
            "too-long.csv row 2, field 'ref': longer than 64 characters (65)",
            "too-long.csv row 2, field 'name': longer than 120 characters (121)",
            "too-long.csv row 2, field 'email': longer than 254 characters (256)",
            "too-long.csv row 2, field 'phone': longer than 40 characters (41)",
        ],
    ),
    "library": (
        ["t" * 301, "c" * 121, "", "", "", "r" * 121],
        [
            "row 2, field 'title': longer than 300 characters (301)",
            "row 2, field 'category': longer than 120 characters (121)",
            "row 2, field 'ref': longer than 120 characters (121)",
        ],
    ),
    "audits": (
        ["C100001", "03/03/2025", "t" * 121, "Good", "yes", "yes"],
        ["row 2, field 'type': longer than 120 characters (121)"],
    ),
}
HOSTILE.append(
    Hostile(
        "too-long.csv",
        lambda i: csv_bytes(i.header, TOO_LONG[i.name][0]),
        lambda i: (
            f"too-long.csv: {len(TOO_LONG[i.name][1])} problem(s); nothing was imported.",
            TOO_LONG[i.name][1],
        ),
    )
)

# What the Annexe A check says of the same files (the people variants). Its caps are Annexe
# A's own (1,048,576 rows, 500 columns, no XML element budget), and it has no header to name a
# field by. Files it reads as an upload with findings (no sheets, many rows, long text) are
# not here.
ANNEX_A_REFUSALS: dict[str, Callable[[str], str]] = {
    "long-field.csv": lambda n: (
        f'{n} row 2: a cell longer than 131,072 characters, or a quote (") that is never closed.'
    ),
    "unclosed-quote.csv": lambda n: f'{n} row 2: a quote (") opened in this row is never closed.',
    "nul.csv": lambda n: f"{n}: not a CSV text file.",
    "text-in-number.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1' row 2, column B: the cell could not be read: its value does not "
        "match its type (text in a number cell?). The workbook is damaged or was edited by "
        "hand: open it in Excel and save it again."
    ),
    "bad-shared-string.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1' row 2, column B: the cell could not be read: it points to shared "
        "text the file does not have. The workbook is damaged or was edited by hand: open it "
        "in Excel and save it again."
    ),
    "truncated.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1': the sheet is damaged or cut short after row 2 (ParseError); "
        "save it again from Excel."
    ),
    "billion-laughs.xlsx": lambda n: (
        f"{n}: refused: it declares XML entities, which a workbook never has (an XML attack, "
        "or not a real workbook)."
    ),
    "external-entity.xlsx": lambda n: (
        f"{n}: refused: it declares XML entities, which a workbook never has (an XML attack, "
        "or not a real workbook)."
    ),
    "whole-sheet-dimension.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1' row 1048576, column XFD: past the limit of 500 columns (column "
        "SF); delete the columns to the right of the list."
    ),
    "row-number-gap.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1' row 99999999999: past the limit of 1,048,576 rows; delete the "
        "rows below the list, or split it."
    ),
    "far-column.xlsx": lambda n: (
        f"{n}: sheet 'Sheet1' row 2, column XFD: past the limit of 500 columns (column SF); "
        "delete the columns to the right of the list."
    ),
    "zip-bomb.xlsx": lambda n: (
        f"{n}: refused: it would expand to 8 MB from 0 MB (a zip bomb, or a workbook far larger "
        "than this upload needs)."
    ),
    "future-zip.xlsx": lambda n: f"{n}: a damaged zip file, not a readable workbook.",
    "not-a-workbook.xlsx": lambda n: (
        f"{n}: not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8."
    ),
}
