"""Reading Annexe A uploads: CSV per list, xlsx streamed; unsafe files refused cleanly."""

import datetime as dt
import io
import zipfile

import pytest

import annex_a.readers
from annex_a.checker import check_sources, list_number_from_name, load_spec
from annex_a.readers import Limits, ReadRefused, open_upload
from annex_a.sample import counts_for, write_sample_workbook

SPEC = load_spec("seeds/annex-a.toml")
NOTIFICATION = dt.date(2025, 6, 16)


def _read(name, data, limits=None):
    with open_upload(name, io.BytesIO(data), limits) as upload:
        return check_sources(SPEC, upload.sources, NOTIFICATION, expect_all=upload.kind == "xlsx")


def _workbook(total=200):
    buffer = io.BytesIO()
    write_sample_workbook(buffer, SPEC, NOTIFICATION, counts_for(total))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("List 3.csv", 3),
        ("list_3_referrals.csv", 3),
        ("Annex A - List 10.csv", 10),
        ("LIST-11 adopters.csv", 11),
        ("List 1", 1),
        ("referrals.csv", None),
        ("List 100.csv", None),
    ],
)
def test_the_list_comes_from_the_file_or_sheet_name(name, number):
    assert list_number_from_name(name) == number


def test_a_csv_per_list_is_checked_as_that_list():
    headers = ",".join(f'"{c.name}"' for c in SPEC.get(3).columns)
    data = (headers + "\nC1,a,WBRI,,4,12/05/2025,2A,No,1,Team,Worker 1\n").encode("utf-8-sig")
    report = _read("list_3_referrals.csv", data)
    assert report.lists[3].rows == 1
    assert report.finding_count == 0
    assert any("List 1: Contacts is not in the upload" in n for n in report.notes)


def test_a_csv_saved_by_excel_in_windows_encoding_is_read():
    headers = ",".join(f'"{c.name}"' for c in SPEC.get(3).columns)
    data = (headers + "\nC1,a,WBRI,,4,12/05/2025,2A,No,1,Équipe,Worker 1\n").encode("cp1252")
    assert _read("List 3.csv", data).lists[3].rows == 1


def test_a_csv_whose_name_says_no_list_is_a_finding():
    report = _read("referrals.csv", b"a,b\n1,2\n")
    assert "does not say which list" in report.findings[0].message


def test_a_generated_workbook_is_read_sheet_by_sheet():
    report = _read("annex-a.xlsx", _workbook())
    assert sorted(report.lists) == list(range(1, 12))
    assert report.finding_count == 0


def test_a_text_file_named_xlsx_is_refused():
    with pytest.raises(ReadRefused, match=r"notes\.xlsx: not an Excel workbook"):
        _read("notes.xlsx", b"This is not a workbook at all")


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ReadRefused, match="a zip file, but not an Excel workbook"):
        _read("annex.xlsx", buffer.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(40):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 200_000
    with pytest.raises(ReadRefused, match="refused: it would expand to 40 MB"):
        _read("bomb.xlsx", data)


def test_an_oversized_file_is_refused():
    with pytest.raises(ReadRefused, match=r"big\.xlsx: .* is over the 0 MB limit"):
        _read("big.xlsx", _workbook(), Limits(max_bytes=1000))


def test_an_old_xls_and_an_empty_file_are_refused():
    with pytest.raises(ReadRefused, match="save it as .xlsx"):
        _read("annex.xls", b"\xd0\xcf\x11\xe0 old excel")
    with pytest.raises(ReadRefused, match="the file is empty"):
        _read("annex.xlsx", b"")


def test_a_damaged_workbook_is_refused_not_crashed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<< not xml")
    with pytest.raises(ReadRefused, match="could not be read as a workbook"):
        _read("broken.xlsx", buffer.getvalue())


def test_csv_cells_may_hold_quoted_line_breaks_across_read_chunks(monkeypatch):

    headers = ",".join(f'"{c.name}"' for c in SPEC.get(2).columns)
    body = (
        'C1,b,WBRI,,4,12/05/2025,,"Health visiting\r\nteam"\r\n'
        "C2,a,WBRI,,4,12/05/2025,,School\r\n"
        "C3,a,WBRI,,4,12/05/2025,,\r\n"
    )
    for size in range(3, 12):
        monkeypatch.setattr(annex_a.readers, "CHUNK", size)
        report = _read("List 2.csv", (headers + "\r\n" + body).encode("utf-8"))
        assert report.lists[2].rows == 3
        assert [(f.row, f.child_id, f.kind) for f in report.all_findings()] == [(4, "C3", "blank")]
