"""Feeds of the Shropshire scenario, planned and published by the timetabling work."""

import datetime as dt
import io
import json

import icalendar
import pytest
import vobject
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendars import tokens
from calendars.models import FeedKind
from inspections.calendar import LONDON
from inspections.models import Inspection
from scheduling import releases
from scheduling.editing import Proposal, check_proposal, move_meeting, set_status
from scheduling.models import Meeting, MeetingStatus
from scheduling.snapshots import SnapshotStatus

SLUG = "shropshire-2025"


def _plan_and_publish():
    call_command("plan_meetings", SLUG, "--publish", "--time-limit", "2", stdout=io.StringIO())


@pytest.fixture
def published(shared_published) -> Inspection:
    return shared_published  # planned and published once for the module (tests/conftest.py)


def _feeds(inspection, client):
    """Every subscriber's feed as (subscriber, body)."""
    out = []
    for sub, token in tokens.ensure_tokens(inspection):
        response = client.get(tokens.feed_path(token))
        assert response.status_code == 200, sub
        out.append((sub, response.content))
    return out


def _uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _whole(inspection, client) -> bytes:
    token = next(t for s, t in tokens.ensure_tokens(inspection) if s.kind == FeedKind.INSPECTION)
    return client.get(tokens.feed_path(token)).content


def test_every_feed_parses_with_two_parsers_and_counts_match_the_plan(published, client):
    snapshots = releases.latest_release_meetings(published)
    assert len(snapshots) > 60
    feeds = _feeds(published, client)
    kinds = {sub.kind for sub, _ in feeds}
    assert kinds == {k.value for k in FeedKind}
    for sub, body in feeds:
        cal = icalendar.Calendar.from_ical(body)
        assert cal["METHOD"] == "PUBLISH"
        vcal = vobject.readOne(body.decode("utf-8"))
        n_ical = len(cal.walk("VEVENT"))
        n_vobj = len(getattr(vcal, "vevent_list", []))
        assert n_ical == n_vobj, sub
        if sub.kind == FeedKind.INSPECTION:
            assert n_ical == len(snapshots)
        elif sub.kind in (FeedKind.INSPECTOR, FeedKind.PERSON):
            assert _uids(body) == {m.uid for m in snapshots if m.involves(sub.kind, sub.ref)}, sub
        elif sub.kind == FeedKind.DEADLINES:
            assert n_ical == published.tasks.count()
    rooms = [body for sub, body in feeds if sub.kind == FeedKind.ROOM]
    assert sum(len(_uids(b)) for b in rooms) == sum(1 for m in snapshots if m.room)
    venues = [body for sub, body in feeds if sub.kind == FeedKind.VENUE]
    assert sum(len(_uids(b)) for b in venues) == sum(1 for m in snapshots if m.venue)


def test_an_inspectors_feed_holds_nothing_else_of_the_inspection(published, client):
    snapshots = releases.latest_release_meetings(published)
    lead = next(s for s, _ in tokens.ensure_tokens(published) if s.ref == "insp-lead")
    token = next(t for s, t in tokens.ensure_tokens(published) if s == lead)
    body = client.get(tokens.feed_path(token)).content
    mine = {m.uid for m in snapshots if m.involves("inspector", "insp-lead")}
    assert mine and _uids(body) == mine
    others = [m for m in snapshots if not m.involves("inspector", "insp-lead") and m.title]
    assert others
    for uid in {m.uid for m in others}:
        assert uid.encode() not in body


def test_moving_a_meeting_and_publishing_raises_sequence_keeps_uid(published, client):

    body_before = _whole(published, client)
    before = _events(body_before)
    moved = None
    candidates = (
        Meeting.objects.filter(inspection=published, start__isnull=False, mode="in_person")
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(fixed_time__isnull=True)
        .select_related("room")
        .prefetch_related("assigned_inspectors")
    )
    for meeting in candidates:
        for minutes in (60, -60, 30, -30, 90, -90, 120, -120):
            proposal = Proposal(
                start=meeting.start + dt.timedelta(minutes=minutes),
                room=meeting.room,
                inspectors=tuple(meeting.assigned_inspectors.all()),
            )
            if not check_proposal(meeting, proposal):
                moved = move_meeting(meeting, proposal, opened_version=meeting.version)
                break
        if moved:
            break
    assert moved is not None, "no meeting could be moved without breaking a rule"
    uid = releases.meeting_uid(moved, published)

    # A draft change not yet published leaves the feed byte for byte as it was.
    assert _whole(published, client) == body_before

    releases.publish(published)
    after = _events(_whole(published, client))
    assert after[uid]["DTSTART"].dt == moved.start
    assert after[uid]["DTSTART"].dt != before[uid]["DTSTART"].dt
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    assert set(after) == set(before)


def test_cancelled_meeting_stays_in_the_feed_as_cancelled(published, client):

    meeting = Meeting.objects.filter(inspection=published, start__isnull=False).first()
    uid = releases.meeting_uid(meeting, published)
    body_before = _whole(published, client)
    before = _events(body_before)[uid]
    set_status(meeting, MeetingStatus.CANCELLED, opened_version=meeting.version)
    assert _whole(published, client) == body_before  # not published yet
    releases.publish(published)
    after = _events(_whole(published, client))[uid]
    assert str(after["STATUS"]) == "CANCELLED"
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_meetings_about_a_child_carry_its_id_in_the_feed(published, client):
    body = _whole(published, client).decode()
    snapshots = releases.latest_release_meetings(published)
    with_children = [m for m in snapshots if m.child_ids]
    assert with_children
    for m in with_children:
        for child in m.child_ids:
            assert child in body.replace("\r\n ", "")


def test_times_are_right_on_both_sides_of_the_october_clock_change(db, client):
    call_command("load_scenario", SLUG, notification="2025-10-20", stdout=io.StringIO())
    _plan_and_publish()
    inspection = Inspection.objects.get(slug=SLUG)
    body = _whole(inspection, client)
    assert b"TZID" not in body
    events = vobject.readOne(body.decode()).vevent_list
    meetings = {
        releases.meeting_uid(m, inspection): m
        for m in Meeting.objects.filter(inspection=inspection, start__isnull=False)
    }
    clock_change = dt.datetime(2025, 10, 26, 1, 0, tzinfo=dt.UTC)
    sides = {"bst": 0, "gmt": 0}
    for event in events:
        start = event.dtstart.value
        assert start.utcoffset() == dt.timedelta(0)
        local = start.astimezone(LONDON)
        expected_offset = dt.timedelta(hours=1) if start < clock_change else dt.timedelta(0)
        assert local.utcoffset() == expected_offset
        sides["bst" if start < clock_change else "gmt"] += 1
        meeting = meetings[event.uid.value]
        end_local = event.dtend.value.astimezone(LONDON)
        # Wall-clock times in the meeting's own window, on both sides of the change.
        assert meeting.earliest <= local.time(), (meeting.title, local)
        assert end_local.time() <= meeting.latest or end_local.date() > local.date(), meeting.title
        if meeting.fixed_time:
            assert local.time() == meeting.fixed_time, (meeting.title, local)
    assert sides["bst"] > 0 and sides["gmt"] > 0
    # The morning internal KITs (08:45 UK time, on site after the change) are 08:45Z.
    kits = [e for e in events if meetings[e.uid.value].ref.startswith("kit-internal")]
    morning = [e for e in kits if meetings[e.uid.value].fixed_time == dt.time(8, 45)]
    assert morning and all(e.dtstart.value.time() == dt.time(8, 45) for e in morning)
    # Week 1 (BST) meetings read an hour earlier in UTC than on the wall clock.
    week_one = [e for e in events if e.dtstart.value < clock_change]
    assert all(
        e.dtstart.value.astimezone(LONDON).hour == (e.dtstart.value.hour + 1) % 24 for e in week_one
    )


def _count(client, path) -> int:

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)


def test_calendar_pages_show_the_published_plan_with_fixed_queries(published, staff_client):
    base = f"/inspections/{SLUG}/calendar"
    snapshots = releases.latest_release_meetings(published)
    busiest = max(
        range(6, 16),
        key=lambda n: sum(
            1
            for m in snapshots
            if m.start.astimezone(LONDON).date() == published.calendar.date_for_day(n)
        ),
    )
    day = staff_client.get(f"{base}/days/{busiest}/").content.decode()
    first = next(
        m
        for m in snapshots
        if m.start.astimezone(LONDON).date() == published.calendar.date_for_day(busiest)
        and m.status != SnapshotStatus.CANCELLED
    )
    assert f'href="/inspections/{SLUG}/meetings/{first.meeting_id}/"' in day
    assert day.count('class="app-cal-col__head') >= 4  # four inspectors on site in week 2
    assert len({_count(staff_client, f"{base}/days/{n}/") for n in (1, 3, busiest, 15)}) == 1
    assert len({_count(staff_client, f"{base}/days/{n}/run-sheet/") for n in (1, busiest)}) == 1
    assert len({_count(staff_client, f"{base}/weeks/{w}/") for w in (1, 2, 3)}) == 1
    practitioner = next(a.ref for m in snapshots for a in m.attendees)
    assert (
        _count(staff_client, f"{base}/people/insp-lead/")
        == _count(staff_client, f"{base}/people/{practitioner}/") - 1
    )  # a council person is looked up after the inspector table misses
    sheet = staff_client.get(f"{base}/days/{busiest}/run-sheet/").content.decode()
    assert first.title in sheet
    assert "@" in sheet  # the day's contacts have email addresses


def test_feed_answers_304_and_is_stable_between_polls(published, client):
    out = io.StringIO()
    call_command("feed_links", SLUG, "--json", stdout=out)

    rows = json.loads(out.getvalue())
    whole = next(r for r in rows if r["kind"] == "inspection")
    first = client.get(whole["path"])
    second = client.get(whole["path"])
    assert first.content == second.content and first["ETag"] == second["ETag"]
    assert client.get(whole["path"], HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert len(rows) == len({(r["kind"], r["ref"]) for r in rows})
