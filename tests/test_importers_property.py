"""Whatever bytes arrive, an importer imports them or refuses them by name: never a crash.

Property tests over the people, library and audit imports and the Annexe A reader and checker.
The files are generated: CSV (random text, quoting, line endings, encodings, cells as long as a
column allows and one longer), workbooks written by openpyxl with random cells, and either of
them cut short or with bytes changed, inside the zip or inside the sheet's XML. The property:
the import succeeds, or raises a DomainError whose message starts with the file's name; no
other exception, and nothing written when it refuses. Each example runs in a savepoint that is
rolled back, so examples are independent. The hostile inputs of tests/hostile_inputs.py are
explicit examples. The number of examples comes from the profile tests/conftest.py loads.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.db import transaction
from hostile_inputs import AUDITS, HOSTILE, LIBRARY, PEOPLE, Importer
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from annex_a.checker import check_sources, load_spec
from annex_a.readers import open_upload
from evidence.models import Audit, LibraryDocument
from evidence.services.audits import import_audits
from evidence.services.library import import_library
from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError
from inspections.services.people_import import import_people

SPEC = load_spec("seeds/annex-a.toml")
NOTIFICATION = dt.date(2025, 6, 16)
PROPERTY = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the inspection: each example rolls back its writes
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Values that pass, so generated files often get past the header into the rows and writes.
GOOD = {
    "type": ["inspector", "practitioner", "partner", "project team", "senior leader"],
    "name": ["Bob Example", "Ann Lead"],
    "email": ["bob@council.example", "ann@council.example"],
    "role": [""],  # the one role both an inspector and a council person may have
    "onsite days": ["6-15", "1, 3", ""],
    "ref": ["bob", ""],
    "title": ["Early help strategy", "Neglect strategy"],
    "category": ["Strategies", "Plans"],
    "owner": ["pt-lead", "ann@council.example", ""],
    "status": ["received", "uploaded", "quality-assured", ""],
    "child id": ["C100001", "C100002"],
    "audit date": ["03/03/2025", "2025-04-10"],
    "judgement": ["Good", "Inadequate", "3"],
    "moderated": ["yes", "no"],
    "loop closed": ["y", "n"],
}
EDGES = ['"', ",", "\n", "\r", "\r\n", "\x00", "\x01", "\t", ";", "=", "ß", "\u2028", "\ufeff", " "]
# Around each column's limit, Excel's cell limit and csv's field limit.
LENGTHS = [0, 1, 32, 33, 40, 41, 64, 65, 120, 121, 254, 255, 300, 301, 32_767, 32_768, 131_073]
TEXT = st.one_of(
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(EDGES)), max_size=4).map("".join),
    st.sampled_from(LENGTHS).map(lambda n: "x" * n),
)
VALUE = st.one_of(
    TEXT,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
)


PEOPLE_COLUMNS = ["type", "name", "email", "role", "onsite days", "ref", "phone", "job title"]


def cell(column: str, clean: bool) -> st.SearchStrategy[str]:
    good = st.sampled_from(GOOD.get(column, [""]))
    return good if clean else st.one_of(good, TEXT)


@st.composite
def header(draw: st.DrawFn, columns: list[str], clean: bool) -> list[str]:
    ordered = st.one_of(st.just(columns), st.permutations(columns))
    if clean:
        return draw(ordered)
    odd = st.lists(st.sampled_from([*columns, "", "name", "date of birth", "junk"]), max_size=8)
    return draw(st.one_of(ordered, odd))


def quoted(text: str, how: str) -> str:
    if how == "quoted":
        return '"' + text.replace('"', '""') + '"'
    if how == "opened":  # a quote that is never closed
        return '"' + text
    return text


@st.composite
def csv_file(draw: st.DrawFn, columns: list[str]) -> bytes:
    # half the files hold only good values, so imports get past the rows to their writes
    clean = draw(st.booleans())
    names = draw(header(columns, clean))
    cells = st.tuples(*[cell(c, clean) for c in names]).map(list)
    rows = [names] + draw(st.lists(cells, min_size=int(clean), max_size=6))
    how = st.sampled_from(["plain", "quoted"] if clean else ["plain", "quoted", "opened"])
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(",".join(quoted(c, draw(how)) for c in row) for row in rows) + end
    encodings = ["utf-8", "utf-8-sig"] if clean else ["utf-8", "utf-8-sig", "cp1252", "utf-16"]
    return text.encode(draw(st.sampled_from(encodings)), errors="replace")


def _legal(value: object) -> object:
    """openpyxl refuses to write control characters: a workbook never holds them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


@st.composite
def workbook(draw: st.DrawFn, sheets: list[tuple[str, list[str]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, columns in sheets:
        sheet = book.create_sheet(title)
        clean = draw(st.booleans())
        names = draw(header(columns, clean))
        sheet.append(names)
        values = [cell(c, True) if clean else st.one_of(cell(c, False), VALUE) for c in names]
        for row in draw(st.lists(st.tuples(*values), min_size=int(clean), max_size=6)):
            sheet.append([_legal(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHEET_EDITS: list[tuple[bytes, bytes]] = [
    (b't="n"', b't="s"'),  # numbers read as shared-string indexes
    (b"<v>", b"<v>x"),  # text in number cells
    (b't="inlineStr"', b't="n"'),
    (b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="'),
    (b'<row r="2"', b'<row r="99999999999"'),
    (b'<row r="3"', b'<row r="1"'),  # rows out of order
    (b'<c r="A2"', b'<c r="XFD2"'),
    (b"<sheetData>", b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'),
]


def _at(draw: st.DrawFn, data: bytes) -> int:
    # a place drawn apart from the length: openpyxl stamps the time, so a workbook's length
    # varies between runs of the same example
    return draw(st.integers(0, 2**24)) % (len(data) + 1)


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """The workbook as it is, cut short, with bytes changed, or with its sheet's XML edited."""
    how = draw(st.sampled_from(["as is", "as is", "cut", "bytes", "sheet"]))
    if how == "cut":
        return data[: _at(draw, data)]
    if how == "bytes":
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            changed[min(_at(draw, data), len(data) - 1)] = draw(st.integers(0, 255))
        return bytes(changed)
    if how == "as is":
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in source.namelist():
            body = source.read(part)
            if part.startswith("xl/worksheets/"):
                for old, new in draw(st.lists(st.sampled_from(SHEET_EDITS), max_size=3)):
                    body = body.replace(old, new, 1)
                if draw(st.booleans()):
                    body = body[: _at(draw, body)]
            archive.writestr(part, body)
    return buffer.getvalue()


def list_file(columns: list[str], stem: str) -> st.SearchStrategy[tuple[str, bytes]]:
    names = st.sampled_from([f"{stem}.csv", f"{stem}.xlsx", f"{stem} list.XLSX", f"{stem}.txt"])
    as_csv = st.tuples(st.sampled_from([f"{stem}.csv", f"{stem}.CSV"]), csv_file(columns))
    as_xlsx = st.tuples(
        st.sampled_from([f"{stem}.xlsx", f"{stem}.xlsm"]),
        workbook([("Sheet1", columns)]).flatmap(mutated),
    )
    odd = st.tuples(names, st.one_of(st.binary(max_size=200), csv_file(columns)))
    return st.one_of(as_csv, as_xlsx, as_csv, as_xlsx, odd)  # one in five: a name that lies


def hostile_examples(importer: Importer) -> Callable[[Callable], Callable]:
    """Every input of the hostile table, as an explicit example."""

    def seeded(test: Callable) -> Callable:
        for hostile in HOSTILE:
            test = example(file=(hostile.file, hostile.build(importer)))(test)
        return test

    return seeded


@pytest.fixture
def inspection(db):
    inspection = Inspection.objects.create(
        slug="test-la", title="Test", local_authority="Test LA", day_one=dt.date(2025, 6, 16)
    )
    Person.objects.create(
        inspection=inspection,
        ref="pt-lead",
        full_name="Ann Lead",
        email="ann@council.example",
        kind="project_team",
    )
    return inspection


def counts() -> dict[str, int]:
    models = [Person, Inspector, LibraryDocument, Audit]
    return {
        m.__name__: m.objects.count()
        for m in models + [m.history.model for m in models]  # type: ignore[attr-defined]
    }


def imports_or_refuses_by_name(importer: Callable, inspection: Inspection, file: tuple[str, bytes]):
    name, data = file
    before = counts()
    with transaction.atomic():
        try:
            importer(inspection, name, data)
            event("imported")  # the statistics show how many examples get this far
        except DomainError as exc:
            event(f"refused: {exc.__class__.__name__}")
            assert str(exc).startswith(name), str(exc)
            assert counts() == before  # nothing written
        transaction.set_rollback(True)  # a success is undone too: the next example starts clean


@hostile_examples(PEOPLE)
@PROPERTY
@given(file=list_file(PEOPLE_COLUMNS, "people"))
def test_the_people_import_imports_or_refuses_by_name(inspection, file):
    imports_or_refuses_by_name(import_people, inspection, file)


@hostile_examples(LIBRARY)
@PROPERTY
@given(file=list_file(LIBRARY.header, "library"))
def test_the_library_import_imports_or_refuses_by_name(inspection, file):
    imports_or_refuses_by_name(import_library, inspection, file)


@hostile_examples(AUDITS)
@PROPERTY
@given(file=list_file(AUDITS.header, "audits"))
def test_the_audit_import_imports_or_refuses_by_name(inspection, file):
    imports_or_refuses_by_name(import_audits, inspection, file)


def _annex_a_sheets() -> st.SearchStrategy[list[tuple[str, list[str]]]]:
    lists = [(f"List {s.number}", [c.name for c in s.columns]) for s in SPEC.lists]
    return st.lists(
        st.one_of(
            st.sampled_from(lists),
            st.tuples(st.sampled_from(["Notes", "List 99"]), st.just(["a", "b"])),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda s: s[0],
    )


ANNEX_A_FILES = st.one_of(
    st.tuples(st.just("annex-a.xlsx"), _annex_a_sheets().flatmap(workbook).flatmap(mutated)),
    st.sampled_from(SPEC.lists).flatmap(
        lambda s: st.tuples(
            st.sampled_from([f"List {s.number}.csv", "referrals.csv"]),
            csv_file([c.name for c in s.columns]),
        )
    ),
    st.tuples(
        st.sampled_from(["annex-a.xlsx", "List 1.csv", "annex.xls"]), st.binary(max_size=200)
    ),
)


@hostile_examples(PEOPLE)
@PROPERTY
@given(file=ANNEX_A_FILES)
def test_the_annex_a_check_reads_or_refuses_by_name(file):
    name, data = file
    try:
        with open_upload(name, io.BytesIO(data)) as upload:
            report = check_sources(
                SPEC, upload.sources, NOTIFICATION, expect_all=upload.kind == "xlsx"
            )
    except DomainError as exc:
        event("refused")
        assert str(exc).startswith(name), str(exc)
        return
    event("checked")
    # a report keeps child IDs only: never a cell's text beyond one that passes the ID rule
    child_ids = {f.child_id for f in report.all_findings() if f.child_id}
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}", c) for c in child_ids)
