"""The pure Annexe A checker finds every planted error, at its cell, and never echoes a birth date."""

import datetime as dt
import io
import random

import pytest

from annex_a.checker import Source, check_sources, load_spec
from annex_a.readers import open_upload
from annex_a.sample import counts_for, sample_rows, write_workbook

NOTIFICATION = dt.date(2025, 6, 16)
SPEC = load_spec("seeds/annex-a.toml")


def _headers(number):
    return [c.name for c in SPEC.get(number).columns]


def _col(number, name):
    return _headers(number).index(name)


def planted_workbook():
    """A valid generated Annexe A with one error of each kind planted; returns (bytes, planted)."""
    rng = random.Random(7)
    counts = counts_for(1000)
    sheets, planted = {}, []
    for spec in SPEC.lists:
        sheets[spec.number] = (
            _headers(spec.number),
            list(sample_rows(spec, NOTIFICATION, counts[spec.number], rng)),
        )

    def plant(number, row_index, column, value, kind):
        headers, rows = sheets[number]
        rows[row_index][_col(number, column)] = value
        planted.append((number, row_index + 2, column, kind))

    # header problems: a misnamed header, an alias (not a finding), a missing column
    sheets[1][0][_col(1, "Date of Contact")] = "Date of Contcat"
    planted.append((1, 1, "Date of Contact", "header"))
    sheets[3][0][_col(3, "Age of Child (Years)")] = "age"
    h2, r2 = sheets[2]
    drop = _col(2, "Organisation completing assessment")
    sheets[2] = (h2[:drop] + h2[drop + 1 :], [r[:drop] + r[drop + 1 :] for r in r2])
    planted.append((2, 1, "Organisation completing assessment", "missing_column"))
    # cells
    plant(3, 4, "Date of referral", "32/13/2025", "date")
    plant(3, 5, "Date of referral", dt.datetime(2023, 1, 5), "period")
    plant(3, 6, "Date of referral", "01/07/2025", "period")  # after notification
    planted.append((3, 8, "Date of referral", "text_date"))  # and typed as text: a warning
    plant(6, 3, "Primary Need Code", None, "blank")
    plant(6, 4, "Allocated Worker", "   ", "blank")
    plant(1, 7, "Gender", "x) Other", "code")
    plant(1, 8, "Ethnicity", "ZZZZ", "code")
    plant(1, 9, "Contact Source", "99", "code")
    plant(8, 2, "Date of Last Health Assessment", "=TODAY()", "formula")
    plant(9, 3, "Eligibility Category", "#N/A", "error_value")
    plant(10, 1, "Date the Child Entered Care", 45000, "date")
    plant(4, 2, "Continuous Assessment Start Date", "soon", "date")
    plant(3, 8, "Number of Referrals in Last 12 Months", "two", "number")
    plant(5, 5, "Date of Birth", dt.datetime(2026, 1, 1), "period")
    # duplicate row: a copy of list 5's row 11 added at the end
    rows5 = sheets[5][1]
    rows5.append(list(rows5[9]))
    planted.append((5, len(rows5) + 1, "", "duplicate"))
    # dependency: a child protection plan started in the period with no section 47 on list 5
    h7, r7 = sheets[7]
    r7[0][_col(7, "Child Unique ID")] = "C999999"
    r7[0][_col(7, "Child Protection Plan Start Date")] = dt.datetime(2025, 5, 1)
    planted.append((7, 2, "Child Unique ID", "dependency"))
    buffer = io.BytesIO()
    ordered = [(f"List {n}", sheets[n][0], iter(sheets[n][1])) for n in sorted(sheets)]
    ordered.insert(0, ("Contents", ["About", "this workbook"], iter([["Annexe A", "2025"]])))
    write_workbook(buffer, ordered)
    return buffer.getvalue(), planted


def _check(data, name="annex-a.xlsx"):
    with open_upload(name, io.BytesIO(data)) as upload:
        return check_sources(SPEC, upload.sources, NOTIFICATION)


def test_a_clean_generated_workbook_has_no_findings():
    buffer = io.BytesIO()
    rng = random.Random(3)
    write_workbook(
        buffer,
        [
            (f"List {s.number}", _headers(s.number), sample_rows(s, NOTIFICATION, 30, rng))
            for s in SPEC.lists
        ],
    )
    report = _check(buffer.getvalue())
    assert report.finding_count == 0, report.all_findings()[:5]
    assert report.rows == 330
    assert sorted(report.lists) == list(range(1, 12))


def test_every_planted_error_is_found_at_its_cell():
    data, planted = planted_workbook()
    report = _check(data)
    found = {(f.list, f.row, f.column, f.kind) for f in report.all_findings()}
    missing = [p for p in planted if p not in found]
    assert not missing, missing
    # nothing else: the rest of the workbook is valid
    extra = [
        f for f in report.all_findings() if (f.list, f.row, f.column, f.kind) not in set(planted)
    ]
    assert extra == []
    assert "'Contents' is not one of the lists" in report.notes[0]


def test_headers_match_tolerantly_and_say_what_was_taken():
    data, _ = planted_workbook()
    report = _check(data)
    assert report.lists[3].header_map["Age of Child (Years)"] == "age"
    assert "took header 'age' for 'Age of Child (Years)'" in report.lists[3].notes
    assert report.lists[1].header_map["Date of Contact"] == "Date of Contcat"
    misnamed = [f for f in report.lists[1].findings if f.kind == "header"]
    assert misnamed[0].severity == "warning"
    assert "looks misnamed" in misnamed[0].message


def test_findings_never_echo_a_date_of_birth():
    rows = [
        ["C1", "a", "WBRI", "2026-02-03", 1, "12/05/2025", "6"],
        ["C2", "b", "WBRI", 38000, 1, "12/05/2025", "6"],
        ["C3", "b", "WBRI", "31/02/2019", 1, "12/05/2025", "6"],
    ]
    headers = _headers(1)
    report = check_sources(SPEC, [_source("List 1", headers, rows)], NOTIFICATION, expect_all=False)
    messages = [f.message for f in report.all_findings() if f.column == "Date of Birth"]
    assert len(messages) == 3
    for text in messages:
        assert (
            "2026" not in text
            and "38000" not in text
            and "31/02" not in text
            and "02/2019" not in text
        )


def test_dates_out_of_period_name_the_period_start():
    headers = _headers(3)
    row = ["C1", "a", "WBRI", None, 4, "15/12/2024", "2A", "No", 1, "Team", "Worker 1"]
    report = check_sources(
        SPEC, [_source("list_3_referrals.csv", headers, [row])], NOTIFICATION, expect_all=False
    )
    (finding,) = report.all_findings()
    assert finding.message == "Date of referral 15/12/2024 is out of period: before 16/12/2024"
    assert finding.child_id == "C1" and finding.row == 2


def test_lists_ten_and_eleven_cover_twelve_months():
    assert SPEC.get(10).period(NOTIFICATION)[0] == dt.date(2024, 6, 16)
    assert SPEC.get(11).period_months == 12
    assert SPEC.get(1).period(NOTIFICATION)[0] == dt.date(2024, 12, 16)
    assert [s.number for s in SPEC.lists] == list(range(1, 12))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("a) WBRI", "WBRI"),
        ("White British", "WBRI"),
        ("nobt", "NOBT"),
        ("s) NOBT", "NOBT"),
    ],
)
def test_ethnicity_accepts_template_and_label_spellings(value, code):
    assert SPEC.codes["ethnicity"].lookup(value) == code


def test_coded_values_accept_the_template_spellings():
    source = SPEC.codes["source"]
    assert source.lookup("a) 1A: Individual") == "1A"
    assert source.lookup("q) 6: Police") == "6"
    assert source.lookup("Police") == "6"
    assert source.lookup("11") is None
    gender = SPEC.codes["gender"]
    assert [gender.lookup(v) for v in ["a) Male", "Female", "c) Not stated/recorded", "d"]] == [
        "a",
        "b",
        "c",
        "d",
    ]


def test_many_bad_cells_keep_a_bounded_number_of_findings_but_count_them_all():
    headers = _headers(1)
    rows = [[f"C{i}", "zz", "WBRI", None, 3, "12/05/2025", "6"] for i in range(500)]
    report = check_sources(SPEC, [_source("List 1", headers, rows)], NOTIFICATION, expect_all=False)
    result = report.lists[1]
    assert result.finding_count == 500
    assert len(result.findings) == 50
    assert result.suppressed == 450


def test_a_dependency_is_only_checked_when_both_lists_are_uploaded():
    headers = _headers(7)
    rows = [list(sample_rows(SPEC.get(7), NOTIFICATION, 1, random.Random(1)))[0]]
    report = check_sources(
        SPEC, [_source("List 7.csv", headers, rows)], NOTIFICATION, expect_all=False
    )
    assert report.finding_count == 0
    assert any("not compared with list 5" in n for n in report.lists[7].notes)
    assert any("List 1: Contacts is not in the upload" in n for n in report.notes)


def _source(name, headers, rows):

    return Source(name, enumerate([headers, *rows], start=1))


def test_an_id_column_holding_a_name_is_flagged_and_the_name_not_kept():
    headers = _headers(1)
    rows = [["Jane Example", "b", "WBRI", None, 3, "12/05/2025", "6"]]
    report = check_sources(SPEC, [_source("List 1", headers, rows)], NOTIFICATION, expect_all=False)
    (finding,) = report.all_findings()
    assert finding.kind == "id" and finding.child_id == ""
    assert "Jane" not in finding.message


def test_the_id_column_follows_the_one_child_id_rule():
    headers = _headers(1)
    row = ["JANESMITH", "b", "WBRI", None, 3, "12/05/2025", "6"]
    report = check_sources(
        SPEC, [_source("List 1", headers, [row])], NOTIFICATION, expect_all=False
    )
    (finding,) = report.all_findings()
    assert finding.kind == "id" and finding.child_id == ""
    assert "JANESMITH" not in finding.message and "at least one digit" in finding.message
    row[0] = "CH-100234"
    report = check_sources(
        SPEC, [_source("List 1", headers, [row])], NOTIFICATION, expect_all=False
    )
    assert report.all_findings() == []


def test_a_date_shifted_into_a_code_or_number_column_is_not_echoed():
    headers = _headers(1)
    rows = [["C1", dt.datetime(2014, 3, 9), "09/03/2014", None, "2014-03-09", "12/05/2025", "6"]]
    report = check_sources(SPEC, [_source("List 1", headers, rows)], NOTIFICATION, expect_all=False)
    messages = [f.message for f in report.all_findings()]
    assert len(messages) == 3
    assert not any("2014" in m or "09/03" in m for m in messages), messages
    assert "a date is not a Gender code (expected a, b, c, d)" in messages
