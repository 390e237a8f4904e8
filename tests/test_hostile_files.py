"""Hostile, malformed and oversized files, sent to every import page and command.

One table of inputs, each built here in a few bytes (or a sparse file), times the three list
importers (people, library, audits), each through its page (a 400 with the message, never a
500) and its command (a CommandError with the message). Each refusal names the file, and the
row and field where there is one; nothing is written. Time is bounded by caps, so the caps are
what the last tests assert: what a sheet's XML costs, never how long it took.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import zipfile
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from hostile_inputs import ANNEX_A_REFUSALS, HOSTILE, IMPORTERS, PEOPLE, text_row, xlsx
from openpyxl.worksheet._reader import WorkSheetParser

from annex_a.models import CheckStatus, FileCheck, Finding
from evidence.models import Audit, LibraryDocument
from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError
from inspections.services.people_import import import_people
from inspections.services.spreadsheets import LIST_LIMITS, read_rows
from inspections.views.uploads import run_import

OVERSIZED = 20 * 1024 * 1024 + 1  # one byte over the lists' limit
CASES = [pytest.param(h, i, id=f"{i.name}-{h.file}") for h in HOSTILE for i in IMPORTERS]


@functools.cache
def built(file: str, importer: str) -> bytes:
    hostile = next(h for h in HOSTILE if h.file == file)
    return hostile.build(next(i for i in IMPORTERS if i.name == importer))


@pytest.fixture
def inspection(db):
    inspection = Inspection.objects.create(
        slug="test-la", title="Test", local_authority="Test LA", day_one=dt.date(2025, 6, 16)
    )
    Person.objects.create(
        inspection=inspection, ref="pt-lead", full_name="Ann Lead", kind="project_team"
    )
    return inspection


def counts() -> dict[str, int]:
    """Every row an import could write, history included."""
    models = [Person, Inspector, LibraryDocument, Audit]
    return {
        m.__name__: m.objects.count()
        for m in models + [m.history.model for m in models]  # type: ignore[attr-defined]
    }


def command_message(message: str, problems: list[str]) -> str:
    return "\n".join([message, *(f"  - {p}" for p in problems)])


@pytest.mark.parametrize(("hostile", "importer"), CASES)
def test_each_import_page_refuses_each_hostile_file(inspection, staff_client, hostile, importer):
    before = counts()
    upload = SimpleUploadedFile(hostile.file, built(hostile.file, importer.name))
    page = staff_client.post(importer.url, {"file": upload})
    body = page.content.decode()
    message, problems = hostile.refusal(importer)
    assert page.status_code == 400
    shown = [html.escape(m) in body for m in [message, *problems]]
    assert shown == [True] * (1 + len(problems)), message
    assert counts() == before


@pytest.mark.parametrize(("hostile", "importer"), CASES)
def test_each_import_command_refuses_each_hostile_file(inspection, tmp_path, hostile, importer):
    before = counts()
    path = tmp_path / hostile.file
    path.write_bytes(built(hostile.file, importer.name))
    with pytest.raises(CommandError) as refused:
        call_command(importer.command, "test-la", str(path))
    assert str(refused.value) == command_message(*hostile.refusal(importer))
    assert counts() == before


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda i: i.name)
def test_an_oversized_file_is_refused_by_its_size_on_the_page(inspection, staff_client, importer):
    before = counts()
    upload = SimpleUploadedFile("big.csv", b"x" * OVERSIZED)
    page = staff_client.post(importer.url, {"file": upload})
    assert page.status_code == 400
    assert html.escape("big.csv: 20 MB is over the 20 MB limit.") in page.content.decode()
    assert counts() == before


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda i: i.name)
def test_an_oversized_file_is_refused_by_its_size_by_the_command(inspection, tmp_path, importer):
    path = tmp_path / "big.csv"
    with path.open("wb") as sparse:
        sparse.truncate(OVERSIZED)  # no disk used: the size is all the command may look at
    with pytest.raises(CommandError) as refused:
        call_command(importer.command, "test-la", str(path))
    assert str(refused.value) == "big.csv: 20 MB is over the 20 MB limit."


class _Unread(SimpleUploadedFile):
    """An upload whose size says too big: reading it would be the bug."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the upload was read before its size was checked")


def test_the_upload_size_is_checked_before_a_byte_is_read(inspection, django_user_model):
    request = RequestFactory().post("/")
    upload = _Unread("people.csv", b"type,name\n")
    upload.size = OVERSIZED
    request.FILES["file"] = upload

    def importer(*_: object) -> None:
        raise AssertionError("the importer ran")

    outcome = run_import(request, inspection, importer)
    assert (outcome.done, outcome.problems) == (
        False,
        ["people.csv: 20 MB is over the 20 MB limit."],
    )


def test_a_directory_given_to_a_command_is_no_such_file(inspection, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_people", "test-la", str(tmp_path))
    assert str(refused.value) == f"{tmp_path}: no such file."


@pytest.mark.parametrize("file", list(ANNEX_A_REFUSALS))
def test_the_annex_a_upload_refuses_each_hostile_file(inspection, staff_client, file):
    upload = SimpleUploadedFile(file, built(file, "people"))
    page = staff_client.post(
        "/inspections/test-la/annex-a/checks/", {"files": [upload]}, follow=True
    )
    check = FileCheck.objects.get()
    message = ANNEX_A_REFUSALS[file](file)
    assert (page.status_code, check.status, check.message) == (200, CheckStatus.REFUSED, message)
    assert html.escape(message) in page.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.parametrize("file", list(ANNEX_A_REFUSALS))
def test_check_annex_a_refuses_each_hostile_file(inspection, tmp_path, file):
    path = tmp_path / file
    path.write_bytes(built(file, "people"))
    with pytest.raises(CommandError) as refused:
        call_command("check_annex_a", "test-la", str(path))
    assert str(refused.value) == ANNEX_A_REFUSALS[file](str(path))
    assert not Finding.objects.exists()


# --- the caps that bound the work: what a file costs is its own cells, whatever it declares ---


@pytest.fixture
def parsed_cells(monkeypatch):
    """Counts the cells openpyxl turns into values (a pass-through: it changes nothing)."""
    seen = []
    parse_cell = WorkSheetParser.parse_cell

    def counting(self, element):
        seen.append(1)
        return parse_cell(self, element)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", counting)
    return seen


def test_a_declared_whole_sheet_costs_only_its_own_cells(parsed_cells):
    data = xlsx(
        text_row(1, ["type", "name"]) + text_row(2, ["partner", "Cat"]), dimension="A1:XFD1048576"
    )
    assert len(data) < 2_000
    rows = list(read_rows("declared.xlsx", data))
    assert rows == [(1, ["type", "name"]), (2, ["partner", "Cat"])]
    assert len(parsed_cells) == 4


def test_a_declared_whole_sheet_imports_its_rows(inspection):
    data = xlsx(text_row(1, PEOPLE.header) + text_row(2, PEOPLE.good), dimension="A1:XFD1048576")
    assert str(import_people(inspection, "declared.xlsx", data)) == "1 added, 0 updated"


def test_rows_far_apart_cost_only_the_rows_there(parsed_cells):
    data = xlsx(text_row(1, ["a"]) + text_row(4_000, ["b"]))
    assert list(read_rows("gap.xlsx", data)) == [(1, ["a"]), (4000, ["b"])]
    assert len(parsed_cells) == 2


def test_the_xml_of_a_workbook_is_counted_before_it_is_parsed(parsed_cells):
    cells = "".join(text_row(n, ["x", "y"]) for n in range(1, 301))  # 300 rows: ~1,500 elements
    limits = replace(LIST_LIMITS, max_elements=1_000)
    with pytest.raises(DomainError) as refused:
        list(read_rows("busy.xlsx", xlsx(cells), limits))
    assert str(refused.value) == (
        "busy.xlsx: refused: more than 1,000 XML elements (cells, text and formatting), more "
        "than a list needs; save the list alone in a new workbook, or as CSV."
    )
    assert parsed_cells == []


def test_a_row_with_more_cells_than_the_columns_hold_is_refused_as_it_is_read(parsed_cells):
    wide = '<row r="2">' + "<c/>" * 2_000 + "</row>"
    limits = replace(LIST_LIMITS, max_columns=10)  # 160 elements a row at most
    with pytest.raises(DomainError) as refused:
        list(read_rows("wide.xlsx", xlsx(text_row(1, ["a", "b"]) + wide), limits))
    assert (
        str(refused.value)
        == "wide.xlsx row 2: more cells in one row than 10 columns hold: not a list."
    )
    assert len(parsed_cells) == 2  # the header's; none of the wide row's


def test_a_zip_of_many_parts_is_refused_before_any_is_read():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(LIST_LIMITS.max_members):
            archive.writestr(f"xl/part{n}.xml", "")
    with pytest.raises(DomainError) as refused:
        list(read_rows("parts.xlsx", buffer.getvalue()))
    assert (
        str(refused.value) == "parts.xlsx: refused: 1,001 parts in one file; a workbook has tens."
    )


def test_a_cell_longer_than_excel_allows_is_refused_in_a_workbook():
    data = xlsx(text_row(1, ["title", "notes"]) + text_row(2, ["A", "n" * 32_768]))
    with pytest.raises(DomainError) as refused:
        list(read_rows("notes.xlsx", data))
    assert str(refused.value) == (
        "notes.xlsx row 2, field 'notes': longer than 32,767 characters, Excel's limit for a cell."
    )


def test_blank_rows_past_the_cap_are_not_data(parsed_cells):
    data = xlsx(text_row(1, ["a"]) + '<row r="20000" ht="30" customHeight="1"/>')
    assert list(read_rows("styled.xlsx", data)) == [(1, ["a"])]
