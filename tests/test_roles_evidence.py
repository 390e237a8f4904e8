"""Roles on the evidence trackers, Annexe A and the calendars: who may change what, who sees
which child IDs, and the services' own check (a command or a task cannot go round a page)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from annex_a.models import AnnexAList, CheckStatus, FileCheck
from annex_a.services.checks import NamedFile, check_files_inline, run_check, start_check
from annex_a.services.lists import update_checklist
from calendars import tokens
from calendars.models import FeedKind, FeedToken
from evidence.models import Audit, CasePackPart, DeepDive, LibraryDocument
from evidence.services.audits import import_audits
from evidence.services.deep_dives import choose_audit, unchoose, update_pack_part
from evidence.services.library import import_library, set_status_bulk
from inspections.access import NotAllowed
from inspections.calendar import local_date
from inspections.childids import HIDDEN_CHILD_ID
from inspections.models import Inspection, Membership, Person, Role
from scheduling import releases

AUDITS_CSV = (
    "Child ID,Audit date,Type,Judgement,Moderated,Closing the loop\n"
    "C199001,03/03/2025,Collaborative case audit,Good,yes,yes\n"
)
LIBRARY_CSV = "Title,Category\nA brand new strategy,Strategies\n"


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def member(db, django_user_model):
    """member(inspection, role, person=None) -> (user, signed-in Client)."""
    made = 0

    def make(inspection: Inspection, role: Role, person: Person | None = None):
        nonlocal made
        made += 1
        user = django_user_model.objects.create_user(f"{role}-member-{made}")
        Membership.objects.create(inspection=inspection, user=user, role=role, person=person)
        client = Client()
        client.force_login(user)
        return user, client

    return make


def _evidence_rows(inspection: Inspection) -> dict[str, list[tuple]]:
    """Everything the refused POSTs could have changed."""
    return {
        "audits": list(Audit.objects.filter(inspection=inspection).order_by("pk").values_list()),
        "deep_dives": list(
            DeepDive.objects.filter(inspection=inspection).order_by("pk").values_list()
        ),
        "parts": list(
            CasePackPart.objects.filter(deep_dive__inspection=inspection)
            .order_by("pk")
            .values_list()
        ),
        "library": list(
            LibraryDocument.objects.filter(inspection=inspection).order_by("pk").values_list()
        ),
        "tokens": list(
            FeedToken.objects.filter(inspection=inspection).order_by("pk").values_list()
        ),
    }


def test_a_viewers_changes_are_refused_with_403_and_change_nothing(scenario, member):
    tokens.ensure_tokens(scenario)
    _, viewer = member(scenario, Role.VIEWER)
    slug = scenario.slug
    deep_dive = DeepDive.objects.filter(inspection=scenario).order_by("pk").first()
    unchosen = Audit.objects.filter(inspection=scenario, deep_dive__isnull=True).first()
    documents = list(
        LibraryDocument.objects.filter(inspection=scenario)
        .exclude(status="uploaded")
        .values_list("pk", flat=True)[:3]
    )
    token = FeedToken.objects.get(inspection=scenario, kind=FeedKind.INSPECTION)
    before = _evidence_rows(scenario)
    posts = [
        (
            f"/inspections/{slug}/audits/import/",
            {"file": SimpleUploadedFile("audits.csv", AUDITS_CSV.encode())},
        ),
        (f"/inspections/{slug}/audits/{unchosen.pk}/choose/", {"plan_type": "care"}),
        (f"/inspections/{slug}/deep-dives/{deep_dive.pk}/unchoose/", {}),
        (
            f"/inspections/{slug}/library/status/",
            {"documents": documents, "new_status": "uploaded"},
        ),
        (
            f"/inspections/{slug}/library/import/",
            {"file": SimpleUploadedFile("library.csv", LIBRARY_CSV.encode())},
        ),
        (f"/inspections/{slug}/feeds/action/", {"action": "revoke", "token": token.pk}),
        (f"/inspections/{slug}/feeds/action/", {"action": "regenerate", "token": token.pk}),
    ]
    for path, data in posts:
        assert viewer.post(path, data).status_code == 403, path
    assert _evidence_rows(scenario) == before


def test_only_a_coordinator_may_unchoose_a_deep_dive_child(scenario, member):
    deep_dive = DeepDive.objects.filter(inspection=scenario).order_by("pk").first()
    path = f"/inspections/{scenario.slug}/deep-dives/{deep_dive.pk}/unchoose/"
    _, project_team = member(scenario, Role.PROJECT_TEAM)
    assert project_team.post(path).status_code == 403
    assert CasePackPart.objects.filter(deep_dive=deep_dive).count() == 7
    _, coordinator = member(scenario, Role.COORDINATOR)
    assert coordinator.post(path).status_code == 302
    assert not DeepDive.objects.filter(pk=deep_dive.pk).exists()


def test_the_project_team_cannot_open_the_feed_links_or_see_the_whole_inspection_link(
    scenario, member
):
    tokens.ensure_tokens(scenario)
    whole = FeedToken.objects.get(inspection=scenario, kind=FeedKind.INSPECTION)
    secret = tokens.secret_for(whole)
    _, project_team = member(scenario, Role.PROJECT_TEAM)
    page = project_team.get(f"/inspections/{scenario.slug}/feeds/")
    assert page.status_code == 403
    shown = project_team.post(
        f"/inspections/{scenario.slug}/feeds/action/", {"action": "show", "token": whole.pk}
    )
    assert shown.status_code == 403
    assert secret not in page.content.decode() + shown.content.decode()
    calendar = project_team.get(f"/inspections/{scenario.slug}/calendar/").content.decode()
    assert f"/inspections/{scenario.slug}/feeds/" not in calendar  # no link to a closed page
    _, coordinator = member(scenario, Role.COORDINATOR)
    reply = coordinator.post(
        f"/inspections/{scenario.slug}/feeds/action/", {"action": "show", "token": whole.pk}
    )
    assert reply.status_code == 200 and secret in reply.content.decode()


@pytest.fixture
def published(scenario) -> Inspection:
    call_command(
        "plan_meetings", scenario.slug, "--publish", "--time-limit", "2", stdout=io.StringIO()
    )
    return scenario


def _calendar_pages(client: Client, inspection: Inspection) -> str:
    """Every calendar page of the published timetable, as one text."""
    base = f"/inspections/{inspection.slug}/calendar"
    cal = inspection.calendar
    paths = [f"{base}/"]
    for day in range(1, cal.last_day + 1):
        paths += [f"{base}/days/{day}/", f"{base}/days/{day}/run-sheet/"]
    paths += [f"{base}/weeks/{w}/" for w in range(1, cal.week_for_day(cal.last_day) + 1)]
    pages = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages.append(response.content.decode())
    return "\n".join(pages)


def test_a_viewer_sees_no_child_id_on_the_calendar_pages(published, member):
    deep_dive_ids = set(
        DeepDive.objects.filter(inspection=published).values_list("child_id", flat=True)
    )
    every_id = {c for m in releases.latest_release_meetings(published) for c in m.child_ids}
    assert deep_dive_ids <= every_id  # the scenario's case discussions name them
    _, viewer = member(published, Role.VIEWER)
    seen = _calendar_pages(viewer, published)
    assert f"Case discussion: child {HIDDEN_CHILD_ID}" in seen
    assert not [c for c in every_id if c in seen]
    _, project_team = member(published, Role.PROJECT_TEAM)
    assert deep_dive_ids <= {c for c in every_id if c in _calendar_pages(project_team, published)}


def test_staff_see_the_child_ids_only_of_meetings_they_attend(published, member):
    meetings = releases.latest_release_meetings(published)
    deep_dive = DeepDive.objects.filter(inspection=published).order_by("pk").first()
    worker = deep_dive.worker
    theirs = {
        c
        for m in meetings
        if any(a.kind == "person" and a.ref == worker.ref for a in m.attendees)
        for c in m.child_ids
    }
    others = {c for m in meetings for c in m.child_ids} - theirs
    assert deep_dive.child_id in theirs and others
    _, staff = member(published, Role.STAFF, person=worker)
    seen = _calendar_pages(staff, published)
    assert deep_dive.child_id in seen
    assert not [c for c in others if c in seen]
    # the run-sheet of their case discussion's day lists the child against it
    (discussion,) = [
        m for m in meetings if m.title == f"Case discussion: child {deep_dive.child_id}"
    ]
    day = published.calendar.day_for_date(local_date(discussion.start))
    sheet = staff.get(f"/inspections/{published.slug}/calendar/days/{day}/run-sheet/")
    assert f"Case discussion: child {deep_dive.child_id}" in sheet.content.decode()
    # a staff member who is nobody in the timetable sees none
    _, stranger = member(published, Role.STAFF)
    assert deep_dive.child_id not in _calendar_pages(stranger, published)


def test_only_the_project_team_sees_the_draft_timetable(scenario, member):
    path = f"/inspections/{scenario.slug}/calendar/days/6/?plan=draft"
    _, staff = member(scenario, Role.STAFF)
    assert staff.get(path).status_code == 403
    assert (
        "?plan=draft" not in staff.get(f"/inspections/{scenario.slug}/calendar/").content.decode()
    )
    _, project_team = member(scenario, Role.PROJECT_TEAM)
    assert project_team.get(path).status_code == 200


def test_a_viewer_reads_the_library_and_annex_a_without_the_buttons_to_change_them(
    scenario, member
):
    _, viewer = member(scenario, Role.VIEWER)
    library = viewer.get(f"/inspections/{scenario.slug}/library/")
    assert library.status_code == 200
    html = library.content.decode()
    assert "Change status" not in html and "Import an index" not in html
    assert f"/inspections/{scenario.slug}/audits/" not in html  # a list of child IDs
    tracker = viewer.get(f"/inspections/{scenario.slug}/annex-a/").content.decode()
    assert "signed off" in tracker and "Save list 1" not in tracker
    assert "export.xlsx" not in tracker
    _, project_team = member(scenario, Role.PROJECT_TEAM)
    tracker = project_team.get(f"/inspections/{scenario.slug}/annex-a/").content.decode()
    assert "Save list 1" in tracker and "export.xlsx" not in tracker  # export: coordinators


def test_services_refuse_an_actor_whose_role_is_too_low(scenario, member):
    viewer, _ = member(scenario, Role.VIEWER)
    project_team, _ = member(scenario, Role.PROJECT_TEAM)
    audit = Audit.objects.filter(inspection=scenario, deep_dive__isnull=True).first()
    deep_dive = DeepDive.objects.filter(inspection=scenario).order_by("pk").first()
    part = CasePackPart.objects.filter(deep_dive=deep_dive).first()
    document = LibraryDocument.objects.filter(inspection=scenario).first()
    lst = AnnexAList.objects.get(inspection=scenario, number=1)
    token = tokens.ensure_tokens(scenario)[0][1]
    before = _evidence_rows(scenario)
    refused = [
        lambda: import_audits(scenario, "a.csv", AUDITS_CSV.encode(), actor=viewer),
        lambda: import_library(scenario, "l.csv", LIBRARY_CSV.encode(), actor=viewer),
        lambda: set_status_bulk(scenario, [document.pk], "received", actor=viewer),
        lambda: choose_audit(scenario, audit, "care", actor=viewer),
        lambda: unchoose(scenario, deep_dive, actor=project_team),  # deleting: coordinators
        lambda: update_pack_part(
            part,
            collated=False,
            collator=None,
            quality_assured=False,
            qa_by=None,
            uploaded=False,
            actor=viewer,
        ),
        lambda: update_checklist(lst, set(), actor=viewer),
        lambda: start_check(scenario, [NamedFile("a.csv", io.BytesIO(b"x"), 1)], actor=viewer),
        lambda: check_files_inline(scenario, [("a.csv", io.BytesIO(b"x"))], actor=viewer),
        lambda: tokens.ensure_tokens(scenario, actor=project_team),
        lambda: tokens.regenerate(token, actor=project_team),
        lambda: tokens.revoke(token, actor=project_team),
    ]
    for call in refused:
        with pytest.raises(NotAllowed):
            call()
    assert _evidence_rows(scenario) == before
    assert not FileCheck.objects.filter(inspection=scenario).exists()
    assert AnnexAList.objects.get(pk=lst.pk).extract_run == lst.extract_run
    # the system itself (a command, the scenario loader) passes no actor and may
    assert unchoose(scenario, deep_dive) == deep_dive.child_id


def test_a_queued_check_is_refused_when_its_uploader_is_no_longer_project_team(scenario, member):
    uploader, _ = member(scenario, Role.PROJECT_TEAM)
    stored = default_storage.save("annex_a/uploads/role-test/0-a.csv", ContentFile(b"x"))
    check = FileCheck.objects.create(
        inspection=scenario, file_names=["a.csv"], stored_files=[stored], created_by=uploader
    )
    Membership.objects.filter(user=uploader).update(role=Role.VIEWER)
    run_check(check.pk)
    check.refresh_from_db()
    assert check.status == CheckStatus.REFUSED
    assert "project team" in check.message.lower()
    assert check.stored_files == [] and not default_storage.exists(stored)
    assert not check.findings.exists()
