"""Case tracking as it arrives: a child ID named on day 7, the worker proposed from the Annexe A
mapping, a slot found within two working days with the fewest moves and none confirmed."""

import csv
import datetime as dt
import io
import random

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from ui_browser import axe_violations, chromium, load_scenario_and_user, log_in

from annex_a.models import ChildAllocation
from annex_a.sample import counts_for, sample_rows, write_sample_workbook, write_workbook
from annex_a.services.checks import check_files_inline
from annex_a.services.lists import annex_a_spec
from desk.models import CaseTrackingRequest, TrackingKind, TrackingStatus
from desk.services import tracking
from evidence.services.invitees import is_team_manager
from inspections.calendar import local_date, to_utc
from inspections.models import Person, PersonKind, Role, Task
from inspections.services.errors import DomainError
from scheduling.conflicts import PlanConflict
from scheduling.editing import Proposal, move_meeting, set_status
from scheduling.models import Meeting, MeetingStatus, Unavailability
from scheduling.planning import check_draft
from scheduling.slots import StaleProposal

# Deterministic solver budget for finding a slot (see tests/test_scheduling_replan.py).
SLOT_BUDGET = {"time_limit": 60.0, "deterministic_time": 0.3}
CHILD = "C201777"


def _allocation_columns():
    return {f.name for f in ChildAllocation._meta.get_fields()}


def _worker(inspection):
    """A safeguarding social worker whose team has a team manager."""
    return (
        Person.objects.filter(
            inspection=inspection,
            kind=PersonKind.PRACTITIONER,
            team__startswith="Safeguarding",
            job_title="Social worker",
        )
        .order_by("ref")
        .first()
    )


def _list_7_csv(inspection, worker_name, team, child_id=CHILD, rows=5):
    """List 7 (child protection) as a CSV: sample rows, the first naming our child and worker."""
    spec = annex_a_spec().get(7)
    headers = [c.name for c in spec.columns]
    body = [list(r) for r in sample_rows(spec, inspection.day_one, rows, random.Random(7))]
    body[0][headers.index("Child Unique ID")] = child_id
    body[0][headers.index("Allocated Worker")] = worker_name
    body[0][headers.index("Allocated Team")] = team
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in body:
        writer.writerow(["" if v is None else v for v in row])
    return io.BytesIO(out.getvalue().encode())


def test_a_check_keeps_only_child_id_worker_and_team(scenario):
    buffer = io.BytesIO()
    write_sample_workbook(buffer, annex_a_spec(), scenario.day_one, counts_for(300))
    check, report = check_files_inline(scenario, [("annex.xlsx", io.BytesIO(buffer.getvalue()))])
    assert check.status == "done"
    rows = list(ChildAllocation.objects.filter(inspection=scenario))
    # every child on a list carrying worker and team (lists 3 to 9), once each
    expected = set()
    wb = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    for number in range(3, 10):
        sheet = wb[f"List {number}"]
        values = list(sheet.values)
        header = list(values[0])
        ids = header.index("Child Unique ID")
        expected |= {r[ids] for r in values[1:]}
    assert {r.child_id for r in rows} == expected
    assert all(r.check_run_id == check.pk for r in rows)
    # the highest list a child is on gives the entry, and only worker and team are kept
    sample = next(r for r in rows if r.child_id == "C000001")
    assert sample.list_number == 9
    values = list(wb["List 9"].values)
    header = list(values[0])
    assert (sample.worker, sample.team) == (
        values[1][header.index("Allocated Worker")],
        values[1][header.index("Allocated Team")],
    )
    assert _allocation_columns() == {
        "id",
        "inspection",
        "check_run",
        "child_id",
        "worker",
        "team",
        "list_number",
    }


def test_a_new_check_replaces_the_mapping_and_one_without_the_lists_keeps_it(scenario):
    worker = _worker(scenario)
    check_files_inline(scenario, [("List 7.csv", _list_7_csv(scenario, "Worker 1", "Team A"))])
    assert ChildAllocation.objects.filter(inspection=scenario).count() == 5
    check_files_inline(
        scenario, [("List 7.csv", _list_7_csv(scenario, worker.full_name, worker.team, rows=2))]
    )
    got = list(
        ChildAllocation.objects.filter(inspection=scenario).values_list(
            "child_id", "worker", "team", "list_number"
        )
    )
    assert len(got) == 2 and (CHILD, worker.full_name, worker.team, 7) in got
    # contacts only: no worker or team columns, so the mapping stays as it was
    spec = annex_a_spec().get(1)
    contacts = io.BytesIO()
    write_workbook(
        contacts,
        [
            (
                "List 1",
                [c.name for c in spec.columns],
                sample_rows(spec, scenario.day_one, 3, random.Random(1)),
            )
        ],
    )
    check_files_inline(scenario, [("annex.xlsx", io.BytesIO(contacts.getvalue()))])
    assert ChildAllocation.objects.filter(inspection=scenario).count() == 2


def _name_on_day_7(inspection, inspector, **kwargs):
    date = inspection.calendar.date_for_day(7)
    return tracking.name_child(
        None,
        inspection,
        CHILD,
        TrackingKind.DISCUSSION,
        inspector,
        to_utc(date, dt.time(11, 0)),
        **kwargs,
    )


def test_naming_a_child_proposes_the_worker_and_team_manager_from_the_mapping(scenario):
    worker = _worker(scenario)
    check_files_inline(
        scenario, [("List 7.csv", _list_7_csv(scenario, worker.full_name.upper(), worker.team))]
    )
    inspector = scenario.inspectors.filter(role="team").order_by("ref").first()
    request = _name_on_day_7(scenario, inspector)
    manager = Person.objects.get(
        inspection=scenario, team=worker.team, job_title__icontains="manager"
    )
    assert (request.worker, request.manager, request.worker_source) == (worker, manager, "annex_a")
    assert tracking.window_days(request) == (8, 9)
    # the coordinator's override is kept as entered
    other = (
        Person.objects.filter(inspection=scenario, kind=PersonKind.PRACTITIONER)
        .exclude(team=worker.team)
        .order_by("ref")
        .first()
    )
    request2 = tracking.name_child(
        None, scenario, "C201778", TrackingKind.TRACKING, inspector, request.named_at, worker=other
    )
    assert (request2.worker, request2.worker_source) == (other, "entered")


def _slots(inspection):
    return {
        m.pk: (m.start, m.room_id, tuple(sorted(i.pk for i in m.assigned_inspectors.all())))
        for m in Meeting.objects.for_inspection(inspection).with_people()
    }


def _crowded(inspection):
    """A case discussion moved by hand from day 7 to day 8 (the plan leaves day 8 light): its
    worker and team inspector are the new request's, and the worker's only free time on days
    8 and 9 is that meeting's, so the new meeting can only go where it is."""
    cal = inspection.calendar
    day_7 = to_utc(cal.date_for_day(7), dt.time(0))
    day_8 = to_utc(cal.date_for_day(8), dt.time(0))
    day_10 = to_utc(cal.date_for_day(10), dt.time(0))
    candidates = (
        Meeting.objects.for_inspection(inspection)
        .placed()
        .filter(
            start__gte=day_7 + dt.timedelta(hours=10),
            start__lt=day_8,
            meeting_type__key="case_discussion",
            assigned_inspectors__role="team",
        )
        .order_by("start", "pk")
    )
    # its worker: the one practitioner in it who is not a manager (the team manager and the
    # auditor attend too: evidence.services.invitees); the first such that fits on day 8
    for target in candidates:
        workers = [
            p
            for p in target.attendees.filter(kind=PersonKind.PRACTITIONER)
            if not is_team_manager(p)
        ]
        if len(workers) != 1:
            continue
        try:
            move_meeting(
                target,
                Proposal(
                    target.start + (day_8 - day_7),
                    target.room,
                    tuple(target.assigned_inspectors.all()),
                ),
                opened_version=target.version,
            )
        except PlanConflict:
            continue
        break
    else:
        pytest.fail("no case discussion on day 7 moves to day 8")
    target.refresh_from_db()
    (worker,) = workers
    inspector = target.assigned_inspectors.get(role="team")
    return worker, inspector, target, (day_8, day_10)


def test_a_child_named_on_day_7_is_booked_on_day_8_or_9_moving_only_what_the_diff_lists(
    published,
):
    inspection = published
    worker, inspector, target, (day_8, day_10) = _crowded(inspection)
    check_files_inline(
        inspection, [("List 7.csv", _list_7_csv(inspection, worker.full_name, worker.team))]
    )
    # The worker is in court on days 8 and 9 but for an hour and a half from the start of
    # their meeting `target`: the new meeting (and its debrief) can only go where it is now.
    Unavailability.objects.create(
        inspection=inspection, person=worker, start=day_8, end=target.start, reason="court"
    )
    Unavailability.objects.create(
        inspection=inspection,
        person=worker,
        start=target.start + dt.timedelta(minutes=90),
        end=day_10,
        reason="court",
    )
    # Every meeting on days 8 and 9 but `target` is confirmed, and every other one elsewhere;
    # but for whatever holds the debriefing leader just after `target` (it may move instead).
    leader = tracking.senior_leader_for(inspection, worker)
    debrief_time = (target.end, target.start + dt.timedelta(minutes=90))
    leaders = set(
        Meeting.objects.for_inspection(inspection)
        .between(*debrief_time)
        .filter(attendees=leader)
        .values_list("pk", flat=True)
    )
    confirmed = set()
    others = Meeting.objects.for_inspection(inspection).placed().exclude(pk=target.pk)
    for n, meeting in enumerate(others.order_by("pk")):
        if meeting.pk in leaders:
            continue
        if n % 2 == 0 or day_8 <= meeting.start < day_10:
            set_status(meeting, MeetingStatus.CONFIRMED, opened_version=meeting.version)
            confirmed.add(meeting.pk)
    assert len(confirmed) > 60
    request = _name_on_day_7(inspection, inspector)
    assert request.worker == worker and request.worker_source == "annex_a"

    before = _slots(inspection)
    offer = tracking.find_slot(None, request, mode="teams", **SLOT_BUDGET)
    assert before == _slots(inspection)  # finding a slot writes nothing
    proposal = offer.proposal
    assert proposal.day in (8, 9)
    assert target.pk in {m.meeting_id for m in proposal.moves}

    meeting = tracking.accept(None, request, offer.token)
    after = _slots(inspection)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert sorted(m.meeting_id for m in proposal.moves) == sorted(changed)
    assert not changed & confirmed
    assert check_draft(inspection)[0] == []

    meeting = Meeting.objects.with_people().get(pk=meeting.pk)
    assert inspection.calendar.day_for_date(local_date(meeting.start)) in (8, 9)
    assert meeting.start == proposal.case.start
    assert meeting.meeting_type.key == "case_discussion"
    assert meeting.child_ids == [CHILD]
    assert set(meeting.attendees.all()) == {worker, request.manager}
    assert list(meeting.required_inspectors.all()) == [inspector]
    assert list(meeting.assigned_inspectors.all()) == [inspector]
    assert meeting.status == MeetingStatus.PLANNED

    debrief = Meeting.objects.with_people().get(follows=meeting)
    assert debrief.meeting_type.key == "staff_debrief"
    assert debrief.start >= meeting.end and debrief.start == proposal.debrief.start
    assert worker in debrief.attendees.all()
    assert any(p.kind == PersonKind.SENIOR_LEADER for p in debrief.attendees.all())

    task = Task.objects.get(inspection=inspection, key=f"record-qa-{meeting.pk}")
    assert (task.template_key, task.owner) == ("", request.manager)
    assert task.due_at == meeting.start - dt.timedelta(hours=1)

    request.refresh_from_db()
    assert (request.status, request.meeting) == (TrackingStatus.BOOKED, meeting)


def test_a_stale_proposal_is_refused_and_nothing_is_booked(published):
    inspection = published
    worker = _worker(inspection)
    inspector = inspection.inspectors.filter(role="team").order_by("ref").first()
    request = _name_on_day_7(inspection, inspector, worker=worker)
    offer = tracking.find_slot(None, request, **SLOT_BUDGET)
    # someone confirms a meeting meanwhile
    meeting = Meeting.objects.for_inspection(inspection).placed().order_by("pk").first()
    set_status(meeting, MeetingStatus.CONFIRMED, opened_version=meeting.version)
    before = _slots(inspection)
    count = Meeting.objects.count()
    with pytest.raises(StaleProposal, match="timetable changed"):
        tracking.accept(None, request, offer.token)
    assert _slots(inspection) == before and Meeting.objects.count() == count
    request.refresh_from_db()
    assert (request.status, request.meeting) == (TrackingStatus.NAMED, None)
    with pytest.raises(DomainError, match="could not be read"):
        tracking.accept(None, request, offer.token + "x")


def test_pages_are_for_the_project_team_and_above(scenario, member_client):
    url = reverse("desk:tracking", args=[scenario.slug])
    for role, status in ((Role.VIEWER, 403), (Role.STAFF, 403), (Role.PROJECT_TEAM, 200)):
        assert member_client(scenario, role).get(url).status_code == status
    staff = member_client(scenario, Role.STAFF)
    new = reverse("desk:tracking-new", args=[scenario.slug])
    assert staff.post(new, {"child_id": CHILD}).status_code == 403
    assert not CaseTrackingRequest.objects.exists()


def test_naming_a_child_in_the_page_prefills_and_saves(scenario, member_client):
    worker = _worker(scenario)
    check_files_inline(
        scenario, [("List 7.csv", _list_7_csv(scenario, worker.full_name, worker.team))]
    )
    client = member_client(scenario, Role.PROJECT_TEAM)
    new = reverse("desk:tracking-new", args=[scenario.slug])
    page = client.get(new, {"child_id": CHILD}).content.decode()
    assert f'value="{worker.pk}" selected' in page
    inspector = scenario.inspectors.filter(role="team").order_by("ref").first()
    response = client.post(
        new,
        {
            "child_id": CHILD,
            "kind": "case_discussion",
            "inspector": inspector.pk,
            "within_days": "2",
            "worker": "",
            "manager": "",
        },
    )
    assert response.status_code == 302
    request = CaseTrackingRequest.objects.get()
    assert (request.child_id, request.worker, request.worker_source) == (CHILD, worker, "annex_a")
    bad = client.post(
        new, {"child_id": "Jane Smith", "kind": "case_discussion", "within_days": "2"}
    )
    assert bad.status_code == 400 and "Jane Smith" not in bad.content.decode()


def test_the_slot_page_offers_the_search_and_refuses_a_tampered_proposal(scenario, member_client):
    worker = _worker(scenario)
    request = _name_on_day_7(scenario, None, worker=worker)
    client = member_client(scenario, Role.PROJECT_TEAM)
    page = client.get(reverse("desk:tracking-slot", args=[scenario.slug, request.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Day 8, Day 9" in html and "Find a slot</button>" in html
    accept = reverse("desk:tracking-accept", args=[scenario.slug, request.pk])
    response = client.post(accept, {"token": "not-a-proposal"}, follow=True)
    assert "could not be read" in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.meeting) == (TrackingStatus.NAMED, None)
    listing = client.get(reverse("desk:tracking", args=[scenario.slug])).content.decode()
    assert CHILD in listing and "Find a slot" in listing


@pytest.mark.browser
def test_tracking_pages_have_no_serious_or_critical_axe_violations(
    transactional_db, live_server, django_user_model
):
    inspection = load_scenario_and_user(django_user_model)
    request = _name_on_day_7(inspection, None, worker=_worker(inspection))
    paths = [
        reverse("desk:tracking", args=[inspection.slug]),
        reverse("desk:tracking-new", args=[inspection.slug]) + f"?child_id={CHILD}",
        reverse("desk:tracking-slot", args=[inspection.slug, request.pk]),
    ]
    failures = {}
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, live_server.url)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            found = axe_violations(page)
            if found:
                failures[path] = found
        # the name-a-child form's error summary
        page.goto(live_server.url + paths[1])
        page.get_by_label("Child ID", exact=True).fill("Jane Smith")
        page.get_by_role("button", name="Save and find a slot").click()
        assert "There is a problem" in page.content() and "Jane Smith" not in page.content()
        found = axe_violations(page)
        if found:
            failures["error summary"] = found
    assert failures == {}
