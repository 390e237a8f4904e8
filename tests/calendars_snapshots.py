"""Hand-made meeting snapshots for the calendars tests (no timetabling needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from calendars import sources
from inspections.calendar import to_utc
from inspections.models import Inspection, Inspector, Person
from scheduling.snapshots import Attendee, MeetingSnapshot, SnapshotMode, SnapshotStatus

LEAD = Attendee("insp-lead", "Alex Khan", "Lead inspector (HMI)", "inspector")
TEAM = Attendee("insp-team-1", "Bea Lowe", "Team inspector", "inspector")
SW = Attendee("sw-1", "Chris Dale", "Social worker, Assessment", "person")
DCS = Attendee("pt-dcs", "Director of Children's Services", "DCS", "person")
PUBLISHED = dt.datetime(2025, 6, 20, 16, 0, tzinfo=dt.UTC)


def snapshot(n: int, day: dt.date, hhmm: str, minutes: int = 60, **changes) -> MeetingSnapshot:
    hour, minute = (int(x) for x in hhmm.split(":"))
    start = to_utc(day, dt.time(hour, minute))
    base = MeetingSnapshot(
        uid=f"meeting-{n}",
        meeting_id=n,
        sequence=0,
        status=SnapshotStatus.CONFIRMED,
        title=f"Case discussion {n}",
        meeting_type="case_discussion",
        purpose="Discuss the child's plan and the impact of practice",
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        mode=SnapshotMode.IN_PERSON,
        venue="Shirehall",
        venue_address="Abbey Foregate, Shrewsbury SY2 6ND",
        room="Room 2",
        teams_url="",
        inspectors=(LEAD,),
        attendees=(SW,),
        child_ids=("C-000123",),
        what_to_bring="Case file summary",
        release=1,
    )
    return replace(base, **changes)


def plan(day: dt.date = dt.date(2025, 6, 23)) -> list[MeetingSnapshot]:
    """Four meetings: two rooms, one Teams call, one cancelled, two inspectors."""
    return [
        snapshot(1, day, "09:00"),
        snapshot(2, day, "11:00", inspectors=(TEAM,), attendees=(DCS,), room="Room 5"),
        snapshot(
            3,
            day,
            "14:00",
            30,
            mode=SnapshotMode.TEAMS,
            venue="",
            venue_address="",
            room="",
            teams_url="https://teams.example/meet/3",
            inspectors=(LEAD, TEAM),
            attendees=(DCS,),
            child_ids=(),
            status=SnapshotStatus.PLANNED,
        ),
        snapshot(4, day, "15:30", status=SnapshotStatus.CANCELLED, sequence=2, attendees=(SW,)),
    ]


class FakeRelease:
    def __init__(self, number: int, published_at: dt.datetime) -> None:
        self.number = number
        self.published_at = published_at


def install(monkeypatch, published, draft=None, number: int = 1, at: dt.datetime = PUBLISHED):
    """Serve hand-made snapshots in place of the timetabling work's releases."""

    monkeypatch.setattr(
        sources, "latest_release", lambda inspection: FakeRelease(number, at) if published else None
    )
    monkeypatch.setattr(sources, "published_meetings", lambda inspection: list(published))
    monkeypatch.setattr(
        sources, "draft_meetings", lambda inspection: list(published if draft is None else draft)
    )


def small_inspection():
    """An inspection with the snapshots' inspectors and people (no scenario needed)."""

    inspection = Inspection.objects.create(
        slug="small-2025", title="Small ILACS", local_authority="Test", day_one=dt.date(2025, 6, 16)
    )
    onsite = list(range(6, 16))
    Inspector.objects.create(
        inspection=inspection,
        ref=LEAD.ref,
        full_name=LEAD.name,
        role="lead",
        onsite_days=onsite,
        email="lead@ofsted.example",
        phone="0300 000 0001",
    )
    Inspector.objects.create(
        inspection=inspection, ref=TEAM.ref, full_name=TEAM.name, role="team", onsite_days=onsite
    )
    Person.objects.create(
        inspection=inspection,
        ref=SW.ref,
        full_name=SW.name,
        kind="practitioner",
        job_title="Social worker",
        team="Assessment",
        email="chris@council.example",
        phone="01743 000",
    )
    Person.objects.create(
        inspection=inspection, ref=DCS.ref, full_name="Dana Hill", kind="senior_leader", role="dcs"
    )
    return inspection
