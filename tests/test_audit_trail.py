"""The audit trail: who changed what, when, before and after; on each object's page, in the
coordinators' filterable log, and in its Excel export."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from annex_a.models import AnnexAList
from calendars import tokens
from calendars.models import FeedToken
from evidence.models import DocumentStatus, LibraryDocument
from inspections.calendar import LONDON
from inspections.history import SYSTEM, changes_of
from inspections.models import Membership, Role, TaskStatus
from scheduling import solver
from scheduling.editing import Proposal, _placement
from scheduling.models import Meeting, Mode, Room
from scheduling.planning import plan
from scheduling.problem_builder import build, current_placements


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _later() -> dt.datetime:
    """A whole minute an hour ahead, UK time: after the rows the fixtures wrote (and within
    the session's 8 hours)."""
    now = timezone.now().astimezone(LONDON).replace(second=0, microsecond=0)
    return now + dt.timedelta(hours=1)


def _shown(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LONDON):%a %-d %b %Y %H:%M}"


@pytest.fixture
def planned(scenario):
    plan(scenario, time_limit=0.5, fresh=True)
    return scenario


def _log(client, inspection, **filters):
    response = client.get(reverse("planner:history", args=[inspection.slug]), filters)
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def _day(date: dt.date) -> dict[str, str]:
    return {"day-day": str(date.day), "day-month": str(date.month), "day-year": str(date.year)}


def _fields(change):
    return {f.field: (f.before, f.after) for f in change.fields}


def _free_move(inspection):
    """An in-person meeting, and another start and room for it that break no rule (checked
    against one build of the draft, as check_proposal does for each proposal)."""
    built = build(inspection, draft=True)
    placements = current_placements(built)
    meetings = (
        Meeting.objects.for_inspection(inspection)
        .placed()
        .filter(mode=Mode.IN_PERSON, room__isnull=False)
        .select_related("room__venue")
    )
    for meeting in meetings:
        rooms = Room.objects.filter(venue=meeting.room.venue_id).exclude(pk=meeting.room_id)
        inspectors = tuple(meeting.assigned_inspectors.all())
        for minutes, room in itertools.product((15, -15, 30, -30, 45, -45, 60, -60), rooms):
            start = meeting.start + dt.timedelta(minutes=minutes)
            proposal = Proposal(start, room, inspectors)
            trial = placements | {
                str(meeting.pk): _placement(meeting, proposal, built.minute(start))
            }
            if not [v for v in solver.check(built.problem, trial) if str(meeting.pk) in v.meetings]:
                return meeting, proposal
    pytest.fail("no meeting can move to a free slot and room")


def test_moving_a_meeting_records_who_when_and_the_old_and_new_start_and_room(
    planned, staff_client
):
    meeting, move = _free_move(planned)
    old_start, old_room = meeting.start, meeting.room
    new_start = move.start.astimezone(LONDON)
    moment = _later()
    with time_machine.travel(moment, tick=False):
        response = staff_client.post(
            reverse("scheduling:meeting-edit", args=[planned.slug, meeting.pk]),
            {
                "day": str(planned.calendar.day_for_date(new_start.date())),
                "time": f"{new_start:%H:%M}",
                "room": str(move.room.pk),
                "inspectors": [i.ref for i in move.inspectors],
                "version": str(meeting.version),
            },
        )
    assert response["Location"] == reverse("scheduling:meeting", args=[planned.slug, meeting.pk])

    latest = changes_of(meeting)[0]
    assert latest.who == "coordinator" and latest.when == moment
    fields = _fields(latest)
    assert fields["Start"] == (_shown(old_start), _shown(new_start))
    assert fields["Room"] == (str(old_room), str(move.room))
    # the meeting's page shows it in its History section
    page = staff_client.get(reverse("scheduling:meeting", args=[planned.slug, meeting.pk]))
    history = page.context["history"]
    assert history[0].history_id == latest.history_id
    assert "History" in page.content.decode() and str(move.room) in page.content.decode()


def test_a_task_status_change_is_in_the_log_with_before_and_after(scenario, staff_client):
    task = scenario.tasks.filter(status=TaskStatus.TODO, depends_on__isnull=True).first()
    response = staff_client.post(
        reverse("planner:task-status", args=[scenario.slug, task.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    change = _log(staff_client, scenario, kind="task").context["changes"][0]
    assert (change.kind, change.object_label, change.who) == ("Task", task.title, "coordinator")
    assert _fields(change)["Status"] == ("To do", "Done")


def test_a_bulk_library_status_change_leaves_a_change_for_each_document(scenario, staff_client):
    documents = list(
        LibraryDocument.objects.for_inspection(scenario).filter(status=DocumentStatus.REQUESTED)[:2]
    )
    response = staff_client.post(
        reverse("evidence:library-status", args=[scenario.slug]),
        {"documents": [d.pk for d in documents], "new_status": "uploaded"},
    )
    assert response.status_code == 302
    changes = _log(staff_client, scenario, kind="library").context["changes"]
    assert {c.object_label for c in changes[:2]} == {d.title for d in documents}
    assert all(_fields(c)["Status"] == ("Requested", "Uploaded") for c in changes[:2])


def test_an_annex_a_checklist_tick_is_in_the_log(scenario, staff_client):
    lst = AnnexAList.objects.get(inspection=scenario, number=5)
    ticked = [field for field, _, done in lst.checklist() if done]
    staff_client.post(
        reverse("annex_a:checklist", args=[scenario.slug, 5]), {"done": [*ticked, "reconciled"]}
    )
    change = _log(staff_client, scenario, kind="annex_a").context["changes"][0]
    assert change.object_label == str(lst)
    assert _fields(change)["Reconciled"] == ("No", "Yes")
    tracker = staff_client.get(reverse("annex_a:tracker", args=[scenario.slug]))
    assert tracker.context["history"][0].history_id == change.history_id


def test_a_membership_role_change_is_in_the_log(scenario, staff_client, member_client):
    member_client(scenario, Role.STAFF)
    membership = Membership.objects.get(inspection=scenario, role=Role.STAFF)
    response = staff_client.post(
        reverse("inspections:member-change", args=[scenario.slug, membership.pk]),
        {"action": "role", "role": "project_team"},
    )
    assert response.status_code == 302
    change = _log(staff_client, scenario, kind="member").context["changes"][0]
    assert (change.object_label, change.who) == (membership.user.username, "coordinator")
    assert _fields(change)["Role"] == ("Staff", "Project team")
    members = staff_client.get(reverse("inspections:members", args=[scenario.slug]))
    assert members.context["history"][0].history_id == change.history_id


def test_feed_links_shown_regenerated_and_revoked_are_each_in_the_log(scenario, staff_client):
    action = reverse("calendars:link-action", args=[scenario.slug])
    staff_client.post(action, {"action": "create"})
    token = FeedToken.objects.get(inspection=scenario, kind="inspection")
    first_secret = tokens.secret_for(token)
    moment = _later()
    with time_machine.travel(moment, tick=False):
        staff_client.post(action, {"action": "show", "token": token.pk})
    with time_machine.travel(moment + dt.timedelta(minutes=1), tick=False):
        staff_client.post(action, {"action": "regenerate", "token": token.pk})
    token.refresh_from_db()
    second_secret = tokens.secret_for(token)
    with time_machine.travel(moment + dt.timedelta(minutes=2), tick=False):
        staff_client.post(action, {"action": "revoke", "token": token.pk})

    response = _log(staff_client, scenario, kind="feed_link")
    mine = [c for c in response.context["changes"] if c.object_id == token.pk]
    assert [c.reason for c in mine[:3]] == ["revoked", "regenerated", "shown"]
    revoked, regenerated, shown = mine[:3]
    assert _fields(shown)["Last shown at"] == ("—", _shown(moment))
    assert _fields(regenerated)["Regenerated at"][0] == "—"
    assert _fields(revoked)["Revoked at"][0] == "—"
    assert all(c.who == "coordinator" for c in mine[:3])
    # the trail never holds what would rebuild a link
    body = response.content.decode()
    assert first_secret not in body and second_secret not in body
    history_fields = {f.name for f in FeedToken.history.model._meta.fields}
    assert not {"salt", "secret_hash"} & history_fields
    links = staff_client.get(reverse("calendars:links", args=[scenario.slug]))
    assert links.context["history"][0].reason == "revoked"


def test_the_log_filters_by_kind_user_and_day(scenario, staff_client, member_client):
    team = member_client(scenario, Role.PROJECT_TEAM)
    member_client(scenario, Role.STAFF)  # whose role the coordinator changes below
    staff_member = Membership.objects.get(inspection=scenario, role=Role.STAFF)
    task = scenario.tasks.filter(status=TaskStatus.TODO, depends_on__isnull=True).first()
    moment = dt.datetime(2025, 6, 18, 10, 2, tzinfo=LONDON)  # day 3 of the inspection
    with time_machine.travel(moment, tick=False):
        team.post(
            reverse("planner:task-status", args=[scenario.slug, task.pk]),
            {"status": "in_progress"},
        )
    staff_client.post(
        reverse("inspections:member-change", args=[scenario.slug, staff_member.pk]),
        {"action": "role", "role": "viewer"},
    )
    team_user = Membership.objects.get(inspection=scenario, role=Role.PROJECT_TEAM).user

    by_team = _log(staff_client, scenario, user=str(team_user.pk)).context["changes"]
    assert [(c.kind, c.object_label) for c in by_team] == [("Task", task.title)]
    members = _log(staff_client, scenario, kind="member").context["changes"]
    assert members and {c.kind for c in members} == {"Membership"}
    assert members[0].who == "coordinator"
    on_the_day = _log(staff_client, scenario, **_day(moment.date())).context["changes"]
    assert [c.object_label for c in on_the_day] == [task.title]
    the_day_before = moment.date() - dt.timedelta(days=1)
    assert _log(staff_client, scenario, **_day(the_day_before)).context["changes"] == []
    bad = staff_client.get(reverse("planner:history", args=[scenario.slug]), {"kind": "passwords"})
    assert bad.status_code == 400 and "What changed: choose a kind from the list" in (
        bad.content.decode()
    )


def test_the_excel_export_lists_the_same_changes_as_the_log(scenario, staff_client):
    task = scenario.tasks.filter(status=TaskStatus.TODO, depends_on__isnull=True).first()
    staff_client.post(
        reverse("planner:task-status", args=[scenario.slug, task.pk]), {"status": "done"}
    )
    changes = _log(staff_client, scenario, kind="task").context["changes"]
    response = staff_client.get(
        reverse("planner:history-export", args=[scenario.slug]), {"kind": "task"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="shropshire-2025-history.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["History"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("When (UK time)", "Who", "Kind", "Object")
    expected = [
        (c.who, c.kind, c.object_label, c.action, f.field, f.before, f.after)
        for c in changes
        for f in (c.fields or [None])
        if f is not None
    ]
    got = [(r[1], r[2], r[3], r[4], r[6], r[7], r[8]) for r in rows[1:] if r[6]]
    assert got[: len(expected)] == expected
    assert ("coordinator", "Task", task.title, "Changed", "Status", "To do", "Done") in got


def test_a_project_team_member_cannot_open_the_log(scenario, member_client):
    team = member_client(scenario, Role.PROJECT_TEAM)
    assert team.get(reverse("planner:history", args=[scenario.slug])).status_code == 403
    export = reverse("planner:history-export", args=[scenario.slug])
    assert team.get(export).status_code == 403


def test_a_management_command_s_change_is_shown_as_system(
    scenario, staff_client, django_user_model
):
    django_user_model.objects.create_user("newcomer")
    call_command("grant", "newcomer", scenario.slug, "viewer", stdout=io.StringIO())
    change = _log(staff_client, scenario, kind="member").context["changes"][0]
    assert (change.object_label, change.action, change.who) == ("newcomer", "Created", SYSTEM)
    system_only = _log(staff_client, scenario, user=SYSTEM).context["changes"]
    assert system_only and all(c.who == SYSTEM for c in system_only)


def test_reloading_the_scenario_adds_nothing_to_the_log(scenario, staff_client):
    before = _log(staff_client, scenario).context["page"].paginator.count
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    assert _log(staff_client, scenario).context["page"].paginator.count == before


def test_moving_day_one_records_each_meeting_it_takes_off_the_timetable(planned, staff_client):
    meeting = Meeting.objects.for_inspection(planned).placed().first()
    staff_client.post(
        reverse("planner:settings", args=[planned.slug]),
        {"day_one-day": "23", "day_one-month": "6", "day_one-year": "2025", "confirm": "yes"},
    )
    meeting.refresh_from_db()
    assert meeting.start is None
    latest = changes_of(meeting)[0]
    assert latest.who == "coordinator" and _fields(latest)["Start"][1] == "—"
