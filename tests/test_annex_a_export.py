"""The Annexe A Excel export and the shared xlsx renderer it uses."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from office import convert_with_libreoffice
from openpyxl import load_workbook

from annex_a.models import AnnexAList
from annex_a.sample import counts_for, write_sample_workbook
from annex_a.services.checks import check_files_inline
from annex_a.services.lists import annex_a_spec
from inspections.exports.xlsx import Column, SheetSpec, render_workbook


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _render(*sheets):
    buffer = io.BytesIO()
    render_workbook(list(sheets), buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def test_text_that_looks_like_a_formula_is_stored_as_text():
    rows = [
        ['=HYPERLINK("http://evil")'],
        ["+44 1743"],
        ["-3 children"],
        ["@SUM(A1)"],
        ["plain"],
        [42],
    ]
    wb = _render(SheetSpec("Notes", [Column("Note", 30)], rows))
    cells = [wb["Notes"].cell(row=r, column=1) for r in range(2, 8)]
    assert [c.value for c in cells] == [
        '=HYPERLINK("http://evil")',
        "+44 1743",
        "-3 children",
        "@SUM(A1)",
        "plain",
        42,
    ]
    assert [c.data_type for c in cells[:4]] == ["s"] * 4
    assert all(c.quotePrefix for c in cells[:4])
    assert not cells[4].quotePrefix


def test_the_renderer_freezes_filters_validates_and_colours():
    spec = SheetSpec(
        "Tracker",
        [
            Column("Item", 20),
            Column("Status", 12, choices=["Done", "Not done"]),
            Column("When", 18),
        ],
        iter(
            [
                ["a", "Done", dt.datetime(2025, 6, 17, 9, 30, tzinfo=dt.UTC)],
                ["b", "Not done", dt.date(2025, 6, 18)],
            ]
        ),
        status_column="Status",
        status_colours={"Done": "green", "Not done": "red"},
    )
    sheet = _render(spec)["Tracker"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Done,Not done"' and str(validation.sqref) == "B2:B3"
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert sorted(r.formula[0] for r in rules) == ['"Done"', '"Not done"']
    assert sheet["A1"].font.bold
    assert sheet["C2"].value == dt.datetime(2025, 6, 17, 10, 30)  # UK time
    assert sheet.column_dimensions["A"].width == 20


def test_drop_down_choices_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="comma"):
        _render(SheetSpec("S", [Column("A", choices=["a,b"])], []))
    with pytest.raises(ValueError, match="255"):
        _render(SheetSpec("S", [Column("A", choices=[f"choice {i}" for i in range(40)])], []))


def test_sheet_titles_are_made_safe_and_unique():
    wb = _render(
        SheetSpec("A/B: list?", [Column("x")], []), SheetSpec("a/b: list?", [Column("x")], [])
    )
    assert wb.sheetnames == ["A_B_ list_", "a_b_ list_ (2)"]


def test_export_annex_a_writes_a_summary_and_eleven_list_sheets(scenario, tmp_path):
    path = tmp_path / "a.xlsx"
    call_command("export_annex_a", "shropshire-2025", "-o", str(path), stdout=io.StringIO())
    wb = load_workbook(path)
    assert wb.sheetnames == ["Summary"] + [f"List {n}" for n in range(1, 12)]
    for sheet in wb.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref
        assert sheet.data_validations.dataValidation
        assert sheet.conditional_formatting
    summary = wb["Summary"]
    headers = [c.value for c in summary[1]]
    assert headers[:8] == [
        "List",
        "Name",
        "Owner",
        "Status",
        "Rows",
        "Findings",
        "Due",
        "Signed off",
    ]
    first = [c.value for c in summary[2]]
    lst = AnnexAList.objects.get(inspection=scenario, number=1)
    assert first[:6] == [1, "Contacts", lst.owner.full_name, "Uploaded", lst.row_count, None]
    assert first[6] == dt.datetime(2025, 6, 17, 17, 30)
    list8 = [[c.value for c in row] for row in wb["List 8"].iter_rows(min_row=2)]
    assert [r[1] for r in list8][:2] == [
        "Extract run from the children's records system",
        "Data-quality checks passed",
    ]
    assert [r[2] for r in list8] == ["Done", "Not done", "Not done", "Not done", "Not done"]


def test_the_download_button_serves_the_workbook(staff_client, scenario):
    response = staff_client.get("/inspections/shropshire-2025/annex-a/export.xlsx")
    assert response.status_code == 200
    assert "annex-a-shropshire-2025.xlsx" in response["Content-Disposition"]
    assert len(load_workbook(io.BytesIO(response.content)).sheetnames) == 12


def test_libreoffice_opens_the_export(scenario, tmp_path):
    path = tmp_path / "a.xlsx"
    call_command("export_annex_a", "shropshire-2025", "-o", str(path), stdout=io.StringIO())
    pdf = convert_with_libreoffice(path, "pdf", tmp_path, tmp_path)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_the_export_lists_the_latest_checks_findings_with_child_ids(scenario, tmp_path):

    buffer = io.BytesIO()
    write_sample_workbook(buffer, annex_a_spec(), scenario.day_one, counts_for(200))
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    wb["List 6"]["H3"] = "=1+1"  # Primary Need Code
    broken = io.BytesIO()
    wb.save(broken)
    broken.seek(0)
    check_files_inline(scenario, [("annex.xlsx", broken)])
    path = tmp_path / "a.xlsx"
    call_command("export_annex_a", "shropshire-2025", "-o", str(path), stdout=io.StringIO())
    rows = [[c.value for c in row] for row in load_workbook(path)["List 6"].iter_rows(min_row=2)]
    findings = [r for r in rows if r[0] == "Finding"]
    assert findings == [
        [
            "Finding",
            "Primary Need Code",
            "Error",
            3,
            "C000002",
            "Primary Need Code holds a formula with no saved value: open the workbook in "
            "Excel and save it (or paste values) so the value is there",
        ]
    ]
    summary = [
        [c.value for c in row] for row in load_workbook(path)["Summary"].iter_rows(min_row=2)
    ]
    assert summary[5][5] == 1 and summary[0][5] == 0
