"""Feeds are built once per release and subscriber; a poll with the ETag is a 304, built never.

The releases here are real rows (no stand-in for the timetabling work), so counting queries shows
what a poll reads: a 304 or a cached feed never touches the release's meetings.
"""

import datetime as dt
from dataclasses import replace

import icalendar
import pytest
import time_machine
from calendars_snapshots import DCS, LEAD, PUBLISHED, SW, TEAM, plan, small_inspection
from django.core.cache import cache

from calendars import feed_cache, publishing, tokens
from calendars.models import FeedKind
from desk.services import requests as desk_requests
from inspections.calendar import LONDON
from inspections.models import Inspector, Person
from scheduling.models import MeetingType, Release, ReleaseMeeting
from scheduling.snapshots import Attendee

MEETINGS_TABLE = ReleaseMeeting._meta.db_table


def _people(attendees: tuple[Attendee, ...]) -> list[dict[str, str]]:
    return [{"ref": a.ref, "name": a.name, "role": a.role, "kind": a.kind} for a in attendees]


def _publish(inspection, snapshots, number=1, at=PUBLISHED):
    """Store `snapshots` as release v`number`, as publishing would have frozen them."""
    release = Release.objects.create(inspection=inspection, number=number, published_at=at)
    for m in snapshots:
        ReleaseMeeting.objects.create(
            release=release,
            meeting_pk=m.meeting_id,
            uid=m.uid,
            sequence=m.sequence,
            fingerprint=f"{m.start}-{m.room}",
            status=m.status.value,
            title=m.title,
            meeting_type=m.meeting_type,
            purpose=m.purpose,
            start=m.start,
            end=m.end,
            mode=m.mode.value,
            venue=m.venue,
            venue_address=m.venue_address,
            room=m.room,
            teams_url=m.teams_url,
            inspectors=_people(m.inspectors),
            attendees=_people(m.attendees),
            child_ids=list(m.child_ids),
            what_to_bring=m.what_to_bring,
        )
    return release


@pytest.fixture
def inspection(db):
    inspection = small_inspection()
    _publish(inspection, plan())
    return inspection


def _links(inspection):
    return {(sub.kind, sub.ref): token for sub, token in tokens.ensure_tokens(inspection)}


def _paths(inspection):
    return {key: tokens.feed_path(token) for key, token in _links(inspection).items()}


def _forget(token):
    """Drop this link's built feed (only its own entry: a shared Redis serves other tests)."""
    cache.delete(feed_cache.PREFIX + publishing.state_for_token(token).digest)


def _events(response):
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _reads_meetings(captured) -> bool:
    return any(MEETINGS_TABLE in q["sql"] for q in captured.captured_queries)


def test_a_poll_with_the_etag_is_answered_304_without_building(
    inspection, client, django_assert_num_queries
):
    token = _links(inspection)[(FeedKind.INSPECTION, "")]
    path = tokens.feed_path(token)
    first = client.get(path)
    assert first.status_code == 200
    _forget(token)  # so building, were it done, would have to read the meetings
    # the link and the latest release: nothing of the release's meetings, nothing built
    with django_assert_num_queries(2) as captured:
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", first["ETag"])
    assert not _reads_meetings(captured)


def test_a_second_poll_is_served_from_the_cache_and_a_first_one_builds(
    inspection, client, django_assert_num_queries
):
    token = _links(inspection)[(FeedKind.INSPECTION, "")]
    path = tokens.feed_path(token)
    first = client.get(path)
    with django_assert_num_queries(2) as captured:
        cached = client.get(path)
    assert (cached.status_code, cached.content) == (200, first.content)
    assert not _reads_meetings(captured)
    _forget(token)
    with django_assert_num_queries(4) as captured:  # link, release, then its meetings
        built = client.get(path)
    assert built.content == first.content
    assert _reads_meetings(captured)


def test_a_new_release_gives_a_new_feed_and_etag(inspection, client):
    path = _paths(inspection)[(FeedKind.INSPECTION, "")]
    first = client.get(path)
    moved = [replace(m, release=2) for m in plan(dt.date(2025, 6, 24))[:2]]
    _publish(inspection, moved, number=2, at=PUBLISHED + dt.timedelta(days=1))
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert second["Last-Modified"] == "Sat, 21 Jun 2025 16:00:00 GMT"
    events = _events(second)
    assert sorted(events) == [
        "small-2025.meeting-1@ilacs-planner",
        "small-2025.meeting-2@ilacs-planner",
    ]
    assert events["small-2025.meeting-1@ilacs-planner"].decoded("DTSTART") == dt.datetime(
        2025, 6, 24, 8, 0, tzinfo=dt.UTC
    )


def test_a_change_to_what_a_room_may_read_gives_a_new_feed(inspection, client):
    Person.objects.create(
        inspection=inspection,
        ref="pt-coordinator",
        full_name="Jo Marsh",
        kind="project_team",
        role="coordinator",
        phone="01743 250000",
    )
    path = _paths(inspection)[(FeedKind.ROOM, "shirehall--room-2")]
    first = client.get(path)
    coordinator = Person.objects.get(inspection=inspection, ref="pt-coordinator")
    coordinator.phone = "01743 259999"
    coordinator.save()
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    (event,) = [e for e in _events(second).values() if e["STATUS"] == "CONFIRMED"]
    assert str(event["DESCRIPTION"]).endswith(
        "Contact: Jo Marsh (Coordinator), 01743 259999\nTimetable release v1"
    )


def test_a_change_to_whose_children_a_person_works_with_gives_a_new_feed(inspection, client):
    case, _ = MeetingType.objects.update_or_create(
        key="case_discussion",
        defaults={
            "name": "Case discussion",
            "group": "case",
            "duration": 60,
            "mode": "in_person",
            "inspector_rule": "one",
            "counts_as_case": False,
        },
    )
    path = _paths(inspection)[(FeedKind.PERSON, SW.ref)]
    first = client.get(path)
    assert b"C-000123" not in first.content  # not a case meeting: not their child
    case.counts_as_case = True
    case.save()
    second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert "Child IDs: C-000123" in str(
        _events(second)["small-2025.meeting-1@ilacs-planner"]["DESCRIPTION"]
    )


def test_the_deadlines_feed_changes_when_a_request_changes_even_in_the_same_instant(
    inspection, client
):
    path = _paths(inspection)[(FeedKind.DEADLINES, "")]
    owner = Person.objects.get(inspection=inspection, ref=SW.ref)
    lead = Inspector.objects.get(inspection=inspection, ref=LEAD.ref)
    at = dt.datetime(2025, 6, 24, 10, 0, tzinfo=LONDON)
    with time_machine.travel(at, tick=False):
        row = desk_requests.log_request(
            None,
            inspection,
            text="Supervision notes for the team",
            inspector=lead,
            owner=owner,
            received_at=at,
            due_at=at + dt.timedelta(hours=2),
        )
        first = client.get(path)
        assert first["Last-Modified"] == "Tue, 24 Jun 2025 09:00:00 GMT"
        # re-dated in the same instant: no timestamp or count moves, the history does
        desk_requests.update_request(None, row, due_at=at + dt.timedelta(hours=3))
        second = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        desk_requests.mark_sent(None, row)  # sent: it leaves the feed
        third = client.get(path, HTTP_IF_NONE_MATCH=second["ETag"])
    uid = "request.small-2025.r-1@ilacs-planner"
    assert _events(first)[uid].decoded("DTSTART") == dt.datetime(2025, 6, 24, 11, tzinfo=dt.UTC)
    assert second.status_code == 200
    assert _events(second)[uid].decoded("DTSTART") == dt.datetime(2025, 6, 24, 12, tzinfo=dt.UTC)
    assert third.status_code == 200
    assert uid not in _events(third)


def test_two_subscribers_never_get_each_others_feed(inspection, client):
    paths = _paths(inspection)
    lead, team = paths[(FeedKind.INSPECTOR, LEAD.ref)], paths[(FeedKind.INSPECTOR, TEAM.ref)]
    dcs = paths[(FeedKind.PERSON, DCS.ref)]
    for _ in range(2):  # built, then from the cache
        assert sorted(_events(client.get(lead))) == [
            "small-2025.meeting-1@ilacs-planner",
            "small-2025.meeting-3@ilacs-planner",
            "small-2025.meeting-4@ilacs-planner",
        ]
        assert sorted(_events(client.get(team))) == [
            "small-2025.meeting-2@ilacs-planner",
            "small-2025.meeting-3@ilacs-planner",
        ]
        assert sorted(_events(client.get(dcs))) == [
            "small-2025.meeting-2@ilacs-planner",
            "small-2025.meeting-3@ilacs-planner",
        ]
    etags = {client.get(p)["ETag"] for p in (lead, team, dcs)}
    assert len(etags) == 3
    # each link's ETag answers only its own feed
    assert client.get(team, HTTP_IF_NONE_MATCH=client.get(lead)["ETag"]).status_code == 200
