"""Alerts to the coordinators on Shropshire 2025, through a real SMTP server: the library under
80% quality-assured at 09:00 on day 3, a published meeting that loses its inspector (an
absence) or its room (withdrawn), and a request for information about to go overdue. Each is
sent once to each coordinator, however often the job runs, and never late."""

from __future__ import annotations

import pytest
import time_machine
from smtp_server import text_of
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture
from test_notify_reminders import _received, _run, london, subject

from desk.services.requests import log_request, mark_sent
from evidence.models import DocumentStatus, LibraryDocument
from inspections.calendar import LONDON
from inspections.models import Membership, Person, Role, Task
from notify.models import Message, MessageKind, MessageStatus
from scheduling.editing import mark_inspector_absent
from scheduling.models import Meeting, MeetingStatus, Room
from scheduling.releases import latest_release_meetings

COORDINATOR = "una.ueda@shropshire.example"  # pt-coordinator, the council's coordinator


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def quiet(scenario):
    """The scenario with no task reminders, so only alerts are sent."""
    Task.objects.filter(inspection=scenario).update(remind=[])
    return scenario


@pytest.fixture
def library_behind(quiet):
    """50 of the 287 uploaded documents back to received: 249 of 315 quality-assured, 79%."""
    uploaded = LibraryDocument.objects.filter(inspection=quiet, status=DocumentStatus.UPLOADED)
    pks = list(uploaded.order_by("pk").values_list("pk", flat=True)[:50])
    LibraryDocument.objects.filter(pk__in=pks).update(status=DocumentStatus.RECEIVED)
    return quiet


# --- the library ------------------------------------------------------------------------------


def test_the_library_behind_at_9_on_day_3_alerts_each_coordinator_once(
    library_behind,
    smtp,  # noqa: F811
    django_user_model,
):
    inspection = library_behind
    # a second coordinator: the council person of a member with the planner's coordinator role
    pa = Person.objects.get(inspection=inspection, ref="pt-pa-1")
    Membership.objects.create(
        inspection=inspection,
        user=django_user_model.objects.create_user("pa-coordinator"),
        role=Role.COORDINATOR,
        person=pa,
    )
    # a project-team member is not a coordinator
    Membership.objects.create(
        inspection=inspection,
        user=django_user_model.objects.create_user("analyst"),
        role=Role.PROJECT_TEAM,
        person=Person.objects.get(inspection=inspection, ref="pt-performance-1"),
    )

    assert _run("2025-06-18 08:55") == "nothing due"
    assert _run("2025-06-18 09:05") == "2 created, 2 sent"
    assert _run("2025-06-18 09:10") == "nothing due"

    title = f"{inspection.title}: the library is behind"
    assert _received(smtp) == [(pa.email, title), (COORDINATOR, title)]
    [mine] = [m for m in smtp.received if m["To"] == COORDINATOR]
    assert text_of(mine) == (
        "Hello Una Ueda,\n\n"
        "The library is behind: 249 of 315 documents are quality-assured (79%), under 80% at "
        "09:00 on Wednesday 18 June.\n"
        "It is due at 12:00 on Wednesday 18 June.\n"
        "Library: 66 documents not yet quality-assured (5 not yet received).\n\n"
        f"You get this because you coordinate {inspection.title} in the planner.\n"
    )
    rows = Message.objects.filter(kind=MessageKind.ALERT)
    assert sorted(rows.values_list("email", "status")) == [
        (pa.email, MessageStatus.SENT),
        (COORDINATOR, MessageStatus.SENT),
    ]


def test_a_library_on_track_or_a_check_missed_by_hours_sends_nothing(quiet, smtp):  # noqa: F811
    assert _run("2025-06-18 09:05") == "nothing due"  # as loaded: 299 of 315, 95%
    LibraryDocument.objects.filter(inspection=quiet).update(status=DocumentStatus.RECEIVED)
    assert _run("2025-06-18 11:05") == "nothing due"  # behind, but 09:00 was over 2 hours ago
    assert smtp.received == []


# --- requests about to go overdue -------------------------------------------------------------


def _request(inspection, text, due, status_sent=False):
    request = log_request(
        None,
        inspection,
        text=text,
        received_at=london("2025-06-24 08:30"),
        due_at=london(due),
        inspector=inspection.inspectors.get(role="lead"),
        owner=Person.objects.get(inspection=inspection, ref="pt-performance-1"),
    )
    if status_sent:
        with time_machine.travel(london("2025-06-24 09:00"), tick=False):
            mark_sent(None, request)
    return request


def test_a_request_due_within_the_hour_alerts_the_coordinator_once(quiet, smtp):  # noqa: F811
    soon = _request(quiet, "Supervision records for the assessment team", "2025-06-24 10:45")
    later = _request(quiet, "Latest performance scorecard", "2025-06-24 12:00")
    _request(quiet, "Agency staffing figures", "2025-06-24 10:30", status_sent=True)
    lead = quiet.inspectors.get(role="lead").full_name

    assert _run("2025-06-24 10:00") == "1 created, 1 sent"
    assert _run("2025-06-24 10:05") == "nothing due"
    assert _received(smtp) == [
        (COORDINATOR, f"{quiet.title}: request {soon.label} is due in 45 minutes")
    ]
    assert text_of(smtp.received[0]) == (
        "Hello Una Ueda,\n\n"
        f"Request {soon.label} is due at 10:45 on Tuesday 24 June, in 45 minutes, and is "
        "still new.\n"
        f"Asked by {lead}.\n"
        "Owner: Erin Pell.\n"
        "What was asked: Supervision records for the assessment team\n\n"
        f"You get this because you coordinate {quiet.title} in the planner.\n"
    )
    smtp.received.clear()

    assert _run("2025-06-24 11:00") == "1 created, 1 sent"  # 12:00 is now within the hour
    assert _received(smtp) == [
        (COORDINATOR, f"{quiet.title}: request {later.label} is due in 60 minutes")
    ]


def test_the_request_window_is_a_setting(quiet, smtp, settings):  # noqa: F811
    settings.NOTIFY_REQUEST_ALERT_MINUTES = 120
    _request(quiet, "Supervision records for the assessment team", "2025-06-24 10:45")
    _request(quiet, "Latest performance scorecard", "2025-06-24 12:00")

    assert _run("2025-06-24 10:00") == "2 created, 2 sent"
    assert [s for _, s in _received(smtp)] == [
        f"{quiet.title}: request R-1 is due in 45 minutes",
        f"{quiet.title}: request R-2 is due in 120 minutes",
    ]


# --- meetings that lose their room or inspector -----------------------------------------------


def test_a_published_meeting_that_loses_its_inspector_or_room_alerts_once(published, smtp):  # noqa: F811
    inspection = published
    Task.objects.filter(inspection=inspection).update(remind=[])
    ahead = [m for m in latest_release_meetings(inspection) if m.status != "cancelled"]
    assert _run("2025-06-20 15:00") == "nothing due"

    # an inspector off sick on day 8: the meetings where they are the only inspector
    day8 = inspection.calendar.date_for_day(8)
    on_day8 = [m for m in ahead if m.start.astimezone(LONDON).date() == day8]
    alone = [m for m in on_day8 if len(m.inspectors) == 1]
    ref = max({m.inspectors[0].ref for m in alone}, key=lambda r: (_count(alone, r), r))
    inspector = inspection.inspectors.get(ref=ref)
    lost_inspector = sorted(m.title for m in alone if m.inspectors[0].ref == ref)
    assert lost_inspector  # the scenario gives them meetings alone that day
    mark_inspector_absent(inspection, inspector, 8)

    # a room withdrawn: every published meeting in it but one cancelled on purpose
    room = Room.objects.get(
        venue__inspection=inspection,
        pk=_busiest_room(inspection),
    )
    in_room = [m for m in ahead if m.room == room.name and m.venue == room.venue.name]
    cancelled = in_room[0]
    Meeting.objects.filter(pk=cancelled.meeting_id).update(status=MeetingStatus.CANCELLED)
    Room.objects.filter(pk=room.pk).update(active=False)
    lost_room = sorted(m.title for m in in_room[1:])
    if cancelled.title in lost_inspector and cancelled in alone:
        lost_inspector.remove(cancelled.title)

    result = _run("2025-06-20 15:05")
    expected = sorted(
        [f"{inspection.title}: {t} has lost its inspector" for t in lost_inspector]
        + [f"{inspection.title}: {t} has lost its room" for t in lost_room]
    )
    assert result == f"{len(expected)} created, {len(expected)} sent"
    assert sorted(s for _, s in _received(smtp)) == expected
    assert {to for to, _ in _received(smtp)} == {COORDINATOR}
    assert _run("2025-06-20 15:10") == "nothing due"
    assert len(smtp.received) == len(expected)

    for message in smtp.received:
        if subject(message).endswith("has lost its inspector"):
            assert f"{inspector.full_name} is absent then." in text_of(message)
        else:
            assert f"Its room, {room.name}, has been withdrawn." in text_of(message)


def _count(meetings, ref):
    return sum(1 for m in meetings if m.inspectors[0].ref == ref)


def _busiest_room(inspection) -> int:
    counts: dict[int, int] = {}
    for pk in Meeting.objects.filter(inspection=inspection, room__isnull=False).values_list(
        "room", flat=True
    ):
        counts[pk] = counts.get(pk, 0) + 1
    return max(counts, key=lambda pk: (counts[pk], -pk))
