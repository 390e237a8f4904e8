"""Requests from inspectors: logging, due-time defaults, numbering, status, roles, the entry
form's errors, the Excel log, the log_request command, day sheets, risks and the feed."""

import datetime as dt
import io
import json
import re
import threading

import icalendar
import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, connections

from calendars import feeds, sources
from desk.models import DueKind, InformationRequest, RequestStatus
from desk.services import requests as service
from inspections.calendar import LONDON
from inspections.childids import HIDDEN_CHILD_ID
from inspections.models import Inspection, Inspector, Membership, Person, Role
from inspections.services.errors import InvalidFields
from planner.services.dashboard import request_risks
from planner.services.daysheet import build_daysheet
from scheduling.models import Meeting, MeetingType

UTC = dt.UTC


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def small(db):
    inspection = Inspection.objects.create(
        slug="small-2025", title="Small ILACS", local_authority="Test", day_one=dt.date(2025, 6, 16)
    )
    Inspector.objects.create(
        inspection=inspection, ref="insp-lead", full_name="Alex Khan", role="lead"
    )
    Inspector.objects.create(
        inspection=inspection, ref="insp-team-1", full_name="Bea Lowe", role="team"
    )
    Person.objects.create(
        inspection=inspection,
        ref="pt-perf",
        full_name="Pat Reid",
        kind="project_team",
        role="performance",
    )
    Person.objects.create(
        inspection=inspection, ref="sw-1", full_name="Chris Dale", kind="practitioner"
    )
    return inspection


def person(inspection, ref):
    return Person.objects.get(inspection=inspection, ref=ref)


def inspector(inspection, ref):
    return Inspector.objects.get(inspection=inspection, ref=ref)


def meeting(inspection, ref, start=None):
    kind = (
        MeetingType.objects.create(
            key=f"t-{ref}",
            name="Meeting",
            group="other",
            duration=60,
            mode="in_person",
            inspector_rule="any",
        )
        if not MeetingType.objects.filter(key=f"t-{ref}").exists()
        else MeetingType.objects.get(key=f"t-{ref}")
    )
    return Meeting.objects.create(
        inspection=inspection,
        ref=ref,
        meeting_type=kind,
        title=f"Meeting {ref}",
        duration=60,
        mode="in_person",
        inspector_rule="any",
        start=start,
        end=start + dt.timedelta(hours=1) if start else None,
    )


def log(inspection, text="Supervision notes for the team", **kw):
    kw.setdefault("received_at", london(2025, 6, 24, 10, 0))
    kw.setdefault("inspector", inspector(inspection, "insp-lead"))
    if "due_at" not in kw and "due_kind" not in kw:
        kw["due_at"] = london(2025, 6, 25, 12, 0)
    return service.log_request(None, inspection, text=text, **kw)


# -- due times ---------------------------------------------------------------------------------
def test_by_end_of_day_is_17_00_that_working_day_else_the_next_one():
    cases = {
        # a Tuesday morning in June (BST): 17:00 the same day
        london(2025, 6, 24, 10, 0): london(2025, 6, 24, 17, 0),
        # after 17:00 on a Friday before the August bank holiday: Tuesday
        london(2025, 8, 22, 17, 30): london(2025, 8, 26, 17, 0),
        # on the Saturday: Tuesday too (Monday 25 August is the Summer bank holiday)
        london(2025, 8, 23, 9, 0): london(2025, 8, 26, 17, 0),
        # on the bank holiday itself
        london(2025, 8, 25, 11, 0): london(2025, 8, 26, 17, 0),
        # a December morning (GMT): 17:00 GMT
        london(2025, 12, 3, 8, 15): london(2025, 12, 3, 17, 0),
    }
    got = {r: service.due_at_for(DueKind.END_OF_DAY, r) for r in cases}
    assert got == cases
    assert got[london(2025, 12, 3, 8, 15)] == dt.datetime(2025, 12, 3, 17, 0, tzinfo=UTC)


def test_within_24_hours_and_before_the_meeting(small):
    received = london(2025, 6, 24, 10, 0)
    assert service.due_at_for(DueKind.WITHIN_24_HOURS, received) == london(2025, 6, 25, 10, 0)
    placed = meeting(small, "m-1", london(2025, 6, 25, 14, 0))
    assert service.due_at_for(DueKind.BEFORE_MEETING, received, meeting=placed) == london(
        2025, 6, 25, 14, 0
    )
    with pytest.raises(InvalidFields) as none:
        service.due_at_for(DueKind.BEFORE_MEETING, received)
    assert none.value.errors == {"meeting": "Meeting: choose the meeting it is due before"}
    unplaced = meeting(small, "m-2")
    with pytest.raises(InvalidFields) as unplaced_error:
        log(small, due_kind=DueKind.BEFORE_MEETING, meeting=unplaced)
    assert list(unplaced_error.value.errors) == ["meeting"]
    row = log(small, due_kind=DueKind.BEFORE_MEETING, meeting=placed)
    assert (row.due_kind, row.due_at) == (DueKind.BEFORE_MEETING, london(2025, 6, 25, 14, 0))


def test_a_given_due_time_wins_and_sets_the_kind_to_a_set_time(small):
    row = log(small, due_kind=DueKind.END_OF_DAY, due_at=london(2025, 6, 24, 15, 0))
    assert (row.due_kind, row.due_at) == (DueKind.AT, london(2025, 6, 24, 15, 0))


# -- numbering, refusals, status ---------------------------------------------------------------
def test_requests_are_numbered_r1_r2_within_each_inspection(small):
    other = Inspection.objects.create(
        slug="other-2025", title="Other", local_authority="Other", day_one=dt.date(2025, 6, 16)
    )
    Inspector.objects.create(inspection=other, ref="insp-lead", full_name="Alex Khan", role="lead")
    labels = [log(small).label, log(small).label, log(other).label, log(small).label]
    assert labels == ["R-1", "R-2", "R-1", "R-3"]


def test_logging_refuses_bad_input_naming_each_field(small):
    other = Inspection.objects.create(
        slug="other-2025", title="Other", local_authority="Other", day_one=dt.date(2025, 6, 16)
    )
    stranger = Inspector.objects.create(inspection=other, ref="x", full_name="X Y", role="lead")
    with pytest.raises(InvalidFields) as exc:
        log(small, text="  ", inspector=stranger, child_id="JANESMITH")
    assert exc.value.errors == {
        "text": "Request: enter what the inspector asked for",
        "child_id": "Child ID: enter a child ID, not a name: a child ID is letters, digits, "
        "hyphens or underscores with at least one digit, no spaces, and at most 32 "
        "characters, such as CH-100234",
        "inspector": "Inspector: choose an inspector of this inspection",
    }
    with pytest.raises(InvalidFields) as early:
        log(small, due_at=london(2025, 6, 24, 9, 0))
    assert early.value.errors == {"due_at": "Due: must be after the request was received"}
    assert InformationRequest.objects.count() == 0


def test_sent_stamps_the_time_and_asked_again_counts_and_reopens(small):
    row = log(small)
    moment = london(2025, 6, 25, 11, 0)
    sent = service.update_request(
        None, row, status=RequestStatus.SENT, response="Uploaded to the portal", at=moment
    )
    assert (sent.status, sent.sent_at, sent.response, sent.is_open) == (
        RequestStatus.SENT,
        moment,
        "Uploaded to the portal",
        False,
    )
    assert list(InformationRequest.objects.open()) == []
    again = service.ask_again(None, sent, due_at=london(2025, 6, 26, 12, 0))
    assert (again.status, again.times_asked, again.sent_at, again.is_open) == (
        RequestStatus.ASKED_AGAIN,
        2,
        None,
        True,
    )
    assert list(InformationRequest.objects.open()) == [again]
    with pytest.raises(InvalidFields) as exc:
        service.ask_again(None, again)
    assert exc.value.errors == {
        "status": "Status: only a request sent or closed can be asked again"
    }


def test_every_change_is_in_the_audit_trail(small, django_user_model):
    user = django_user_model.objects.create_user("pt", password="x", is_superuser=True)
    row = service.log_request(
        user,
        small,
        text="Case file audit tool",
        received_at=london(2025, 6, 24, 10, 0),
        due_at=london(2025, 6, 24, 16, 0),
        inspector=inspector(small, "insp-lead"),
    )
    service.update_request(user, row, status=RequestStatus.IN_HAND)
    service.mark_sent(user, row)
    trail = [(h.history_type, h.status) for h in row.history.order_by("history_date", "pk")]
    assert trail == [("+", "new"), ("~", "in_hand"), ("~", "sent")]


def test_a_staff_member_or_viewer_cannot_log_through_the_service(small, django_user_model):
    user = django_user_model.objects.create_user("staffer")
    Membership.objects.create(inspection=small, user=user, role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        service.log_request(user, small, text="x", due_at=london(2025, 6, 25, 12, 0))


# -- pages and roles -------------------------------------------------------------------------
URL = "/inspections/small-2025/requests/"


def test_the_project_team_logs_from_the_one_line_form(small, member_client):
    team = member_client(small, Role.PROJECT_TEAM)
    page = team.get(URL).content.decode()
    assert 'id="text" name="text" type="text" autocomplete="off" autofocus' in page
    response = team.post(
        URL,
        {
            "text": "Minutes of the corporate parenting board",
            "inspector": "Alex Khan",  # a name works as well as a ref
            "owner": "pt-perf",
            "due_kind": DueKind.WITHIN_24_HOURS,
            "received_at": "2025-06-24 10:00",
        },
    )
    assert response.status_code == 302 and response["Location"] == URL + "?logged=1"
    row = InformationRequest.objects.get()
    assert (row.label, row.inspector.ref, row.owner.ref, row.due_at) == (
        "R-1",
        "insp-lead",
        "pt-perf",
        london(2025, 6, 25, 10, 0),
    )
    page = team.get(response["Location"]).content.decode()
    assert "R-1 logged: due 10:00 Wed 25 Jun." in page
    table = page.split('id="requests"', 1)[1]
    assert "Minutes of the corporate parenting board" in table


def test_the_entry_form_names_each_field_it_refuses(small, member_client):
    team = member_client(small, Role.PROJECT_TEAM)
    response = team.post(
        URL,
        {"text": "", "inspector": "nobody", "due_kind": DueKind.AT, "due_at": "half past"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert [line.split('">', 1)[1].split("<", 1)[0] for line in summary.split("<li>")[1:]] == [
        "Request: enter what the inspector asked for",
        "Inspector: choose an inspector of this inspection",
        "Due time must be a date and time, like 2025-06-25 12:00, 25/06/2025 12:00, "
        "12:00 (today) or tomorrow 12:00",
    ]
    assert InformationRequest.objects.count() == 0
    missing_time = team.post(
        URL, {"text": "Audit tool", "inspector": "insp-lead", "due_kind": DueKind.AT}
    )
    assert "Due time: enter when it is due" in missing_time.content.decode()
    meeting_needed = team.post(
        URL, {"text": "Audit tool", "inspector": "insp-lead", "due_kind": "before_meeting"}
    )
    assert "Meeting: choose the meeting it is due before" in meeting_needed.content.decode()


def test_roles_staff_see_their_own_viewers_counts_outsiders_nothing(
    small, member_client, client, django_user_model
):
    mine = log(small, text="Supervision record for Chris", owner=person(small, "sw-1"))
    theirs = log(small, text="Performance scorecard", owner=person(small, "pt-perf"))
    staff = member_client(small, Role.STAFF, person=person(small, "sw-1"))
    page = staff.get(URL + "?show=all").content.decode()
    assert "Supervision record for Chris" in page and "Performance scorecard" not in page
    assert 'id="request-entry"' not in page
    assert staff.get(f"{URL}{mine.number}/").status_code == 200
    assert staff.get(f"{URL}{theirs.number}/").status_code == 404
    assert staff.post(f"{URL}{mine.number}/", {"status": "sent"}).status_code == 403
    assert staff.post(URL, {"text": "x", "inspector": "insp-lead"}).status_code == 403

    viewer = member_client(small, Role.VIEWER)
    with time_machine.travel(london(2025, 6, 24, 12, 0), tick=False):
        page = viewer.get(URL).content.decode()
        detail = viewer.get(f"{URL}{mine.number}/").status_code
    counts = page.split('id="request-counts"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'margin-0">([^<]+)</p>', counts) == [
        "Open",
        "2",
        "Due within 2 hours or overdue",
        "0",
        "Overdue",
        "0",
        "Logged",
        "2",
    ]
    assert "supervision record" not in page and "scorecard" not in page
    assert detail == 403

    outsider = django_user_model.objects.create_user("outsider")
    client.force_login(outsider)
    assert client.get(URL).status_code == 404
    assert client.get(f"{URL}{mine.number}/").status_code == 404


def test_filters_open_mine_overdue_and_all(small, member_client):
    perf = person(small, "pt-perf")
    late = log(small, text="Late one", owner=perf, due_at=london(2025, 6, 24, 11, 0))
    later = log(small, text="Later one", due_at=london(2099, 1, 1, 12, 0))
    done = log(small, text="Done one", owner=perf)
    service.mark_sent(None, done)
    team = member_client(small, Role.PROJECT_TEAM, person=perf)

    def shown(which):
        page = team.get(f"{URL}?show={which}").content.decode()
        table = page.split('id="requests"', 1)[1]
        return [r.label for r in (late, later, done) if f'id="request-{r.number}"' in table]

    assert shown("open") == ["R-1", "R-2"]
    assert shown("mine") == ["R-1", "R-3"]
    assert shown("overdue") == ["R-1"]
    assert shown("all") == ["R-1", "R-2", "R-3"]


def test_the_request_page_changes_status_and_response(small, member_client):
    row = log(small)
    team = member_client(small, Role.PROJECT_TEAM)
    page = team.get(f"{URL}1/").content.decode()
    assert 'value="2025-06-25 12:00"' in page  # due, in London time
    response = team.post(
        f"{URL}1/",
        {
            "text": row.text,
            "inspector": "insp-lead",
            "due_at": "2025-06-25 12:00",
            "status": "sent",
            "response": "Emailed to the lead inspector",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.response, row.sent_at is not None) == (
        "sent",
        "Emailed to the lead inspector",
        True,
    )
    bad = team.post(f"{URL}1/", {"text": row.text, "due_at": "soon", "status": "lost"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Due must be a date and time" in html and "Status: choose one from the list" in html


def test_child_ids_of_requests_are_hidden_from_staff_who_do_not_work_with_them(
    small, member_client
):
    log(small, text="Plan for child C-400123", child_id="C-400123", owner=person(small, "sw-1"))
    staff = member_client(small, Role.STAFF, person=person(small, "sw-1"))
    page = staff.get(URL).content.decode()
    assert "C-400123" not in page and f"Plan for child {HIDDEN_CHILD_ID}" in page
    team = member_client(small, Role.PROJECT_TEAM)
    assert "Plan for child C-400123" in team.get(URL).content.decode()


# -- export ------------------------------------------------------------------------------------
def test_the_log_downloads_as_excel_with_every_row(small, member_client):
    log(small, text="=cmd|' /C calc'!A0", child_id="C-400123", owner=person(small, "pt-perf"))
    second = log(small, text="Audit tool")
    service.mark_sent(None, second, response="Uploaded")
    assert member_client(small, Role.PROJECT_TEAM).get(URL + "export.xlsx").status_code == 403
    response = member_client(small, Role.COORDINATOR).get(URL + "export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Requests"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:9] == [
        "Number",
        "Request",
        "Inspector",
        "Received (UK time)",
        "Due (UK time)",
        "Owner",
        "Status",
        "Times asked",
        "Child ID",
    ]
    assert [r[:9] for r in rows[1:]] == [
        [
            "R-1",
            "=cmd|' /C calc'!A0",
            "Alex Khan",
            dt.datetime(2025, 6, 24, 10, 0),
            dt.datetime(2025, 6, 25, 12, 0),
            "Pat Reid",
            "New",
            1,
            "C-400123",
        ],
        [
            "R-2",
            "Audit tool",
            "Alex Khan",
            dt.datetime(2025, 6, 24, 10, 0),
            dt.datetime(2025, 6, 25, 12, 0),
            None,
            "Sent to inspectors or uploaded",
            1,
            None,
        ],
    ]
    assert sheet["B2"].data_type == "s"  # stored as text, never a formula
    assert rows[2][12] == "Uploaded"


# -- the command -------------------------------------------------------------------------------
def _command(*args):
    out = io.StringIO()
    call_command("log_request", "small-2025", *args, stdout=out)
    return out.getvalue()


def test_log_request_command_logs_one_in_london_time_and_prints_json(small):
    text = _command(
        "--inspector",
        "insp-lead",
        "--text",
        "Early help audit",
        "--received",
        "2025-06-24 10:00",
        "--due",
        "2025-06-25 12:00",
        "--owner",
        "pt-perf",
    )
    assert text.strip() == "R-1 logged: due Wed 25 Jun 12:00, owner Pat Reid."
    data = json.loads(
        _command(
            "--inspector",
            "insp-team-1",
            "--text",
            "Chronology",
            "--child",
            "C-400123",
            "--received",
            "2025-06-24 10:05",
            "--due",
            "2025-06-24 16:00",
            "--json",
        )
    )
    assert data == {
        "number": "R-2",
        "inspection": "small-2025",
        "text": "Chronology",
        "inspector": "insp-team-1",
        "owner": None,
        "received": "2025-06-24T10:05:00+01:00",
        "due": "2025-06-24T16:00:00+01:00",
        "due_kind": "at",
        "status": "new",
        "child_id": "C-400123",
    }
    assert InformationRequest.objects.get(number=2).due_at == dt.datetime(
        2025, 6, 24, 15, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--inspector": "insp-nobody"}, "--inspector: Inspector: choose an inspector"),
        ({"--owner": "nobody"}, "--owner: Owner: choose a person"),
        ({"--received": "24/06/2025"}, "--received: give a date and time in Europe/London"),
        ({"--due": "2025-06-25 25:00"}, "--due: give a date and time"),
        ({"--child": "JANESMITH"}, "--child: Child ID: enter a child ID, not a name"),
        ({"--text": " "}, "--text: Request: enter what the inspector asked for"),
    ],
)
def test_log_request_command_names_the_option_it_refuses(small, change, message):
    options = {
        "--inspector": "insp-lead",
        "--text": "Early help audit",
        "--received": "2025-06-24 10:00",
        "--due": "2025-06-25 12:00",
        **change,
    }
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _command(*[bit for pair in options.items() for bit in pair])
    assert InformationRequest.objects.count() == 0


def test_log_request_command_refuses_an_unknown_inspection(small):
    with pytest.raises(CommandError, match="No inspection 'nope'"):
        call_command(
            "log_request",
            "nope",
            "--inspector",
            "insp-lead",
            "--text",
            "x",
            "--received",
            "2025-06-24 10:00",
            "--due",
            "2025-06-25 12:00",
        )


# -- day sheet, risks and the deadlines feed ---------------------------------------------------
def test_the_day_sheet_lists_a_request_with_its_owner_on_the_day_it_is_due(small):
    row = log(small, owner=person(small, "pt-perf"), child_id="C-400123")
    day8 = build_daysheet(small, 8, now=london(2025, 6, 25, 9, 0))
    (group,) = [g for g in day8.groups if g.requests]
    assert group.label == "Pat Reid (Performance analyst)"
    assert [r.request for r in group.requests] == [row]
    assert day8.as_json()["requests"] == [
        {
            "number": "R-1",
            "text": "Supervision notes for the team",
            "inspector": "insp-lead",
            "owner": "pt-perf",
            "received": "2025-06-24T10:00:00+01:00",
            "due": "2025-06-25T12:00:00+01:00",
            "status": "new",
            "overdue": False,
            "child_id": "C-400123",
        }
    ]
    # received on day 7, so on that sheet too; not on day 9 unless still open and late
    assert [r.request for r in build_daysheet(small, 7).requests] == [row]
    day9 = build_daysheet(small, 9, now=london(2025, 6, 26, 9, 0))
    assert [(r.request, r.overdue) for r in day9.requests] == [(row, True)]
    out = io.StringIO()
    call_command("daysheet", "small-2025", "--day", "9", stdout=out)
    assert "Pat Reid (Performance analyst)\n  [New] Wed 25 Jun 12:00 OVERDUE  R-1: Supervision" in (
        out.getvalue()
    )
    service.mark_sent(None, row)
    assert build_daysheet(small, 9, now=london(2025, 6, 26, 9, 0)).requests == []


def test_a_request_is_a_dashboard_risk_from_two_hours_before_it_is_due_until_sent(small):
    row = log(small, owner=person(small, "pt-perf"))
    assert request_risks(small, london(2025, 6, 25, 9, 59)) == []
    (risk,) = request_risks(small, london(2025, 6, 25, 10, 30))
    assert risk.text == "Request R-1 from Alex Khan due 12:00 today (Pat Reid)"
    assert risk.url == "/inspections/small-2025/requests/1/"
    (late,) = request_risks(small, london(2025, 6, 26, 9, 0))
    assert late.text == "Request R-1 from Alex Khan overdue since 12:00 Wed 25 Jun (Pat Reid)"
    service.mark_sent(None, row)
    assert request_risks(small, london(2025, 6, 25, 10, 30)) == []


def test_open_requests_are_in_the_deadlines_feed_without_child_ids(small):
    row = log(
        small,
        text="Chronology for child C-400123 and sibling C-400124",
        child_id="C-400123",
        owner=person(small, "pt-perf"),
    )
    log(small, text="Sibling C-400124's plan", child_id="C-400124")
    deadlines = sources.request_deadlines(small)
    assert [(d.key, d.title, d.owner, d.due_at) for d in deadlines] == [
        (
            "r-1",
            f"R-1 due: Chronology for child {HIDDEN_CHILD_ID} and sibling {HIDDEN_CHILD_ID}",
            "Pat Reid",
            london(2025, 6, 25, 12, 0),
        ),
        ("r-2", f"R-2 due: Sibling {HIDDEN_CHILD_ID}'s plan", "", london(2025, 6, 25, 12, 0)),
    ]
    info = feeds.FeedInfo(name="Small", stamp=london(2025, 6, 24, 12, 0), uid_scope="small-2025")
    body = feeds.deadlines_feed(sources.deadlines(small), info)
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert str(events["request.small-2025.r-1@ilacs-planner"]["SUMMARY"]).startswith("R-1 due: ")
    assert "Owner: Pat Reid" in str(events["request.small-2025.r-1@ilacs-planner"]["DESCRIPTION"])
    assert b"C-4001" not in body.replace(b"\r\n ", b"")
    service.mark_sent(None, row)
    assert [d.key for d in sources.request_deadlines(small)] == ["r-2"]


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: row locks and concurrent connections "
    "(CI runs the whole suite on PostgreSQL as its second half)",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_four_coordinators_logging_at_once_get_r1_to_r60_without_a_gap_or_a_clash():
    inspection = Inspection.objects.create(
        slug="busy-2025", title="Busy", local_authority="T", day_one=dt.date(2025, 6, 16)
    )
    lead = Inspector.objects.create(
        inspection=inspection, ref="insp-lead", full_name="L", role="lead"
    )
    errors: list[str] = []
    start = threading.Barrier(4)

    def work():
        try:
            start.wait()
            for _ in range(15):
                log(inspection, inspector=lead)
        except Exception as exc:  # noqa: BLE001 - any failure is the test's finding
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = InformationRequest.objects.filter(inspection=inspection).values_list(
        "number", flat=True
    )
    assert sorted(numbers) == list(range(1, 61))
