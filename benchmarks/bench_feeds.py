"""Whole-inspection feed build vs. serialising the same number of bare events with icalendar.

Generated snapshots ten times the Shropshire plan (110 published meetings -> 1,100), so the figure
does not need a database or a solve.
"""

from __future__ import annotations

import datetime as dt
import random
import time

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


def _best(fn) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run() -> None:
    meetings = generated_meetings(PLAN_SIZE * SCALE)
    stamp = dt.datetime(2025, 6, 20, 16, tzinfo=dt.UTC)
    info = feeds.FeedInfo(name="Bench: whole inspection", stamp=stamp, uid_scope="bench")
    ours = _best(lambda: feeds.meetings_feed(meetings, info))
    baseline = _best(lambda: bare(meetings, stamp))
    size = len(feeds.meetings_feed(meetings, info))
    print(f"whole-inspection feed: {len(meetings)} events, {size / 1024:.0f} KiB")
    print(f"  feed build:          {ours * 1000:8.1f} ms")
    print(f"  bare icalendar:      {baseline * 1000:8.1f} ms")
    print(f"  ratio feed/bare:     {ours / baseline:8.2f}x")


if __name__ == "__main__":
    run()
