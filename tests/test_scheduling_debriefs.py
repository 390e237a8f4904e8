"""Senior leaders debrief each deep-dive practitioner after the case discussion (report 7.76)."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence.models import DeepDive
from inspections.models import PersonKind
from scheduling.models import Meeting, MeetingStatus
from scheduling.problem_builder import build
from scheduling.solver import greedy
from tests.test_solver_rules import meeting, problem

LEADERS = {"sl-ad-safeguarding", "sl-hos-cic", "sl-hos-qa"}


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _debriefs(inspection):
    return (
        Meeting.objects.for_inspection(inspection)
        .filter(meeting_type__key="staff_debrief")
        .with_people()
        .order_by("ref")
    )


def test_each_deep_dive_has_a_council_only_debrief_with_its_worker(scenario):
    debriefs = list(_debriefs(scenario))
    assert len(debriefs) == 12
    for d in debriefs:
        (case,) = d.follows.all()
        assert case.ref.startswith("case-") and case.meeting_type.key == "case_discussion"
        assert d.inspector_rule == "none" and not d.required_inspectors.exists()
        refs = {p.ref for p in d.attendees.all()}
        # the case discussion's worker (its team manager and auditor are not debriefed here)
        worker = DeepDive.objects.get(inspection=scenario, child_id=case.child_ids[0]).worker.ref
        assert worker in {p.ref for p in case.attendees.all()}
        assert refs - LEADERS == {worker} and len(refs & LEADERS) == 1
        assert all(
            p.kind in (PersonKind.PRACTITIONER, PersonKind.SENIOR_LEADER) for p in d.attendees.all()
        )
        assert d.window_days == case.window_days and d.child_ids == case.child_ids
        assert d.mode == "teams" and d.duration <= 30
    # the scenario's 75 fieldwork meetings stay 75: a debrief is council-internal
    assert Meeting.objects.for_inspection(scenario).fieldwork().count() == 75


def test_reloading_the_scenario_keeps_the_same_debriefs_and_links(scenario):
    before = {d.ref: (d.pk, [m.pk for m in d.follows.all()]) for d in _debriefs(scenario)}
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    after = {d.ref: (d.pk, [m.pk for m in d.follows.all()]) for d in _debriefs(scenario)}
    assert after == before


def test_the_solver_reads_follows_as_before_on_the_discussion(scenario):
    built = build(scenario)
    by_id = {m.id: m for m in built.problem.meetings}
    for d in _debriefs(scenario):
        (case,) = d.follows.all()
        assert str(d.pk) in by_id[str(case.pk)].before
        assert by_id[str(d.pk)].before == ()


def test_a_cancelled_discussion_drops_the_link(scenario):
    debrief = _debriefs(scenario).first()
    case = debrief.follows.get()
    Meeting.objects.filter(pk=case.pk).update(status=MeetingStatus.CANCELLED)
    built = build(scenario)
    assert str(case.pk) not in {m.id for m in built.problem.meetings}
    assert all(str(debrief.pk) not in m.before for m in built.problem.meetings)


def test_greedy_places_a_later_meeting_after_its_predecessor():
    # "d" is more constrained, so first-fit would take it first and put it at 08:30
    prob = problem(
        meeting("c", attendees=("p1",), before=("d",)),
        meeting("d", inspectors=(), attendees=("p1", "p2"), duration=30),
    )
    sol = greedy(prob)
    assert sol.placements["c"].start + 60 <= sol.placements["d"].start
    assert sol.soft["before"] == 0


@pytest.fixture
def published(scenario):
    out = io.StringIO()
    call_command(
        "plan_meetings", scenario.slug, "--publish", "--json", "--time-limit", "2", stdout=out
    )
    return scenario, json.loads(out.getvalue())


def test_published_plan_places_every_meeting_with_debriefs_after_discussions(published):
    scenario, data = published
    total = Meeting.objects.for_inspection(scenario).active().count()
    assert data["placed"] == data["total"] == total >= 122 and data["unplaced"] == []
    assert data["soft"]["before"] == 0
    out = io.StringIO()
    call_command("check_plan", scenario.slug, "--json", stdout=out)  # exits 1 on a violation
    assert json.loads(out.getvalue()) == {"violations": [], "unplaced": []}
    for d in _debriefs(scenario):
        (case,) = d.follows.all()
        assert d.start is not None and case.end <= d.start, d.title
    release = scenario.releases.get()
    rows = {rm.meeting_pk: rm for rm in release.meetings.all()}
    for d in _debriefs(scenario):
        case = d.follows.get()
        assert rows[case.pk].end <= rows[d.pk].start


def test_meeting_pages_show_the_debrief_relation(scenario, staff_client):
    debrief = _debriefs(scenario).first()
    case = debrief.follows.get()
    page = staff_client.get(reverse("scheduling:meeting", args=[scenario.slug, debrief.pk]))
    html = page.content.decode()
    assert "Debrief after" in html and case.title in html
    assert reverse("scheduling:meeting", args=[scenario.slug, case.pk]) in html
    page = staff_client.get(reverse("scheduling:meeting", args=[scenario.slug, case.pk]))
    assert "Followed by" in page.content.decode() and debrief.title in page.content.decode()
