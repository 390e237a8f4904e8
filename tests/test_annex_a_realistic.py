"""A council's own Annexe A workbook (tests/annex_a_realistic.py) gives a handful of grouped
findings a council can act on, what to fix first first, on the page and in the JSON alike."""

import datetime as dt
import io
import json
import re
import tomllib

import pytest
from annex_a_realistic import (
    ALLOCATED_CHILDREN,
    EXPECTED,
    NOTIFICATION,
    ROWS,
    SPEC,
    council_workbook,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from annex_a.checker import check_sources
from annex_a.models import FileCheck, Finding, FindingGroup
from annex_a.readers import open_upload
from inspections.models import Inspection

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(data, name="Annex A June 2025.xlsx"):
    with open_upload(name, io.BytesIO(data)) as upload:
        return check_sources(SPEC, upload.sources, NOTIFICATION)


@pytest.fixture(scope="module")
def report():
    return _check(council_workbook())


def _shape(groups):
    return [(g.list, g.column, g.kind, g.severity, g.count) for g in groups]


def test_a_council_workbook_gives_a_handful_of_grouped_findings_most_important_first(report):
    assert report.rows == 60
    assert {n: r.rows for n, r in report.lists.items()} == ROWS
    assert _shape(report.fix_first()) == EXPECTED
    # one per row underneath: 51 findings, 7 things to fix
    assert report.finding_count == sum(count for *_, count in EXPECTED) == 51
    first = report.fix_first()[0]
    assert first.message == "Placement postcode is blank but mandatory"
    assert first.first_rows == (5, 6, 8, 9)


def test_fractional_ages_are_warnings_grouped_per_list_never_echoing_the_age(report):
    ages = [g for g in report.fix_first() if g.kind == "fraction"]
    assert [(g.list, g.severity, g.count) for g in ages] == [
        (1, "warning", 14),
        (3, "warning", 8),
        (8, "warning", 6),
    ]
    assert ages[0].first_rows == (6, 7, 8, 9, 10)
    assert ages[0].rows_text == "rows 6, 7, 8, 9, 10 and 9 more"
    assert "whole years" in ages[0].message and "INT()" in ages[0].message
    # with the notification date an age to three decimals gives away a date of birth
    for finding in report.all_findings():
        assert not re.search(r"\d\.\d", finding.message), finding.message


def test_the_header_row_is_found_below_title_and_notes_rows(report):
    list1 = report.lists[1]
    # row 2 has two cells ("Local authority:", "Example Council"): not taken for the header
    assert list1.notes[:3] == [f"row {n} skipped above the header row" for n in (1, 2, 3)]
    assert list1.header_map["Child Unique ID"] == "Child ID"
    assert report.lists[3].header_map["Allocated Worker"] == "Allocated Social Worker"
    assert not any(f.kind in ("header", "missing_column") for f in report.all_findings())


def test_na_text_dates_and_two_digit_years_have_clear_messages(report):
    by_kind = {g.kind: g for g in report.fix_first()}
    assert by_kind["error_value"].message == (
        "Allocated Worker holds the error value #N/A (a formula or lookup that failed): "
        "fix the formula or type the value"
    )
    assert by_kind["text_date"].message.startswith(
        "Date of Contact is a date typed as text: it was read as dd/mm/yyyy"
    )
    assert by_kind["date"].message == (
        "Start Date of Most Recent Placement has a two-digit year: use dd/mm/yyyy"
    )


def test_formulas_are_read_as_the_values_excel_saved(report):
    # every age is a formula, and INT() ages (lists 2, 4-7, 9, 10) are whole: no finding there
    ages = {g.list for g in report.fix_first() if g.column == "Age of Child (Years)"}
    assert ages == {1, 3, 8}
    # the formula dragged below list 1's data gives empty text: not a row
    assert report.lists[1].rows == 14


def test_a_formula_excel_never_calculated_is_still_a_finding():
    headers = [c.name for c in SPEC.get(1).columns]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "List 1"
    sheet.append(headers)
    sheet.append(["C1", "a", "WBRI", None, "=(TODAY()-45000)/365.25", dt.date(2025, 5, 12), "6"])
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl saves no value for a formula
    (group,) = [g for g in _check(buffer.getvalue()).fix_first() if g.list == 1]
    assert (group.column, group.kind, group.severity) == (
        "Age of Child (Years)",
        "formula",
        "error",
    )
    assert "holds a formula with no saved value" in group.message


def test_children_allocated_now_are_counted_from_the_lists_rows(report):
    assert report.allocated_children == ALLOCATED_CHILDREN
    assert {n: report.lists[n].allocated for n in (6, 7, 8, 9)} == {6: 8, 7: 3, 8: 6, 9: 3}


@pytest.fixture
def inspection(db):
    return Inspection.objects.create(
        slug="test-la", title="Test", local_authority="Test LA", day_one=NOTIFICATION
    )


def test_the_json_leads_with_what_to_fix_first_in_the_same_order(inspection, tmp_path, capsys):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(council_workbook())
    with pytest.raises(SystemExit):
        call_command("check_annex_a", "test-la", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert list(out)[:2] == ["check", "fix_first"]
    assert [
        (g["list"], g["column"], g["kind"], g["severity"], g["count"]) for g in out["fix_first"]
    ] == EXPECTED
    assert out["fix_first"][0]["first_rows"] == [5, 6, 8, 9]
    assert out["allocated_children"] == ALLOCATED_CHILDREN


def test_the_check_page_leads_with_what_to_fix_first(inspection, staff_client):
    upload = SimpleUploadedFile("Annex A June 2025.xlsx", council_workbook(), content_type=XLSX)
    response = staff_client.post("/inspections/test-la/annex-a/checks/", {"files": [upload]})
    assert response.status_code == 302
    check = FileCheck.objects.get()
    groups = FindingGroup.objects.filter(check_run=check).order_by("rank")
    assert [(g.list_number, g.column, g.kind, g.severity, g.count) for g in groups] == EXPECTED
    assert check.allocated_children == ALLOCATED_CHILDREN
    page = staff_client.get(response["Location"]).content.decode()
    # the page leads with the grouped findings, in order, above the lists' table
    assert page.index("What to fix first") < page.index("Lists found")
    positions = [page.index(f"List {n}, {column}:") for n, column, *_ in EXPECTED[:3]]
    assert positions == sorted(positions)
    assert "(4 rows: rows 5, 6, 8, 9)" in page
    # the per-row detail is there, folded away, with the child IDs
    na = Finding.objects.filter(check_run=check, kind="error_value").order_by("row")
    assert [f.row for f in na] == [7, 10, 12]
    assert page.count("<details") == len(EXPECTED)
    assert f'<td class="govuk-table__cell">{na[0].child_id}</td>' in page
    assert 'id="allocated-children"' in page
    assert f"<strong>{ALLOCATED_CHILDREN}</strong>" in page


def test_each_list_covers_the_period_the_guidance_gives_it(inspection, staff_client):
    assert {s.number: s.period_months for s in SPEC.lists} == {
        **dict.fromkeys(range(1, 9), 6),
        9: 0,  # care leavers: those entitled at notification, no look-back
        10: 12,
        11: 12,
    }
    page = staff_client.get("/inspections/test-la/annex-a/").content.decode()
    for spec in SPEC.lists:
        assert spec.covers and spec.covers in page.replace("&#x27;", "'")
    assert "Lists 1 to 9 cover the 6 months" not in page


def test_cafcass_is_spelled_as_the_body_spells_itself():
    with open("seeds/meeting-types.toml", "rb") as fh:
        types = {t["key"]: t["name"] for t in tomllib.load(fh)["types"]}
    assert types["cafcass"] == "Cafcass meeting"
    with open("seeds/scenarios/shropshire-2025/meetings.toml", "rb") as fh:
        text = fh.read().decode()
    assert "CAFCASS" not in text and 'title = "Cafcass"' in text


def _list_sheet(workbook, number, rows, header_row=4):
    sheet = workbook.create_sheet(f"List {number}")
    sheet.cell(1, 1, f"Annex A - List {number}")
    sheet.cell(2, 1, "Local authority:")
    sheet.cell(2, 2, "Example Council")  # two cells above the header: not to be taken for it
    names = [c.name for c in SPEC.get(number).columns]
    for i, name in enumerate(names, start=1):
        sheet.cell(header_row, i, name)
    for r, values in enumerate(rows, start=header_row + 1):
        for name, value in values.items():
            sheet.cell(r, names.index(name) + 1, value)


def test_the_worker_mapping_comes_from_rows_below_title_rows_and_skips_na():
    workbook = Workbook()
    workbook.remove(workbook.active)
    child = SPEC.get(3).id_column
    _list_sheet(
        workbook,
        3,
        [
            {child: "C1001", "Allocated Worker": "Worker Ash", "Allocated Team": "Team North"},
            {child: "C1002", "Allocated Worker": "#N/A", "Allocated Team": "Team South"},
            {child: "C1003", "Allocated Worker": "Worker Elm", "Allocated Team": "Team North"},
        ],
    )
    _list_sheet(
        workbook,
        8,
        [
            {
                SPEC.get(8).id_column: "C1003",
                "Allocated Worker": "Worker Oak",
                "Allocated Team": "CiC 2",
            }
        ],
        header_row=3,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = _check(buffer.getvalue())

    # the later list (8) wins for a child on both; #N/A names nobody; nothing else of a row
    assert {k: (a.worker, a.team, a.list_number) for k, a in report.allocations.items()} == {
        "C1001": ("Worker Ash", "Team North", 3),
        "C1002": ("", "Team South", 3),
        "C1003": ("Worker Oak", "CiC 2", 8),
    }
    assert report.allocation_lists == [3, 8]
