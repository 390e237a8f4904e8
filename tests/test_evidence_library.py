import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from evidence.exports import library_workbook
from evidence.models import DocumentStatus, LibraryDocument
from evidence.services.library import import_library, library_progress, set_status_bulk
from inspections.models import Inspection, Person
from inspections.services.errors import DomainError, ImportFailed


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


GOOD = (
    "Title,Category,Owner,Status,Notes\n"
    "Early help strategy,Strategies,pt-lead,received,\n"
    "Corporate parenting board minutes – May 2025,Minutes of boards,ann@council.example,Uploaded,\n"
    "Neglect strategy,Strategies,Ann Lead,quality-assured,checked by AD\n"
    "Threshold document,Policies and procedures,,,\n"
)


def test_a_good_index_imports_and_reimporting_updates(inspection):
    result = import_library(inspection, "library.csv", GOOD.encode())
    assert (result.created, result.updated) == (4, 0)
    docs = {d.title: d for d in LibraryDocument.objects.filter(inspection=inspection)}
    assert docs["Neglect strategy"].status == DocumentStatus.QUALITY_ASSURED
    assert docs["Neglect strategy"].owner.ref == "pt-lead"
    assert docs["Threshold document"].status == DocumentStatus.REQUESTED
    assert docs["Threshold document"].owner is None
    again = import_library(inspection, "library.csv", GOOD.replace("received", "uploaded").encode())
    assert (again.created, again.updated) == (0, 4)
    assert LibraryDocument.objects.get(title="Early help strategy").status == "uploaded"


def test_every_bad_row_and_field_is_named_and_nothing_is_written(inspection):
    bad = (
        "title,category,owner,status\n"
        "Early help strategy,Strategies,pt-lead,received\n"
        ",Plans,pt-lead,received\n"
        "Neglect strategy,,nobody@example.org,lost\n"
        "Early help strategy,Strategies,,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_library(inspection, "library.csv", bad.encode())
    problems = failure.value.problems
    assert "row 3, field 'title': blank" in problems
    assert "row 4, field 'category': blank" in problems
    assert any(p.startswith("row 4, field 'owner': 'nobody@example.org'") for p in problems)
    assert any(p.startswith("row 4, field 'status': 'lost' is not a status") for p in problems)
    assert "row 5, field 'title': repeats row 2" in problems
    assert "nothing was imported" in str(failure.value)
    assert not LibraryDocument.objects.exists()


def test_a_missing_column_and_an_unreadable_file_are_refused(inspection):
    with pytest.raises(ImportFailed) as failure:
        import_library(inspection, "library.csv", b"title,owner\nA,\n")
    assert failure.value.problems == ["row 1: missing column 'category'"]
    with pytest.raises(DomainError, match="not an Excel workbook"):
        import_library(inspection, "library.xlsx", b"not a zip at all")


def test_an_excel_index_imports(inspection):
    book = Workbook()
    sheet = book.active
    sheet.append(["Document title", "Theme", "Document owner", "Status"])
    sheet.append(["Sufficiency strategy", "Strategies", "Ann Lead", "Requested"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_library(inspection, "index.xlsx", buffer.getvalue()).created == 1
    assert LibraryDocument.objects.get().category == "Strategies"


def test_progress_counts_every_status_and_names_the_risk(inspection):
    import_library(inspection, "library.csv", GOOD.encode())
    progress = library_progress(inspection)
    assert progress.label == "1 of 4 uploaded"
    assert progress.counts == {"requested": 1, "received": 1, "quality_assured": 1, "uploaded": 1}
    assert progress.risk == "library: 2 documents not yet quality-assured (1 not yet received)"


def test_the_scenario_reads_287_of_315_uploaded(scenario):
    progress = library_progress(scenario)
    assert progress.label == "287 of 315 uploaded"
    assert progress.risk == "library: 16 documents not yet quality-assured (5 not yet received)"


def test_bulk_status_change_sets_only_the_selected(inspection):
    import_library(inspection, "library.csv", GOOD.encode())
    ids = list(LibraryDocument.objects.exclude(status="uploaded").values_list("pk", flat=True)[:2])
    assert set_status_bulk(inspection, ids, "uploaded") == 2
    assert library_progress(inspection).uploaded == 3
    with pytest.raises(DomainError, match="Choose a status"):
        set_status_bulk(inspection, ids, "binned")
    with pytest.raises(DomainError, match="Select at least one"):
        set_status_bulk(inspection, [], "uploaded")


def test_bulk_status_change_from_the_page_with_htmx(inspection, staff_client):
    import_library(inspection, "library.csv", GOOD.encode())
    ids = list(LibraryDocument.objects.values_list("pk", flat=True))
    response = staff_client.post(
        "/inspections/test-la/library/status/",
        {"documents": ids, "new_status": "uploaded", "category": "Strategies"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="library-results"' in body and "3 documents set to uploaded." in body
    assert "4 of 4 uploaded" in body
    # the filter travels with the form: the list still shows only strategies
    assert "Threshold document" not in body
    # without htmx: back to the filtered list, with the message
    response = staff_client.post(
        "/inspections/test-la/library/status/",
        {"documents": ids, "new_status": "requested", "category": "Strategies"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/inspections/test-la/library/?category=Strategies"
    assert LibraryDocument.objects.filter(status="requested").count() == 4


def test_a_bulk_change_with_nothing_selected_answers_htmx_with_400_naming_the_field(
    inspection, staff_client
):
    import_library(inspection, "library.csv", GOOD.encode())
    before = library_progress(inspection).counts
    response = staff_client.post(
        "/inspections/test-la/library/status/",
        {"new_status": "uploaded", "category": "Strategies"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="library-results"' in body and 'href="#documents"' in body
    assert "Select at least one document" in body and 'id="documents-error"' in body
    assert library_progress(inspection).counts == before


def test_a_bad_owner_filter_shows_the_library_with_the_error_not_a_crash(inspection, staff_client):
    import_library(inspection, "library.csv", GOOD.encode())
    response = staff_client.get("/inspections/test-la/library/", {"owner": "²", "q": "Threshold"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#owner"' in body and "Owner: choose a person from the list" in body
    # the valid filter still applies
    assert "Threshold document" in body and "1 document shown" in body


def test_the_library_page_filters_and_costs_the_same_queries_at_any_size(scenario, staff_client):
    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    full, body = queries("/inspections/shropshire-2025/library/")
    assert "287 of 315 uploaded" in body
    assert "Corporate parenting strategy 2024–2027" in body
    filtered, body = queries("/inspections/shropshire-2025/library/?status=requested")
    assert "5 documents shown" in body
    LibraryDocument.objects.filter(inspection=scenario, category="Minutes of boards").delete()
    smaller, _ = queries("/inspections/shropshire-2025/library/")
    assert full == filtered == smaller


def test_the_import_page_shows_an_error_summary(inspection, staff_client):

    upload = SimpleUploadedFile("library.csv", b"title,category\n,Plans\n", "text/csv")
    response = staff_client.post("/inspections/test-la/library/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and "row 2, field &#x27;title&#x27;: blank" in body
    assert 'href="#file"' in body and 'id="file"' in body
    upload = SimpleUploadedFile("library.csv", GOOD.encode(), "text/csv")
    response = staff_client.post("/inspections/test-la/library/import/", {"file": upload})
    assert response.status_code == 302
    assert LibraryDocument.objects.count() == 4


def test_pages_need_a_login(client, inspection):
    response = client.get("/inspections/test-la/library/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_export_has_the_renderers_features_and_imports_back(inspection):
    import_library(inspection, "library.csv", GOOD.encode())
    LibraryDocument.objects.filter(title="Threshold document").update(notes='=HYPERLINK("x")')
    book = load_workbook(io.BytesIO(library_workbook(inspection)))
    sheet = book["Library"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H5"
    assert sheet["A1"].font.bold
    validations = sheet.data_validations.dataValidation
    assert any(v.formula1 == '"Requested,Received,Quality-assured,Uploaded"' for v in validations)
    assert sheet.conditional_formatting  # red/amber/green on Status
    notes = [row[5].value for row in sheet.iter_rows(min_row=2)]
    formula_cell = next(c for c in sheet["F"] if c.value == '=HYPERLINK("x")')
    assert formula_cell.data_type == "s" and '=HYPERLINK("x")' in notes
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Uploaded"] == 1 and summary["Progress"] == "1 of 4 uploaded"
    # the first sheet is an index the import reads back: same refs, nothing added
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_library(inspection, "export.xlsx", buffer.getvalue()).updated == 4


def test_the_commands_import_and_export(inspection, tmp_path):
    index = tmp_path / "index.csv"
    index.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_library", "test-la", str(index), stdout=out)
    assert "4 added, 0 updated" in out.getvalue()
    target = tmp_path / "library.xlsx"
    call_command("export_library", "test-la", "-o", str(target), stdout=io.StringIO())
    assert load_workbook(target)["Library"].max_row == 5
    index.write_text("title,category\n,Plans\n", encoding="utf-8")
    with pytest.raises(CommandError, match="row 2, field 'title': blank"):
        call_command("import_library", "test-la", str(index))
    with pytest.raises(CommandError, match="No inspection 'nope'"):
        call_command("export_library", "nope", "-o", str(target))


def test_the_download_button_serves_a_workbook(inspection, staff_client):
    import_library(inspection, "library.csv", GOOD.encode())
    response = staff_client.get("/inspections/test-la/library/export.xlsx")
    assert response.status_code == 200
    assert "test-la-library.xlsx" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["Library"]["B2"].value
