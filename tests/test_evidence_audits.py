import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from evidence.models import Audit, CasePackPart, DeepDive
from evidence.services.audits import import_audits
from evidence.services.deep_dives import choose_audit, meetings_for_child, update_pack_part
from inspections.models import Inspection, Person
from inspections.services.errors import DomainError, ImportFailed
from scheduling.models import Meeting


@pytest.fixture
def inspection(db):
    return Inspection.objects.create(
        slug="test-la", title="Test", local_authority="Test LA", day_one=dt.date(2025, 6, 16)
    )


GOOD = (
    "Child ID,Audit date,Type,Judgement,Moderated,Closing the loop\n"
    "C100001,03/03/2025,Collaborative case audit,Good,yes,yes\n"
    "C100002,2025-04-10,Thematic audit,Requires improvement,no,no\n"
    "C100001,2025-05-20,Dip sample audit,outstanding,Y,N\n"
)


def test_a_good_audit_list_imports_and_reimporting_updates(inspection):
    assert import_audits(inspection, "audits.csv", GOOD.encode()).created == 3
    audit = Audit.objects.get(child_id="C100002")
    assert (audit.audit_date, audit.judgement, audit.moderated) == (
        dt.date(2025, 4, 10),
        "requires_improvement",
        False,
    )
    again = import_audits(inspection, "audits.csv", GOOD.replace(",no,no", ",yes,no").encode())
    assert (again.created, again.updated) == (0, 3)
    assert Audit.objects.get(child_id="C100002").moderated is True


def test_every_bad_row_and_field_is_named_and_nothing_is_written(inspection):
    bad = (
        "child id,audit date,type,judgement,moderated,loop closed\n"
        "C100001,03/03/2025,Collaborative case audit,Good,yes,yes\n"
        "Jane Smith,31/02/2025,,brilliant,maybe,yes\n"
        "C100003,01/01/2024,Thematic audit,Good,no,no\n"
        "C100001,03/03/2025,Collaborative case audit,Good,yes,yes\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_audits(inspection, "audits.csv", bad.encode())
    problems = failure.value.problems
    assert any(p.startswith("row 3, field 'child id': not a child ID") for p in problems)
    assert not any("Jane" in p for p in problems)  # never echo what may be a name
    assert any(
        p.startswith("row 3, field 'audit date': '31/02/2025' is not a date") for p in problems
    )
    assert "row 3, field 'type': blank" in problems
    assert any(p.startswith("row 3, field 'judgement': 'brilliant'") for p in problems)
    assert any(p.startswith("row 3, field 'moderated': 'maybe'") for p in problems)
    assert any(
        p.startswith("row 4, field 'audit date': 01/01/2024 is outside the 6 months")
        for p in problems
    )
    assert "row 5: the same child, date and type as row 2" in problems
    assert not Audit.objects.exists()


def test_a_child_id_needs_a_digit_so_a_name_is_refused_unechoed(inspection):
    text = (
        "child id,audit date,type,judgement\n"
        "JANESMITH,03/03/2025,Dip sample audit,Good\n"
        "CH-100234,03/03/2025,Dip sample audit,Good\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_audits(inspection, "audits.csv", text.encode())
    (problem,) = failure.value.problems
    assert problem.startswith("row 2, field 'child id': not a child ID")
    assert "JANESMITH" not in problem and "at least one digit" in problem
    ok = text.replace("JANESMITH,03/03/2025", "CH-100235,04/03/2025")
    assert import_audits(inspection, "audits.csv", ok.encode()).created == 2
    assert Audit.objects.filter(child_id="CH-100234").exists()


def test_an_audit_saved_without_a_child_id_is_not_chosen(inspection):
    audit = Audit.objects.create(
        inspection=inspection,
        ref="legacy",
        child_id="JANESMITH",
        audit_date=dt.date(2025, 5, 1),
        audit_type="Dip sample audit",
        judgement="good",
    )
    with pytest.raises(DomainError, match="does not hold a child ID") as refusal:
        choose_audit(inspection, audit, "care")
    assert "JANESMITH" not in str(refusal.value)
    assert not DeepDive.objects.exists()


def test_a_file_with_names_or_dates_of_birth_is_refused(inspection):
    text = "child id,child name,date of birth,audit date,type,judgement\n"
    with pytest.raises(ImportFailed) as failure:
        import_audits(inspection, "audits.csv", text.encode())
    assert failure.value.problems == [
        "row 1: remove column 'child name' (names and dates of birth are not kept)",
        "row 1: remove column 'date of birth' (names and dates of birth are not kept)",
    ]


def test_an_excel_list_with_date_cells_imports(inspection):
    book = Workbook()
    book.active.append(["Child Unique ID", "Date of audit", "Audit type", "Grade", "Moderated"])
    book.active.append(
        ["C100009", dt.datetime(2025, 5, 1), "Supervision audit", "Inadequate", "No"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_audits(inspection, "audits.xlsx", buffer.getvalue()).created == 1
    audit = Audit.objects.get()
    assert audit.audit_date == dt.date(2025, 5, 1) and audit.loop_closed is False


def test_the_commands_report_rows_and_fields(inspection, tmp_path):
    path = tmp_path / "audits.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_audits", "test-la", str(path), stdout=out)
    assert "3 added" in out.getvalue()
    path.write_text(GOOD.replace("Good", "Fine"), encoding="utf-8")
    with pytest.raises(CommandError, match="row 2, field 'judgement'"):
        call_command("import_audits", "test-la", str(path))


def _audits(inspection, n):
    return [
        Audit.objects.create(
            inspection=inspection,
            ref=f"a{i}",
            child_id=f"C2000{i:02d}",
            audit_date=dt.date(2025, 5, 1),
            audit_type="Dip sample audit",
            judgement="good",
        )
        for i in range(n)
    ]


def test_a_thirteenth_child_is_refused(inspection):
    audits = _audits(inspection, 13)
    for audit in audits[:12]:
        deep_dive = choose_audit(inspection, audit, "care")
        assert deep_dive.parts.count() == 7  # four case-record documents, the audit's three
    with pytest.raises(DomainError, match="up to 12 children and 12 are already chosen"):
        choose_audit(inspection, audits[12], "care")
    assert DeepDive.objects.count() == 12


def test_a_child_is_chosen_once_and_needs_its_plan(inspection):
    (first,) = _audits(inspection, 1)
    second = Audit.objects.create(
        inspection=inspection,
        ref="b",
        child_id=first.child_id,
        audit_date=dt.date(2025, 4, 1),
        audit_type="Thematic audit",
        judgement="good",
    )
    with pytest.raises(DomainError, match="Choose the plan"):
        choose_audit(inspection, first, "")
    choose_audit(inspection, first, "pathway")
    with pytest.raises(DomainError, match="already chosen"):
        choose_audit(inspection, second, "care")


def test_choosing_from_the_page_and_the_thirteenth_message(inspection, staff_client):
    audits = _audits(inspection, 13)
    for audit in audits[:12]:
        response = staff_client.post(
            f"/inspections/test-la/audits/{audit.pk}/choose/", {"plan_type": "child_protection"}
        )
        assert response.status_code == 302
    response = staff_client.post(
        f"/inspections/test-la/audits/{audits[12].pk}/choose/", {"plan_type": "care"}, follow=True
    )
    assert "12 are already chosen" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    deep_dive = DeepDive.objects.first()
    staff_client.post(
        f"/inspections/test-la/deep-dives/{deep_dive.pk}/unchoose/",
        {"next": "https://evil.example/"},
    )
    assert (
        DeepDive.objects.count() == 11
        and not CasePackPart.objects.filter(deep_dive_id=deep_dive.pk).exists()
    )


def test_pack_parts_are_collated_and_quality_assured_before_upload(inspection):
    (audit,) = _audits(inspection, 1)
    collator = Person.objects.create(
        inspection=inspection, ref="lcs", full_name="Lee Records", kind="project_team"
    )
    signer = Person.objects.create(
        inspection=inspection, ref="hos", full_name="Hana Head", kind="senior_leader"
    )
    part = choose_audit(inspection, audit, "child_protection").parts.get(part="plan")
    assert part.label == "Child protection plan"
    with pytest.raises(DomainError, match="Quality-assure the child protection plan before"):
        update_pack_part(
            part, collated=True, collator=collator, quality_assured=False, qa_by=None, uploaded=True
        )
    with pytest.raises(DomainError, match="Say who collated"):
        update_pack_part(
            part, collated=True, collator=None, quality_assured=False, qa_by=None, uploaded=False
        )
    update_pack_part(
        part, collated=True, collator=collator, quality_assured=True, qa_by=signer, uploaded=True
    )
    part.refresh_from_db()
    assert part.collator == collator and part.qa_by == signer
    assert part.collated_at and part.qa_at and part.uploaded_at


def test_ticking_a_part_on_the_page_with_htmx(scenario, staff_client):
    part = CasePackPart.objects.filter(
        deep_dive__inspection=scenario, collated_at__isnull=True, part="chronology"
    ).first()
    lcs = Person.objects.get(inspection=scenario, ref="pt-lcs-1")
    url = f"/inspections/shropshire-2025/deep-dives/parts/{part.pk}/"
    response = staff_client.post(
        url, {"collated": "1", "collator": lcs.pk, "uploaded": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert f'id="part-{part.pk}"' in body and "Quality-assure the chronology before" in body
    response = staff_client.post(url, {"collated": "1", "collator": lcs.pk}, HTTP_HX_REQUEST="true")
    assert lcs.full_name in response.content.decode()
    part.refresh_from_db()
    assert part.collator == lcs and part.collated_at is not None


def test_an_unlisted_collator_answers_htmx_with_400_naming_the_field(scenario, staff_client):
    part = CasePackPart.objects.filter(deep_dive__inspection=scenario).first()
    url = f"/inspections/shropshire-2025/deep-dives/parts/{part.pk}/"
    response = staff_client.post(url, {"collated": "1", "collator": "²"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="part-{part.pk}"' in body and 'id="collator-error"' in body
    assert "Collated by: choose a person from the list" in body
    # without htmx: the deep-dive page again, its summary linking to the select
    response = staff_client.post(url, {"collated": "1", "collator": "9999999999"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#collator"' in body and 'id="collator"' in body


def test_a_name_in_the_childs_address_is_a_404_that_does_not_echo_it(scenario, staff_client):
    response = staff_client.get("/inspections/shropshire-2025/children/JANESMITH/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "JANESMITH" not in body and "not end in a child ID" in body


def test_ids_past_ten_digits_are_a_404_not_an_overflow(scenario, staff_client):
    huge = "9" * 30
    for path in (
        f"audits/{huge}/choose/",
        f"deep-dives/{huge}/unchoose/",
        f"deep-dives/parts/{huge}/",
    ):
        response = staff_client.post(f"/inspections/shropshire-2025/{path}", {"plan_type": "care"})
        assert response.status_code == 404, path


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_the_pages_cost_the_same_queries_whatever_the_size(scenario, staff_client):
    audits_full, body = _queries(staff_client, "/inspections/shropshire-2025/audits/")
    assert "199 audits listed" in body
    dives_full, body = _queries(staff_client, "/inspections/shropshire-2025/deep-dives/")
    assert body.count("Case-record pack:") == 12
    child_id = DeepDive.objects.filter(inspection=scenario).first().child_id
    child_full, body = _queries(staff_client, f"/inspections/shropshire-2025/children/{child_id}/")
    assert "Chosen for a deep dive" in body and "Chronology" in body
    # fewer rows, same number of queries
    for deep_dive in DeepDive.objects.filter(inspection=scenario).exclude(child_id=child_id)[:6]:
        deep_dive.delete()
    Audit.objects.filter(inspection=scenario, deep_dive__isnull=True).filter(
        judgement="good"
    ).delete()
    assert _queries(staff_client, "/inspections/shropshire-2025/audits/")[0] == audits_full
    assert _queries(staff_client, "/inspections/shropshire-2025/deep-dives/")[0] == dives_full
    assert _queries(staff_client, f"/inspections/shropshire-2025/children/{child_id}/")[0] == (
        child_full
    )


def test_an_unknown_child_is_a_404_page(scenario, staff_client):
    response = staff_client.get("/inspections/shropshire-2025/children/C999999/")
    assert response.status_code == 404
    assert "No audit or deep dive lists child ID C999999" in response.content.decode()


def test_the_import_page_lists_problems(inspection, staff_client):
    upload = SimpleUploadedFile("audits.csv", GOOD.replace("Good", "Fine").encode(), "text/csv")
    response = staff_client.post("/inspections/test-la/audits/import/", {"file": upload})
    assert "row 2, field &#x27;judgement&#x27;" in response.content.decode()
    assert not Audit.objects.exists()


def test_the_childs_page_links_its_case_discussions(scenario, staff_client):

    deep_dive = DeepDive.objects.filter(inspection=scenario).first()
    meetings = [
        m for m in Meeting.objects.filter(inspection=scenario) if deep_dive.child_id in m.child_ids
    ]
    assert meetings, "the scheduling scenario books a case discussion per deep-dive child"
    found = meetings_for_child(scenario, deep_dive.child_id)
    assert {m.title for m in found} == {m.title for m in meetings if m.status != "cancelled"}
    body = staff_client.get(f"/inspections/shropshire-2025/children/{deep_dive.child_id}/")
    assert f"/inspections/shropshire-2025/meetings/{meetings[0].pk}/" in body.content.decode()
    assert meetings_for_child(scenario, "C000000") == []
