"""ORM -> the solver's pure Problem. Minutes count from local midnight of day one (in UTC).

Working windows are Europe/London wall times turned into UTC per date, so a plan across the
October clock change keeps 08:30 at 08:30. Absences are cut out of availability; confirmed
meetings are locked; current draft placements become hints. Each inspector's case cap, lunch
waiver and on-site days (team time) come from their row; meeting types give the reading and
write-up buffers; the inspectors' base room is never a candidate room.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from inspections.calendar import to_utc
from inspections.models import Inspection, InspectorRole
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingStatus,
    Mode,
    Room,
    Travel,
    Unavailability,
)
from scheduling.solver import problem as sp

DAY_START = dt.time(8, 30)
DAY_END = dt.time(17, 30)
# Inspectors and people can be booked into the evening only by meeting types whose own window
# reaches it (the evening visit): every other type's window stops at 17:30.
EVENING_END = dt.time(21, 0)
# The inspectors' protected team time closes each on-site working day.
TEAM_TIME_MINUTES = 45
# A span nobody can use: the solver reads an empty availability as "unrestricted".
NEVER = (sp.Span(-2, -1),)
POOL_ROLES = (InspectorRole.LEAD, InspectorRole.TEAM)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def room_id(pk: int) -> str:
    return f"room-{pk}"


def room_pk(rid: str | None) -> int | None:
    return int(rid.removeprefix("room-")) if rid else None


@dataclass
class Built:
    """The Problem plus what the adapter needs to map back."""

    problem: sp.Problem
    meetings: dict[str, Meeting]
    versions: dict[str, int] = field(default_factory=dict)

    def minute(self, moment: dt.datetime) -> int:
        return int((moment - self.problem.epoch).total_seconds() // 60)

    def moment(self, minute: int) -> dt.datetime:
        return self.problem.epoch + dt.timedelta(minutes=minute)


def _subtract(spans: list[sp.Span], holes: list[sp.Span]) -> list[sp.Span]:
    out = spans
    for hole in holes:
        cut: list[sp.Span] = []
        for s in out:
            if not s.overlaps(hole):
                cut.append(s)
                continue
            if s.start < hole.start:
                cut.append(sp.Span(s.start, hole.start))
            if hole.end < s.end:
                cut.append(sp.Span(hole.end, s.end))
        out = cut
    return out


def placement_of(meeting: Meeting, built: Built) -> sp.Placement | None:
    if meeting.start is None:
        return None
    venue = meeting.placed_venue or (meeting.room.venue if meeting.room else None) or meeting.venue
    return sp.Placement(
        start=built.minute(meeting.start),
        inspectors=tuple(sorted(i.ref for i in meeting.assigned_inspectors.all())),
        room=room_id(meeting.room_id)
        if meeting.room_id and meeting.mode == Mode.IN_PERSON
        else None,
        venue=venue.ref if venue and meeting.mode != Mode.TEAMS else None,
    )


def build(
    inspection: Inspection, *, draft: bool = True, meetings: Iterable[Meeting] | None = None
) -> Built:
    """The Problem of the inspection's active meetings; or of `meetings`, already read (with
    their people), for a caller that must check exactly the rows it read once."""
    cal = inspection.calendar
    dates = {n: cal.date_for_day(n) for n in range(1, cal.last_day + 1)}
    epoch = to_utc(dates[1], dt.time(0))

    def at(n: int, t: dt.time) -> int:
        return int((to_utc(dates[n], t) - epoch).total_seconds() // 60)

    days = tuple(
        sp.Day(n, at(n, dt.time(0)), at(n, DAY_START), at(n, DAY_END)) for n in sorted(dates)
    )
    holes: dict[tuple[str, int], list[sp.Span]] = {}
    for u in Unavailability.objects.filter(inspection=inspection):
        key = ("i", u.inspector_id) if u.inspector_id else ("p", u.person_id)
        span = sp.Span(
            int((u.start - epoch).total_seconds() // 60), int((u.end - epoch).total_seconds() // 60)
        )
        holes.setdefault(key, []).append(span)  # type: ignore[arg-type]

    inspectors_qs = list(inspection.inspectors.all())
    first_onsite = min((d for i in inspectors_qs for d in i.onsite_days), default=None)
    inspectors = []
    for insp in inspectors_qs:
        onsite = set(insp.onsite_days)
        # The week-1 team works off site: calls on Teams within working hours.
        core = first_onsite in onsite
        spans = []
        for n in dates:
            if n in onsite:
                spans.append(sp.Span(at(n, DAY_START), at(n, EVENING_END)))
            elif core and not cal.is_onsite_day(n):
                spans.append(sp.Span(at(n, DAY_START), at(n, DAY_END)))
        spans = _subtract(spans, holes.get(("i", insp.pk), []))
        inspectors.append(
            sp.Inspector(
                insp.ref,
                insp.full_name,
                insp.role,
                tuple(spans) or NEVER,
                max_case_meetings_per_day=insp.max_case_meetings_per_day,
                onsite_days=frozenset(onsite),
                lunch_waived=insp.lunch_waived,
            )
        )
    pool = tuple(i.ref for i in inspectors_qs if i.role in POOL_ROLES)
    lead = next((i.ref for i in inspectors_qs if i.is_lead), None)

    people = []
    for person in inspection.people.all():
        spans = [sp.Span(at(n, DAY_START), at(n, EVENING_END)) for n in dates]
        spans = _subtract(spans, holes.get(("p", person.pk), []))
        people.append(sp.Person(person.ref, person.full_name, tuple(spans) or NEVER))

    rooms_qs = list(
        Room.objects.filter(venue__inspection=inspection, active=True).select_related("venue")
    )
    rooms = tuple(
        sp.Room(
            room_id(r.pk),
            f"{r.name}, {r.venue.name}",
            r.venue.ref,
            r.capacity,
            frozenset(r.equipment),
            tuple(sp.Span(at(n, r.opens), at(n, r.closes)) for n in dates) or NEVER,
            inspectors_base=r.inspectors_base,
        )
        for r in rooms_qs
    )
    venues_qs = list(inspection.venues.all())
    venues = tuple(sp.Venue(v.ref, v.name) for v in venues_qs)
    travel: dict[tuple[str, str], int] = {}
    for t in Travel.objects.filter(origin__inspection=inspection).select_related(
        "origin", "destination"
    ):
        travel[(t.origin.ref, t.destination.ref)] = t.minutes
        travel[(t.destination.ref, t.origin.ref)] = t.minutes

    meetings_qs = list(
        Meeting.objects.filter(inspection=inspection).active().with_people().order_by("pk")
        if meetings is None
        else meetings
    )
    built = Built(sp.Problem(epoch, days, (), (), (), rooms, venues, travel), {})
    before = _precedences(meetings_qs)
    out = []
    for m in meetings_qs:
        mid = str(m.pk)
        named = [i.ref for i in m.required_inspectors.all()]
        if m.inspector_rule == InspectorRule.LEAD and lead and lead not in named:
            named.insert(0, lead)
        needed = m.inspectors_needed if m.inspector_rule == InspectorRule.ANY else 0
        attendees = tuple(sorted(p.ref for p in m.attendees.all()))
        size = len(attendees) + m.family_count + len(named) + needed
        window_days = [n for n in (m.window_days or list(dates)) if n in dates]
        fixed = None
        if m.fixed_time is not None and m.fixed_day in dates:
            fixed = at(m.fixed_day, m.fixed_time)
            windows: tuple[sp.Span, ...] = (sp.Span(fixed, fixed + m.duration),)
        else:
            windows = tuple(sp.Span(at(n, m.earliest), at(n, m.latest)) for n in window_days)
        preferred = None
        if m.preferred_time is not None and len(window_days) == 1 and fixed is None:
            preferred = at(window_days[0], m.preferred_time)
        venue = m.venue.ref if m.venue and m.mode != Mode.TEAMS else None
        equipment = frozenset(m.equipment)
        candidates: tuple[str, ...] = ()
        if m.mode == Mode.IN_PERSON:
            candidates = tuple(
                r.id
                for r in sorted(rooms, key=lambda r: (r.capacity, r.id))
                if not r.inspectors_base  # the inspectors' own: never a meeting's room
                and r.capacity >= size
                and equipment <= r.equipment
                and (venue is None or r.venue == venue)
            )
        current = placement_of(m, built)
        locked = current if m.status == MeetingStatus.CONFIRMED else None
        out.append(
            sp.Meeting(
                id=mid,
                title=m.title,
                kind=m.meeting_type.key,
                duration=m.duration,
                mode=m.mode,
                windows=windows,
                inspectors=tuple(named),
                inspector_pool=tuple(i for i in pool if i not in named) if needed else (),
                inspectors_needed=needed,
                attendees=attendees,
                size=size,
                equipment=equipment,
                rooms=candidates,
                venue=venue,
                fixed_start=fixed,
                preferred_start=preferred,
                counts_as_case=m.meeting_type.counts_as_case,
                buffer_before=m.meeting_type.reading_minutes,
                buffer_after=m.meeting_type.write_up_minutes,
                before=before.get(mid, ()),
                locked=locked,
                hint=current if draft and locked is None else None,
            )
        )
        built.meetings[mid] = m
        built.versions[mid] = m.version
    built.problem = sp.Problem(
        epoch=epoch,
        days=days,
        meetings=tuple(out),
        inspectors=tuple(inspectors),
        people=tuple(people),
        rooms=rooms,
        venues=venues,
        travel=travel,
        # each inspector's own case cap and lunch setting are on their sp.Inspector
        rules=sp.Rules(team_time=(_minutes(DAY_END) - TEAM_TIME_MINUTES, _minutes(DAY_END))),
    )
    return built


def _precedences(meetings: list[Meeting]) -> dict[str, tuple[str, ...]]:
    """Meeting.follows ("after those") as the solver's `before` on the earlier meetings.

    Links to cancelled meetings are dropped: the solver only knows active ones.
    """
    active = {m.pk for m in meetings}
    out: dict[str, list[str]] = {}
    for later in meetings:
        for earlier in later.follows.all():
            if earlier.pk in active and earlier.pk != later.pk:
                out.setdefault(str(earlier.pk), []).append(str(later.pk))
    return {k: tuple(sorted(v, key=int)) for k, v in out.items()}


def build_problem(inspection: Inspection, *, draft: bool = True) -> sp.Problem:
    """The inspection's timetable as a pure Problem (draft placements as hints when draft)."""
    return build(inspection, draft=draft).problem


def current_placements(built: Built) -> dict[str, sp.Placement]:
    out = {}
    for mid, meeting in built.meetings.items():
        p = placement_of(meeting, built)
        if p is not None:
            out[mid] = p
    return out
