"""Case discussions invite the child's worker and team manager, and for a child on the audit
list the auditor too (issue 13, point 3; report 7.53, 7.82): one rule
(evidence.services.invitees) for the scenario's case discussions and the desk's proposal."""

from __future__ import annotations

import datetime as dt

import pytest

from annex_a.models import ChildAllocation, FileCheck
from desk.services.tracking import propose_people
from evidence.models import Audit, DeepDive, Judgement
from evidence.services.invitees import case_invitees
from inspections.models import Person, PersonKind
from inspections.services.inspections import create_inspection
from scheduling.models import Meeting

AUDITED, NOT_AUDITED = "C300001", "C300002"


@pytest.fixture
def team(db):
    inspection = create_inspection(
        slug="t",
        title="T",
        local_authority="Shropshire",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )

    def person(ref, job, team="Assessment"):
        return Person.objects.create(
            inspection=inspection,
            ref=ref,
            full_name=ref.title(),
            kind=PersonKind.PRACTITIONER,
            job_title=job,
            team=team,
        )

    people = {
        "worker": person("worker", "Social worker"),
        "manager": person("manager", "Team manager"),
        "auditor": person("auditor", "IRO manager", team="Independent reviewing officers"),
    }
    Audit.objects.create(
        inspection=inspection,
        ref="a1",
        child_id=AUDITED,
        audit_date=dt.date(2025, 5, 1),
        audit_type="Collaborative case audit",
        judgement=Judgement.GOOD,
        auditor=people["auditor"],
    )
    return inspection, people


def test_the_worker_and_team_manager_are_always_invited(team):
    inspection, p = team
    assert case_invitees(inspection, NOT_AUDITED, p["worker"]).people == [p["worker"], p["manager"]]


def test_the_auditor_is_invited_only_for_a_child_on_the_audit_list(team):
    inspection, p = team
    invited = case_invitees(inspection, AUDITED, p["worker"])
    assert invited.people == [p["worker"], p["manager"], p["auditor"]]
    # a team manager holding the case is invited once
    assert case_invitees(inspection, AUDITED, p["manager"]).people == [p["manager"], p["auditor"]]


def test_the_desk_proposes_the_auditor_with_the_worker_and_manager(team):
    inspection, p = team
    check = FileCheck.objects.create(inspection=inspection)
    for child in (AUDITED, NOT_AUDITED):
        ChildAllocation.objects.create(
            inspection=inspection,
            check_run=check,
            child_id=child,
            worker="Worker",
            team="Assessment",
        )
    audited, other = propose_people(inspection, AUDITED), propose_people(inspection, NOT_AUDITED)
    assert (audited.worker, audited.manager, audited.auditor) == (
        p["worker"],
        p["manager"],
        p["auditor"],
    )
    assert (other.worker, other.manager, other.auditor) == (p["worker"], p["manager"], None)


def _manager_of(scenario, team):
    return (
        Person.objects.filter(inspection=scenario, team=team, job_title__iendswith="manager")
        .order_by("ref")
        .first()
    )


def test_the_scenarios_case_discussions_invite_manager_and_auditor(scenario):
    meetings = Meeting.objects.filter(inspection=scenario, meeting_type__key="case_discussion")
    invited = {m.ref: {p.ref for p in m.attendees.all()} for m in meetings}
    # C104233: an Assessment social worker, the Assessment team manager and the IRO manager
    # who audited the child (seeds: scenario.toml [[deep_dives]], audits.toml auditors)
    assert invited["case-C104233"] == {"prac-024", "prac-023", "prac-083"}
    for dive in DeepDive.objects.filter(inspection=scenario).select_related("worker", "audit"):
        manager = _manager_of(scenario, dive.worker.team)
        expected = {dive.worker.ref, manager.ref, dive.audit.auditor.ref}
        assert (len(expected), invited[f"case-{dive.child_id}"]) == (3, expected)
    audited = set(Audit.objects.filter(inspection=scenario).values_list("child_id", flat=True))
    tracked = [m for m in meetings if m.ref.startswith("track-")]
    assert len(tracked) == 24
    for meeting in tracked:
        people = list(meeting.attendees.all())
        auditor = Audit.objects.filter(inspection=scenario, child_id=meeting.child_ids[0]).first()
        extra = {auditor.auditor.ref} if auditor else set()
        team_people = [p for p in people if p.ref not in extra]
        (team,) = {p.team for p in team_people}
        manager = _manager_of(scenario, team)
        worker = [p.ref for p in team_people if p.ref != manager.ref] or [manager.ref]
        assert invited[meeting.ref] == {*worker, manager.ref, *extra}, meeting.ref
        assert len(worker) == 1 and (meeting.child_ids[0] in audited) == bool(extra)
