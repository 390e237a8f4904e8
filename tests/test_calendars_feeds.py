"""The pure feed builder: RFC 5545 output from hand-made snapshots, read by two parsers."""

import datetime as dt
from dataclasses import replace

import icalendar
import vobject
from calendars_snapshots import LEAD, PUBLISHED, SW, TEAM, plan, snapshot

from calendars import feeds
from inspections.calendar import LONDON

INFO = feeds.FeedInfo(name="Shropshire ILACS 2025: Alex Khan", stamp=PUBLISHED, uid_scope="shrop")


def _events(body: bytes):
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _by_uid(body: bytes):
    return {str(e["UID"]): e for e in _events(body)}


def test_calendar_carries_publish_method_names_and_refresh_hints():
    cal = icalendar.Calendar.from_ical(feeds.meetings_feed(plan(), INFO))
    assert cal["METHOD"] == "PUBLISH"
    assert cal["VERSION"] == "2.0"
    assert str(cal["PRODID"]).startswith("-//")
    assert cal["NAME"] == cal["X-WR-CALNAME"] == "Shropshire ILACS 2025: Alex Khan"
    body = feeds.meetings_feed(plan(), INFO).decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert "X-PUBLISHED-TTL:PT1H\r\n" in body


def test_every_event_has_uid_sequence_status_and_utc_times():
    events = _by_uid(feeds.meetings_feed(plan(), INFO))
    assert set(events) == {f"shrop.meeting-{n}@ilacs-planner" for n in (1, 2, 3, 4)}
    statuses = {uid.split(".")[1].split("@")[0]: str(e["STATUS"]) for uid, e in events.items()}
    assert statuses == {
        "meeting-1": "CONFIRMED",
        "meeting-2": "CONFIRMED",
        "meeting-3": "TENTATIVE",
        "meeting-4": "CANCELLED",
    }
    cancelled = events["shrop.meeting-4@ilacs-planner"]
    assert cancelled["SEQUENCE"] == 2
    for event in events.values():
        assert event["DTSTAMP"].dt == PUBLISHED
        assert event["DTSTART"].dt.tzinfo is not None
        assert event["DTSTART"].dt.utcoffset() == dt.timedelta(0)
    # 09:00 BST on 23 June is 08:00 UTC
    assert events["shrop.meeting-1@ilacs-planner"]["DTSTART"].dt == dt.datetime(
        2025, 6, 23, 8, 0, tzinfo=dt.UTC
    )


def test_times_are_right_on_both_sides_of_the_october_clock_change():
    before = snapshot(1, dt.date(2025, 10, 24), "09:00")  # Friday, BST
    after = snapshot(2, dt.date(2025, 10, 27), "09:00")  # Monday, GMT
    body = feeds.meetings_feed([before, after], INFO)
    text = body.decode()
    assert "DTSTART:20251024T080000Z" in text
    assert "DTSTART:20251027T090000Z" in text
    assert "TZID" not in text  # UTC throughout: no time zone for a client to misread
    # Both read back as 09:00 on a London wall clock, by an independent parser.
    parsed = {e.uid.value: e.dtstart.value for e in vobject.readOne(text).vevent_list}
    for uid in ("shrop.meeting-1@ilacs-planner", "shrop.meeting-2@ilacs-planner"):
        assert parsed[uid].astimezone(LONDON).time() == dt.time(9, 0)


def test_output_is_a_pure_function_of_the_data():
    assert feeds.meetings_feed(plan(), INFO) == feeds.meetings_feed(list(reversed(plan())), INFO)


def test_location_has_room_and_address_or_the_teams_link():
    events = _by_uid(feeds.meetings_feed(plan(), INFO))
    assert str(events["shrop.meeting-1@ilacs-planner"]["LOCATION"]) == (
        "Room 2, Shirehall, Abbey Foregate, Shrewsbury SY2 6ND"
    )
    teams = events["shrop.meeting-3@ilacs-planner"]
    assert str(teams["LOCATION"]) == "Microsoft Teams: https://teams.example/meet/3"
    assert str(teams["URL"]) == "https://teams.example/meet/3"
    where = [line for line in str(teams["DESCRIPTION"]).splitlines() if line.startswith("Where:")]
    assert where == ["Where: Microsoft Teams: https://teams.example/meet/3"]


def test_description_names_purpose_attendees_roles_child_ids_and_what_to_bring():
    event = _by_uid(feeds.meetings_feed(plan(), INFO))["shrop.meeting-1@ilacs-planner"]
    text = str(event["DESCRIPTION"])
    assert "Purpose: Discuss the child's plan" in text
    assert "- Alex Khan (Lead inspector (HMI))" in text
    assert "- Chris Dale (Social worker, Assessment)" in text
    assert "Child IDs: C-000123" in text
    assert "Bring: Case file summary" in text


def test_commas_semicolons_newlines_and_non_ascii_are_escaped_and_read_back():
    title = "Leaving care; Pathway plans, review\nTŷ Newydd – Ysgol Gymraeg ☕"
    purpose = 'Back-slash \\ and "quotes"; commas, too'
    meeting = snapshot(9, dt.date(2025, 6, 24), "10:00", title=title, purpose=purpose)
    body = feeds.meetings_feed([meeting], INFO)
    raw = body.decode("utf-8")
    unfolded = raw.replace("\r\n ", "")
    assert "SUMMARY:Leaving care\\; Pathway plans\\, review\\nTŷ Newydd – Ysgol Gymraeg ☕" in (
        unfolded
    )
    assert "\\\\ and" in unfolded
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    event = _events(body)[0]
    assert str(event["SUMMARY"]) == title
    assert purpose in str(event["DESCRIPTION"])
    vevent = vobject.readOne(raw).vevent
    assert vevent.summary.value == title
    assert purpose in vevent.description.value


def test_attendee_filter_keeps_only_that_persons_meetings():
    body = feeds.meetings_feed(plan(), INFO, include=feeds.attended_by("inspector", TEAM.ref))
    uids = {str(e["UID"]) for e in _events(body)}
    assert uids == {"shrop.meeting-2@ilacs-planner", "shrop.meeting-3@ilacs-planner"}
    body = feeds.meetings_feed(plan(), INFO, include=feeds.attended_by("person", SW.ref))
    assert {str(e["UID"]) for e in _events(body)} == {
        "shrop.meeting-1@ilacs-planner",
        "shrop.meeting-4@ilacs-planner",
    }
    assert (
        len(
            _events(
                feeds.meetings_feed(plan(), INFO, include=feeds.attended_by("person", "nobody"))
            )
        )
        == 0
    )


def test_room_and_venue_filters():
    room = feeds.room_key(plan()[1])
    assert room == "shirehall--room-5"
    body = feeds.meetings_feed(plan(), INFO, include=feeds.in_room(room))
    assert [str(e["UID"]) for e in _events(body)] == ["shrop.meeting-2@ilacs-planner"]
    body = feeds.meetings_feed(plan(), INFO, include=feeds.at_venue("shirehall"))
    assert len(_events(body)) == 3  # the Teams call is at no venue


def test_moved_meeting_keeps_its_uid_with_a_higher_sequence():
    first = snapshot(1, dt.date(2025, 6, 23), "09:00")
    moved = replace(
        first,
        start=first.start + dt.timedelta(hours=2),
        end=first.end + dt.timedelta(hours=2),
        sequence=1,
    )
    a = _events(feeds.meetings_feed([first], INFO))[0]
    b = _events(feeds.meetings_feed([moved], INFO))[0]
    assert a["UID"] == b["UID"]
    assert b["SEQUENCE"] > a["SEQUENCE"]
    assert b["DTSTART"].dt - a["DTSTART"].dt == dt.timedelta(hours=2)


def test_deadlines_feed_has_one_event_per_dated_task():
    due = dt.datetime(2025, 6, 17, 16, 30, tzinfo=dt.UTC)
    deadlines = [
        feeds.Deadline(
            "annex-a-upload", "Upload Annex A, lists 1–11", due, owner="Performance analyst"
        ),
        feeds.Deadline(
            "library-upload", "Upload the Library", due + dt.timedelta(days=1), done=True
        ),
    ]
    body = feeds.deadlines_feed(deadlines, INFO)
    events = _events(body)
    assert [str(e["SUMMARY"]) for e in events] == [
        "Due: Upload Annex A, lists 1–11",
        "Done: Upload the Library",
    ]
    assert events[0]["DTSTART"].dt == due
    assert str(events[0]["UID"]) == "task.shrop.annex-a-upload@ilacs-planner"
    assert len(vobject.readOne(body.decode()).vevent_list) == 2


def test_naive_times_are_refused():
    naive = replace(snapshot(1, dt.date(2025, 6, 23), "09:00"), start=dt.datetime(2025, 6, 23, 9))
    try:
        feeds.meetings_feed([naive], INFO)
    except ValueError as exc:
        assert "aware" in str(exc)
    else:
        raise AssertionError("a naive start time was accepted")


def test_lead_inspector_feed_parses_in_vobject_with_all_fields():
    body = feeds.meetings_feed(plan(), INFO, include=feeds.attended_by("inspector", LEAD.ref))
    cal = vobject.readOne(body.decode())
    assert cal.method.value == "PUBLISH"
    assert len(cal.vevent_list) == 3
    for vevent in cal.vevent_list:
        assert vevent.dtstamp.value == PUBLISHED
        assert vevent.sequence.value is not None
