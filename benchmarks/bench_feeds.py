"""Whole-inspection feed build vs. serialising the same number of bare events with icalendar.

Generated snapshots ten times the Shropshire plan (110 published meetings -> 1,100): the pure
build (calendars.feeds) needs no database or solve. Then the same meetings are stored as a
published release in a temporary test database and the feed is fetched through the view with
Django's test client: built (cache empty), a poll served from the feed cache, and a poll with
the ETag it was given (304, nothing built). Every figure is a ratio to the bare serialisation
measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from icalendar import Calendar, Event

from calendars import feeds
from inspections.calendar import add_working_days, to_utc
from scheduling.snapshots import Attendee, MeetingSnapshot, SnapshotMode, SnapshotStatus

SCALE = 10
PLAN_SIZE = 110  # meetings in the published Shropshire 2025 plan
REPEATS = 3
STATUSES = [
    SnapshotStatus.PLANNED,
    SnapshotStatus.CONFIRMED,
    SnapshotStatus.CONFIRMED,
    SnapshotStatus.CANCELLED,
]


def generated_meetings(n: int, seed: int = 2025) -> list[MeetingSnapshot]:
    rng = random.Random(seed)
    inspectors = [
        Attendee(f"insp-{i}", f"Inspector {i}", "Team inspector", "inspector") for i in range(7)
    ]
    people = [
        Attendee(f"p-{i}", f"Practitioner {i}", "Social worker, Assessment", "person")
        for i in range(120)
    ]
    venues = [(f"Venue {v}", f"{v} High Street, Shrewsbury SY{v} 1AA") for v in range(8)]
    out = []
    for k in range(n):
        day = add_working_days(dt.date(2025, 6, 23), k % 10)
        start = to_utc(day, dt.time(8 + k % 9, 5 * rng.randrange(12)))
        venue, address = rng.choice(venues)
        teams = k % 3 == 0
        out.append(
            MeetingSnapshot(
                uid=f"meeting-{k}-shropshire-2025@ilacs-planner",
                meeting_id=k,
                sequence=rng.randrange(4),
                status=rng.choice(STATUSES),
                title=f"Case discussion {k}: Assessment, front door; ümlaut",
                meeting_type="case_discussion",
                purpose="Discuss the child's plan, its progress and the impact of practice.",
                start=start,
                end=start + dt.timedelta(minutes=60),
                mode=SnapshotMode.TEAMS if teams else SnapshotMode.IN_PERSON,
                venue="" if teams else venue,
                venue_address="" if teams else address,
                room="" if teams else f"Room {k % 5}",
                teams_url=f"https://teams.example.invalid/l/meetup-join/m{k}" if teams else "",
                inspectors=tuple(rng.sample(inspectors, 2)),
                attendees=tuple(rng.sample(people, 4)),
                child_ids=(f"C{100000 + k}",),
                what_to_bring="Case file summary; chronology; supervision notes",
                release=3,
            )
        )
    return out


def bare(meetings: list[MeetingSnapshot], stamp: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    for m in meetings:
        event = Event()
        event.add("uid", m.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", m.start)
        event.add("dtend", m.end)
        event.add("summary", m.title)
        cal.add_component(event)
    return cal.to_ical()


def _best(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _release(meetings: list[MeetingSnapshot], stamp: dt.datetime) -> str:
    """Store `meetings` as release v3 of a new inspection; the whole-inspection feed's path."""
    from calendars import tokens  # noqa: PLC0415 - after Django is set up for the benchmark
    from calendars.models import FeedKind  # noqa: PLC0415
    from inspections.models import Inspection  # noqa: PLC0415
    from scheduling.models import Release, ReleaseMeeting  # noqa: PLC0415

    inspection = Inspection.objects.create(
        slug="bench-2025",
        title="Bench ILACS",
        local_authority="Bench",
        day_one=dt.date(2025, 6, 16),
    )
    release = Release.objects.create(inspection=inspection, number=3, published_at=stamp)

    def people(attendees: tuple[Attendee, ...]) -> list[dict[str, str]]:
        return [{"ref": a.ref, "name": a.name, "role": a.role, "kind": a.kind} for a in attendees]

    ReleaseMeeting.objects.bulk_create(
        ReleaseMeeting(
            release=release,
            meeting_pk=m.meeting_id,
            uid=m.uid,
            sequence=m.sequence,
            fingerprint="bench",
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
            inspectors=people(m.inspectors),
            attendees=people(m.attendees),
            child_ids=list(m.child_ids),
            what_to_bring=m.what_to_bring,
        )
        for m in meetings
    )
    links = {(sub.kind, sub.ref): token for sub, token in tokens.ensure_tokens(inspection)}
    return tokens.feed_path(links[(FeedKind.INSPECTION, "")])


def _polls(meetings: list[MeetingSnapshot], stamp: dt.datetime) -> dict[str, float]:
    """Best times of a feed request through the view: built, from the cache, and 304."""
    from django.core.cache import cache  # noqa: PLC0415 - after Django is set up for the benchmark
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: PLC0415

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        path = _release(meetings, stamp)
        client = Client()
        first = client.get(path)
        assert first.status_code == 200 and first.content.count(b"BEGIN:VEVENT") == len(meetings)
        etag = first["ETag"]

        def built() -> None:
            cache.clear()
            assert client.get(path).status_code == 200

        def cached() -> None:
            assert client.get(path).status_code == 200

        def not_modified() -> None:
            assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304

        return {
            "built": _best(built),
            "cached": _best(cached, 20),
            "not_modified": _best(not_modified, 20),
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def run() -> None:
    import django  # noqa: PLC0415 - `python -m benchmarks` has set DJANGO_SETTINGS_MODULE

    django.setup()
    meetings = generated_meetings(PLAN_SIZE * SCALE)
    stamp = dt.datetime(2025, 6, 20, 16, tzinfo=dt.UTC)
    info = feeds.FeedInfo(name="Bench: whole inspection", stamp=stamp, uid_scope="bench")
    ours = _best(lambda: feeds.meetings_feed(meetings, info))
    baseline = _best(lambda: bare(meetings, stamp))
    size = len(feeds.meetings_feed(meetings, info))
    polls = _polls(meetings, stamp)
    print(f"whole-inspection feed: {len(meetings)} events, {size / 1024:.0f} KiB")
    print(f"  bare icalendar:          {baseline * 1000:8.1f} ms")
    print(f"  feed build (pure):       {ours * 1000:8.1f} ms   ratio {ours / baseline:6.2f}x")
    for label, key in (
        ("poll, cache empty", "built"),
        ("poll, from the cache", "cached"),
        ("poll with ETag (304)", "not_modified"),
    ):
        seconds = polls[key]
        print(f"  {label + ':':<25}{seconds * 1000:8.1f} ms   ratio {seconds / baseline:6.2f}x")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    run()
