import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from inspections.models import Inspector, Person
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.people_import import import_people

GOOD = (
    "type,name,email,role,job title,team,organisation,onsite days\n"
    "inspector,Ann Example,ann@ofsted.example,lead,,,,6-15\n"
    "practitioner,Bob Example,bob@council.example,,Social worker,Assessment,,\n"
    "partner,Cat Example,,,Family court adviser,,Cafcass,\n"
    "project team,Dee Example,dee@council.example,PA,PA to the DCS,Business support,,\n"
)


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def test_a_good_csv_imports_everyone(scenario):
    before = Person.objects.count()
    result = import_people(scenario, "people.csv", GOOD.encode())
    assert (result.created, result.updated) == (4, 0)
    assert Person.objects.count() == before + 3
    ann = Inspector.objects.get(inspection=scenario, email="ann@ofsted.example")
    assert ann.role == "lead" and ann.onsite_days == list(range(6, 16))
    assert Person.objects.get(email="dee@council.example").role == "pa"
    # importing again updates rather than duplicates
    assert import_people(scenario, "people.csv", GOOD.encode()).updated == 4


def test_bad_rows_are_named_and_nothing_is_written(scenario):
    before = Person.objects.count(), Inspector.objects.count()
    bad = GOOD + (
        "wizard,Eve Example,,,,,,\n"
        "practitioner,,eve@council.example,,,,,\n"
        "inspector,Fay Example,not-an-email,captain,,,,6-99\n"
    )
    with pytest.raises(ImportFailed) as caught:
        import_people(scenario, "people.csv", bad.encode())
    problems = caught.value.problems
    assert "people.csv row 6, field 'type': 'wizard' is not one of" in problems[0]
    assert any(p.startswith("people.csv row 7, field 'name': blank") for p in problems)
    assert any("row 8, field 'email': 'not-an-email'" in p for p in problems)
    assert any("row 8, field 'role': 'captain'" in p for p in problems)
    assert any(
        "row 8, field 'onsite days': '6-99' goes past the last day of the inspection (15)" in p
        for p in problems
    )
    assert (Person.objects.count(), Inspector.objects.count()) == before


def test_an_excel_sheet_imports_too(scenario):
    wb = Workbook()
    ws = wb.active
    ws.append(["Type", "Full name", "Email", "Job title", "Team"])
    ws.append(
        [
            "practitioner",
            "Gus Example",
            "gus@council.example",
            "IRO",
            "Independent reviewing officers",
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    import_people(scenario, "people.xlsx", buffer.getvalue())
    assert Person.objects.get(email="gus@council.example").team == "Independent reviewing officers"


def test_files_that_are_not_spreadsheets_are_refused(scenario):
    with pytest.raises(DomainError, match="not an Excel workbook"):
        import_people(scenario, "people.xlsx", b"just text")
    with pytest.raises(DomainError, match="use a .csv or .xlsx file"):
        import_people(scenario, "people.pdf", b"%PDF")
    with pytest.raises(ImportFailed, match="nothing was imported"):
        import_people(scenario, "people.csv", b"colour,size\nred,big\n")


def test_the_command_reports_problems(scenario, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("type,name\nwizard,Zed\n")
    with pytest.raises(CommandError, match="row 2, field 'type'"):
        call_command("import_people", "shropshire-2025", str(path))


def test_the_upload_page_shows_row_problems(scenario, staff_client):

    url = "/inspections/shropshire-2025/people/import/"
    upload = SimpleUploadedFile("people.csv", b"type,name\nwizard,Zed\n", content_type="text/csv")
    page = staff_client.post(url, {"file": upload})
    assert page.status_code == 400
    assert "people.csv row 2, field &#x27;type&#x27;" in page.content.decode()
    ok = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    assert staff_client.post(url, {"file": ok}).status_code == 302


def test_a_ref_an_inspector_already_has_is_refused_for_a_person(scenario):
    before = Person.objects.filter(inspection=scenario).count()
    clash = (
        "type,name,organisation,ref\n"
        "partner,Pat Lane,Cafcass,insp-lead\n"
        "partner,Quin Example,Cafcass,partner-new\n"
    )
    with pytest.raises(ImportFailed) as caught:
        import_people(scenario, "partners.csv", clash.encode())
    assert caught.value.problems == [
        "partners.csv row 2, field 'ref': 'insp-lead' is already an inspector's ref in this "
        "inspection; give this row a different ref"
    ]
    assert Person.objects.filter(inspection=scenario).count() == before
    assert not Person.objects.filter(inspection=scenario, ref="insp-lead").exists()


def test_a_ref_a_person_already_has_is_refused_for_an_inspector(scenario):
    person = Person.objects.filter(inspection=scenario).first()
    clash = f"type,name,role,onsite days,ref\ninspector,Ray Example,team,6-10,{person.ref}\n"
    with pytest.raises(ImportFailed) as caught:
        import_people(scenario, "inspectors.csv", clash.encode())
    assert caught.value.problems == [
        f"inspectors.csv row 2, field 'ref': {person.ref!r} is already a council person's or "
        "partner's ref in this inspection; give this row a different ref"
    ]
    assert not Inspector.objects.filter(inspection=scenario, ref=person.ref).exists()
