"""The Annexe A tracker: scenario, checklist ticks, progress, uploads checked in the background."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from annex_a.models import AnnexAList, CheckStatus, FileCheck, Finding, ListStatus
from annex_a.progress import annex_a as annex_a_progress
from annex_a.sample import counts_for, write_sample_workbook
from annex_a.services.checks import NamedFile, check_files_inline, run_check, start_check
from annex_a.services.lists import annex_a_spec, summarise
from planner.services.progress import progress_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _workbook(inspection, total=300, break_it=False):
    buffer = io.BytesIO()
    write_sample_workbook(buffer, annex_a_spec(), inspection.day_one, counts_for(total))
    data = buffer.getvalue()
    if break_it:
        wb = load_workbook(io.BytesIO(data))
        wb["List 3"]["B2"] = "q) Other"
        wb["List 3"]["F3"] = "=TODAY()"
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    return data


def test_the_scenario_has_eleven_lists_with_owners_from_the_project_team(scenario):
    lists = list(AnnexAList.objects.filter(inspection=scenario).select_related("owner"))
    assert [lst.number for lst in lists] == list(range(1, 12))
    assert {lst.owner.role for lst in lists} == {"lcs", "performance"}
    assert 6000 < lists[0].row_count < 9000  # contacts
    assert lists[9].row_count < 100  # adoption
    assert AnnexAList.objects.filter(inspection=scenario).signed_off().count() == 8


def test_loading_the_scenario_again_changes_nothing(scenario):
    before = list(AnnexAList.objects.filter(inspection=scenario).values())
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    after = list(AnnexAList.objects.filter(inspection=scenario).values())
    for row in before + after:
        row.pop("updated_at")
    assert before == after


def test_task_progress_counts_lists_signed_off(scenario):
    progress = progress_for(scenario, "annex_a")
    assert progress == annex_a_progress(scenario)
    assert progress.label == "8 of 11 lists signed off"
    assert progress.risk == "3 lists not yet signed off"
    assert progress.percent == 73


def test_the_tracker_needs_a_login(client, scenario):
    response = client.get("/inspections/shropshire-2025/annex-a/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_tracker_lists_the_eleven_lists(staff_client, scenario):
    response = staff_client.get("/inspections/shropshire-2025/annex-a/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "8 of 11 lists signed off" in page
    assert "11. Adopters" in page and "5. Section 47 enquiries and ICPCs" in page
    assert page.count('name="done"') == 55
    assert "Download checklists (Excel)" in page


def test_ticking_the_checklist_signs_a_list_off(staff_client, scenario):
    url = "/inspections/shropshire-2025/annex-a/lists/5/"
    response = staff_client.post(
        url,
        {
            "done": ["extract_run", "checks_passed", "reconciled", "signed_off"],
            "notes": "Reconciled",
        },
    )
    assert response.status_code == 302
    lst = AnnexAList.objects.get(inspection=scenario, number=5)
    assert lst.status == ListStatus.SIGNED_OFF
    assert lst.signed_off_at is not None and lst.signed_off_by.username == "coordinator"
    assert annex_a_progress(scenario).label == "9 of 11 lists signed off"
    staff_client.post(url, {"done": ["extract_run"]})
    lst.refresh_from_db()
    assert lst.status == ListStatus.IN_PROGRESS and lst.signed_off_at is None


def test_uploaded_before_signed_off_is_refused_with_a_message(staff_client, scenario):
    response = staff_client.post(
        "/inspections/shropshire-2025/annex-a/lists/11/", {"done": ["uploaded"]}, follow=True
    )
    assert "sign it off before marking it uploaded" in response.content.decode()
    assert AnnexAList.objects.get(inspection=scenario, number=11).uploaded is False


def test_a_list_or_check_number_outside_the_range_is_a_404_not_an_overflow(staff_client, scenario):
    base = "/inspections/shropshire-2025/annex-a"
    huge = "9" * 30
    assert staff_client.post(f"{base}/lists/12/", {"done": ["extract_run"]}).status_code == 404
    assert staff_client.post(f"{base}/lists/{huge}/", {"done": ["extract_run"]}).status_code == 404
    assert staff_client.get(f"{base}/checks/{huge}/").status_code == 404
    assert staff_client.get(f"{base}/checks/{huge}/progress/").status_code == 404


def test_an_unknown_checklist_step_shows_the_tracker_with_the_error(staff_client, scenario):
    before = AnnexAList.objects.get(inspection=scenario, number=4).checklist()
    response = staff_client.post(
        "/inspections/shropshire-2025/annex-a/lists/4/", {"done": ["signed_off", "bribed"]}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#done"' in page and 'id="done"' in page and 'id="done-error"' in page
    assert "bribed" not in page
    assert AnnexAList.objects.get(inspection=scenario, number=4).checklist() == before


def test_an_uploaded_workbook_is_checked_and_the_file_not_kept(staff_client, scenario):

    data = _workbook(scenario, break_it=True)
    upload = SimpleUploadedFile("Annex A June 2025.xlsx", data, content_type=XLSX)
    response = staff_client.post(
        "/inspections/shropshire-2025/annex-a/checks/", {"files": [upload]}
    )
    assert response.status_code == 302
    check = FileCheck.objects.get()
    assert check.status == CheckStatus.DONE and check.progress == 100
    assert check.started_at and check.finished_at
    assert check.stored_files == []
    assert _stored_files(default_storage, "annex_a/uploads") == []
    kinds = set(Finding.objects.filter(check_run=check).values_list("kind", flat=True))
    assert kinds == {"code", "formula"}
    assert check.list_counts["3"]["findings"] == 2
    assert (
        AnnexAList.objects.get(inspection=scenario, number=3).row_count
        == check.list_counts["3"]["rows"]
    )
    page = staff_client.get(response["Location"]).content.decode()
    assert "holds a formula" in page and "is not a Gender code" in page
    progress = staff_client.get(f"{response['Location']}progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def _stored_files(storage, folder):
    if not storage.exists(folder):
        return []
    dirs, files = storage.listdir(folder)
    return files + [f for d in dirs for f in _stored_files(storage, f"{folder}/{d}")]


def test_a_refused_file_shows_why_on_the_check_page(staff_client, scenario):
    upload = SimpleUploadedFile("annex.xlsx", b"not a workbook", content_type=XLSX)
    response = staff_client.post(
        "/inspections/shropshire-2025/annex-a/checks/", {"files": [upload]}, follow=True
    )
    assert response.status_code == 200
    assert "annex.xlsx: not an Excel workbook" in response.content.decode()
    assert FileCheck.objects.get().status == CheckStatus.REFUSED


def test_an_oversized_upload_is_refused_on_the_form(staff_client, scenario, settings):
    settings.MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("annex.xlsx", _workbook(scenario), content_type=XLSX)
    response = staff_client.post(
        "/inspections/shropshire-2025/annex-a/checks/", {"files": [upload]}
    )
    assert response.status_code == 400
    assert "is over the 0 MB limit" in response.content.decode()
    assert not FileCheck.objects.exists()


def test_check_annex_a_exits_1_with_findings_and_lists_them_as_json(scenario, tmp_path, capsys):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(_workbook(scenario, break_it=True))
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_annex_a", "shropshire-2025", str(path), "--json")
    assert exit_info.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert [entry["list"] for entry in report["lists"]] == list(range(1, 12))
    list3 = report["lists"][2]
    assert list3["rows"] > 0 and len(list3["findings"]) == 2
    assert {f["row"] for f in list3["findings"]} == {2, 3}


def test_check_annex_a_exits_0_on_a_clean_file(scenario, tmp_path):
    path = tmp_path / "annex.xlsx"
    path.write_bytes(_workbook(scenario))
    out = io.StringIO()
    call_command("check_annex_a", "shropshire-2025", str(path), stdout=out)
    assert "0 findings" in out.getvalue()


def test_check_annex_a_refuses_a_non_workbook_cleanly(scenario, tmp_path):

    path = tmp_path / "annex.xlsx"
    path.write_text("hello")
    with pytest.raises(CommandError, match="not an Excel workbook"):
        call_command("check_annex_a", "shropshire-2025", str(path))


def test_due_is_the_end_of_day_two(scenario):

    summary = summarise(scenario)
    assert summary.due_at == dt.datetime(2025, 6, 17, 16, 30, tzinfo=dt.UTC)


def test_progress_is_saved_as_the_check_reads_rows(scenario, tmp_path):

    data = _workbook(scenario, total=5000)
    with CaptureQueriesContext(connection) as queries:
        check, report = check_files_inline(scenario, [("annex.xlsx", io.BytesIO(data))])
    steps = [
        int(m.group(1))
        for q in queries.captured_queries
        if (m := re.search(r'SET "progress" = (\d+)', q["sql"])) and "annex_a_filecheck" in q["sql"]
    ]
    assert len(steps) >= 5
    assert steps == sorted(steps) and steps[-1] < 100  # 100 only once saved
    assert check.progress == 100 and report.rows == check.rows


def test_a_check_runs_once_even_if_the_task_is_delivered_twice(scenario):

    upload = io.BytesIO(_workbook(scenario))

    check = start_check(scenario, [NamedFile("a.xlsx", upload, len(upload.getvalue()))])
    check.refresh_from_db()
    assert check.status == CheckStatus.DONE
    assert run_check(check.pk) is None  # already claimed: nothing runs again
    assert FileCheck.objects.get(pk=check.pk).finding_count == 0
