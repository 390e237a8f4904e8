"""Lines of enquiry: the register lists each line's linked evidence and flags the lines with
none; the dashboard lists those; the scenario seeds the set-up meeting's lines."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from desk.models import ContactFeedback, InformationRequest, LineOfEnquiry
from desk.services import lines as service
from evidence.models import LibraryDocument
from inspections.access import NotAllowed
from inspections.models import Role
from scheduling.models import Meeting

# What seeds/scenarios/shropshire-2025/lines-of-enquiry.toml links, by line.
SEEDED_DOCUMENTS = {
    "LOE-1": [
        "Audit moderation report 2025",
        "Closing the loop: actions from audits, tracker and summary",
        "Self-evaluation of social work practice 2025",
    ],
    "LOE-2": ["Management oversight standards", "Supervision policy for children's social care"],
    "LOE-3": ["Pre-proceedings and Public Law Outline procedure"],
    "LOE-4": [
        "Early help strategy 2023–2026",
        "Step-up and step-down protocol between early help and social care",
    ],
    "LOE-5": ["Permanence strategy"],
    "LOE-6": ["Care leavers' local offer 2025"],
    "LOE-7": [],
    "LOE-8": [],
}
SEEDED_MEETINGS = {
    "LOE-1": ["setup"],
    "LOE-3": ["cafcass", "judiciary", "legal"],
    "LOE-6": ["care-leavers-group"],
}
SEEDED_CHILDREN = {"LOE-2": ["C105102", "C105377"], "LOE-5": ["C104233"]}


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _sections(html: str) -> dict[str, str]:
    parts = re.split(r'<section class="app-line" id="line-', html)[1:]
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts}


def _listed(section: str, kind: str) -> list[str]:
    found = re.search(rf'<ul class="govuk-list" data-kind="{kind}">(.*?)</ul>', section, re.S)
    if not found:
        return []
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", item).split(" · ")[0].replace("&#x27;", "'") for item in items]


def test_scenario_seeds_the_set_up_meetings_lines_with_their_evidence(scenario):
    lines = {line.ref: line for line in LineOfEnquiry.objects.filter(inspection=scenario)}
    assert sorted(lines) == [f"LOE-{n}" for n in range(1, 9)]
    assert all(line.from_setup_meeting for line in lines.values())
    assert {
        ref: sorted(line.documents.values_list("title", flat=True)) for ref, line in lines.items()
    } == SEEDED_DOCUMENTS
    assert {
        ref: sorted(line.meetings.values_list("ref", flat=True))
        for ref, line in lines.items()
        if line.meetings.exists()
    } == SEEDED_MEETINGS
    assert {ref: line.child_ids for ref, line in lines.items() if line.child_ids} == SEEDED_CHILDREN
    assert lines["LOE-1"].owner.ref == "sl-hos-qa"


def test_reloading_the_scenario_changes_no_line_and_no_meeting_count(scenario):
    meetings = Meeting.objects.filter(inspection=scenario).count()
    history = LineOfEnquiry.history.count()
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    assert Meeting.objects.filter(inspection=scenario).count() == meetings
    assert LineOfEnquiry.objects.filter(inspection=scenario).count() == 8
    assert LineOfEnquiry.history.count() == history


def test_register_lists_each_lines_evidence_and_flags_those_with_none(scenario, member_client):
    client = member_client(scenario, Role.PROJECT_TEAM)
    page = client.get(reverse("desk:lines", args=[scenario.slug])).content.decode()
    sections = _sections(page)
    assert sorted(sections) == sorted(SEEDED_DOCUMENTS)
    assert {ref: _listed(s, "documents") for ref, s in sections.items()} == SEEDED_DOCUMENTS
    assert {
        ref: _listed(s, "children") for ref, s in sections.items() if _listed(s, "children")
    } == (SEEDED_CHILDREN)
    titles = dict(Meeting.objects.filter(inspection=scenario).values_list("ref", "title"))
    shown = {ref: sorted(_listed(s, "meetings")) for ref, s in sections.items()}
    assert {ref: m for ref, m in shown.items() if m} == {
        ref: sorted(titles[m] for m in refs) for ref, refs in SEEDED_MEETINGS.items()
    }
    assert _listed(sections["LOE-7"], "requests") == _listed(sections["LOE-7"], "feedback") == []
    flagged = sorted(ref for ref, s in sections.items() if "No evidence yet" in s)
    assert flagged == ["LOE-7", "LOE-8"]
    assert 'id="lines-without-count">2 with no evidence yet' in page


def test_any_kind_of_evidence_takes_a_line_off_the_no_evidence_list(scenario):
    def without() -> list[str]:
        return sorted(service.lines_without_evidence(scenario).values_list("ref", flat=True))

    seven = LineOfEnquiry.objects.get(inspection=scenario, ref="LOE-7")
    eight = LineOfEnquiry.objects.get(inspection=scenario, ref="LOE-8")
    assert without() == ["LOE-7", "LOE-8"]
    request = InformationRequest.objects.create(
        inspection=scenario,
        number=1,
        text="Participation strategy minutes",
        received_at=timezone.now(),
        due_at=timezone.now(),
        line=seven,
    )
    assert without() == ["LOE-8"]
    meeting = Meeting.objects.filter(inspection=scenario).first()
    note = ContactFeedback.objects.create(inspection=scenario, meeting=meeting)
    note.lines.add(eight)
    assert without() == []
    request.delete()
    note.delete()
    service.link_child(seven, "C105102")
    service.link_meeting(eight, meeting)
    assert without() == []
    service.unlink_child(seven, "C105102")
    service.unlink_meeting(eight, meeting)
    assert without() == ["LOE-7", "LOE-8"]
    assert service.evidence(seven).is_empty and service.evidence(eight).is_empty


def test_dashboard_lists_the_lines_with_no_evidence_yet(scenario, member_client):
    client = member_client(scenario, Role.VIEWER)
    page = client.get(reverse("planner:dashboard", args=[scenario.slug])).content.decode()
    listed = re.search(r'<ul[^>]*id="lines-without"[^>]*>(.*?)</ul>', page, re.S)
    assert listed is not None
    items = [
        re.sub(r"<[^>]+>", "", li).split(":")[0]
        for li in re.findall(r"<li>(.*?)</li>", listed.group(1))
    ]
    assert items == ["LOE-7", "LOE-8"]
    assert 'id="lines-without-count">2 of 8</strong>' in page


def test_project_team_links_and_unlinks_evidence_from_the_line_page(scenario, member_client):
    client = member_client(scenario, Role.PROJECT_TEAM)
    url = reverse("desk:line-link", args=[scenario.slug, "LOE-7"])
    document = LibraryDocument.objects.get(inspection=scenario, ref="permanence-strategy")
    assert (
        client.post(
            url, {"kind": "document", "action": "link", "document": document.pk}
        ).status_code
        == 302
    )
    assert (
        client.post(url, {"kind": "child", "action": "link", "child_id": "C104871"}).status_code
        == 302
    )
    line = LineOfEnquiry.objects.get(inspection=scenario, ref="LOE-7")
    assert ([d.title for d in line.documents.all()], line.child_ids) == (
        ["Permanence strategy"],
        ["C104871"],
    )
    page = client.get(reverse("desk:lines", args=[scenario.slug])).content.decode()
    assert "No evidence yet" not in _sections(page)["LOE-7"]
    bad = client.post(url, {"kind": "child", "action": "link", "child_id": "Jane Smith"})
    assert bad.status_code == 400
    assert (
        client.post(
            url, {"kind": "document", "action": "unlink", "document": document.pk}
        ).status_code
        == 302
    )
    assert list(line.documents.all()) == []


def test_adding_a_line_numbers_it_and_needs_the_project_team(
    scenario, member_client, django_user_model
):
    client = member_client(scenario, Role.PROJECT_TEAM)
    response = client.post(
        reverse("desk:line-new", args=[scenario.slug]),
        {"title": "Children missing education", "status": "open", "owner": ""},
    )
    assert response.status_code == 302
    line = LineOfEnquiry.objects.get(inspection=scenario, ref="LOE-9")
    assert (line.title, line.from_setup_meeting) == ("Children missing education", False)
    staff = member_client(scenario, Role.STAFF)
    assert staff.get(reverse("desk:lines", args=[scenario.slug])).status_code == 200
    assert (
        staff.post(
            reverse("desk:line-new", args=[scenario.slug]), {"title": "x", "status": "open"}
        ).status_code
        == 403
    )
    user = django_user_model.objects.create_user("viewer-x")
    scenario.memberships.create(user=user, role=Role.VIEWER)
    with pytest.raises(NotAllowed):
        service.add_line(scenario, title="x", actor=user)


def test_child_ids_on_the_register_are_the_project_teams(scenario, member_client):
    viewer = member_client(scenario, Role.VIEWER)
    page = viewer.get(reverse("desk:lines", args=[scenario.slug])).content.decode()
    assert ("C105102" in page, "2 children" in _sections(page)["LOE-2"]) == (False, True)
