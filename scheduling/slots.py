"""Find a slot: place one new case meeting (and the senior leader's debrief after it) within
a few working days, moving as few unconfirmed meetings as possible and no confirmed one.

`find_slot` runs the solver's re-plan on the current draft plus the new meetings and returns a
`SlotProposal`: where the new meetings go and every other meeting's move (from, to). Nothing
is written. `book_slot` writes exactly that proposal, under the schedule lock, after checking
that the timetable is still the one the proposal was worked out on (`fingerprint`): a
proposal gone stale is refused, never half-applied. Confirmed meetings are locked in the
Problem, so the solver cannot move them; the booking re-checks every hard rule anyway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from inspections.calendar import LONDON, to_utc
from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError
from scheduling import solver
from scheduling.conflicts import PlanConflict
from scheduling.creating import NewMeeting, add_meeting
from scheduling.locks import lock_schedule
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingStatus,
    MeetingType,
    Mode,
    Unavailability,
)
from scheduling.planning import apply_solution, describe_slot
from scheduling.problem_builder import POOL_ROLES, Built, build, current_placements
from scheduling.solver import problem as sp

CASE_TYPE = "case_discussion"
DEBRIEF_TYPE = "staff_debrief"
CASE_ID, DEBRIEF_ID = "new-case", "new-debrief"  # the new meetings' ids in the Problem

STALE = (
    "The timetable changed after this slot was found (a meeting was moved, added, confirmed or "
    "cancelled), so nothing was booked. Find a slot again to see the moves it needs now."
)


class StaleProposal(DomainError):
    pass


@dataclass(frozen=True)
class NewCase:
    """The case meeting to place: who is in it and the working days it may go on."""

    title: str
    child_id: str
    worker: Person
    days: tuple[int, ...]
    inspector: Inspector | None = None
    manager: Person | None = None
    auditor: Person | None = None  # the child's auditor, for a child on the audit list
    leader: Person | None = None  # the senior leader's debrief after it; None: no debrief
    mode: str = ""  # "" takes the meeting type's


@dataclass(frozen=True)
class SlotMove:
    meeting_id: int
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class NewSlot:
    title: str
    start: dt.datetime
    end: dt.datetime
    where: str
    inspectors: tuple[str, ...]  # names

    @property
    def described(self) -> str:
        return describe_slot(self.start, self.end, Mode.IN_PERSON, self.where)


@dataclass
class SlotProposal:
    case: NewSlot
    debrief: NewSlot | None
    moves: list[SlotMove]
    fingerprint: str
    # meeting id (a pk, or CASE_ID / DEBRIEF_ID) -> the placement, as JSON
    placements: dict[str, dict[str, Any]] = field(default_factory=dict)
    day: int = 0  # the case meeting's working day

    def as_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "placements": self.placements}


def fingerprint(inspection: Inspection) -> str:
    """What a proposal was worked out on: every meeting's version, status and start, and
    every absence (someone off sick since may make the proposal break a rule)."""
    rows = Meeting.objects.filter(inspection=inspection).order_by("pk")
    text = ";".join(
        f"{pk}:{v}:{s}:{st.isoformat() if st else ''}"
        for pk, v, s, st in rows.values_list("pk", "version", "status", "start")
    )
    absences = Unavailability.objects.filter(inspection=inspection).order_by("pk")
    text += "|" + ";".join(
        f"{pk}:{a.isoformat()}:{b.isoformat()}"
        for pk, a, b in absences.values_list("pk", "start", "end")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _placement_json(p: sp.Placement) -> dict[str, Any]:
    return {"start": p.start, "inspectors": list(p.inspectors), "room": p.room, "venue": p.venue}


def _placement(data: dict[str, Any]) -> sp.Placement:
    return sp.Placement(
        start=int(data["start"]),
        inspectors=tuple(str(i) for i in data["inspectors"]),
        room=data.get("room"),
        venue=data.get("venue"),
    )


def _same(a: sp.Placement, b: sp.Placement) -> bool:
    return (
        a.start == b.start
        and set(a.inspectors) == set(b.inspectors)
        and a.room == b.room
        and (a.room is not None or a.venue == b.venue)
    )


def _venue_for(inspection: Inspection, worker: Person) -> Any:
    """Where the worker's team meets inspectors: the venue most of its case meetings use."""
    counts: dict[int, int] = {}
    team = Person.objects.filter(inspection=inspection, team=worker.team) if worker.team else None
    meetings = Meeting.objects.for_inspection(inspection).active().filter(venue__isnull=False)
    meetings = meetings.filter(attendees__in=team) if team is not None else meetings.none()
    for vid in meetings.values_list("venue_id", flat=True):
        counts[vid] = counts.get(vid, 0) + 1
    if not counts:
        return None
    best = max(sorted(counts), key=lambda v: counts[v])
    return inspection.venues.get(pk=best)


def _case_meeting(
    inspection: Inspection, built: Built, new: NewCase, mtype: MeetingType, venue: Any
) -> sp.Meeting:
    cal = inspection.calendar
    mode = new.mode or mtype.mode

    def at(n: int, t: dt.time) -> int:
        return built.minute(to_utc(cal.date_for_day(n), t))

    named = (new.inspector.ref,) if new.inspector else ()
    needed = 0 if named else max(1, mtype.inspectors_needed)
    pool = (
        tuple(i.ref for i in inspection.inspectors.all() if i.role in POOL_ROLES) if needed else ()
    )
    attendees = tuple(
        sorted({p.ref for p in (new.worker, new.manager, new.auditor) if p is not None})
    )
    size = len(attendees) + len(named) + needed
    venue_ref = venue.ref if venue is not None and mode != Mode.TEAMS else None
    rooms: tuple[str, ...] = ()
    if mode == Mode.IN_PERSON:
        rooms = tuple(
            r.id
            for r in sorted(built.problem.rooms, key=lambda r: (r.capacity, r.id))
            if not r.inspectors_base  # the inspectors' own room is never a meeting's
            and r.capacity >= size
            and frozenset(mtype.equipment) <= r.equipment
            and (venue_ref is None or r.venue == venue_ref)
        )
    return sp.Meeting(
        id=CASE_ID,
        title=new.title,
        kind=mtype.key,
        duration=mtype.duration,
        mode=mode,
        windows=tuple(sp.Span(at(n, mtype.earliest), at(n, mtype.latest)) for n in new.days),
        inspectors=named,
        inspector_pool=pool,
        inspectors_needed=needed,
        attendees=attendees,
        size=size,
        equipment=frozenset(mtype.equipment),
        rooms=rooms,
        venue=venue_ref,
        counts_as_case=mtype.counts_as_case,
        buffer_before=mtype.reading_minutes,  # the inspector reads the record first
        buffer_after=mtype.write_up_minutes,
    )


def _debrief_meeting(
    inspection: Inspection, built: Built, new: NewCase, mtype: MeetingType, after: int
) -> sp.Meeting:
    """Teams, council only; starts after the case meeting ends, that day or a later one."""
    assert new.leader is not None
    cal = inspection.calendar
    windows = []
    for n in new.days:
        date = cal.date_for_day(n)
        lo = max(built.minute(to_utc(date, mtype.earliest)), after)
        hi = built.minute(to_utc(date, mtype.latest))
        if hi - lo >= mtype.duration:
            windows.append(sp.Span(lo, hi))
    attendees = tuple(sorted({new.leader.ref, new.worker.ref}))
    return sp.Meeting(
        id=DEBRIEF_ID,
        title=f"Debrief after the case discussion: child {new.child_id}",
        kind=mtype.key,
        duration=mtype.duration,
        mode=Mode.TEAMS,
        windows=tuple(windows),
        attendees=attendees,
        size=len(attendees),
    )


def _base_problem(built: Built) -> tuple[sp.Problem, dict[str, sp.Placement]]:
    """The draft as it stands: placed and confirmed meetings only (a meeting nobody has
    placed yet is the planner's business, not this booking's)."""
    previous = current_placements(built)
    keep = {m.id for m in built.problem.meetings if m.id in previous or m.locked is not None}
    meetings = tuple(
        dataclasses.replace(m, before=tuple(b for b in m.before if b in keep))
        for m in built.problem.meetings
        if m.id in keep
    )
    return dataclasses.replace(built.problem, meetings=meetings), previous


def _solve(
    problem: sp.Problem,
    previous: dict[str, sp.Placement],
    extra: sp.Meeting,
    budget: dict[str, Any],
) -> sp.Solution:
    with_new = dataclasses.replace(problem, meetings=(*problem.meetings, extra))
    return solver.replan(with_new, previous, **budget)


DEBRIEF_TRIES = 4  # earlier starts for the case tried when its debrief finds no room


def _starting_before(case: sp.Meeting, start: int) -> sp.Meeting:
    """The case meeting, allowed only to start before `start`."""
    latest_end = start - 1 + case.duration
    windows = tuple(
        sp.Span(w.start, min(w.end, latest_end))
        for w in case.windows
        if w.start + case.duration <= min(w.end, latest_end)
    )
    return dataclasses.replace(case, windows=windows)


def find_slot(
    inspection: Inspection,
    new: NewCase,
    *,
    time_limit: float = 10.0,
    deterministic_time: float | None = None,
    seed: int = 0,
) -> SlotProposal:
    """Where the new case meeting (and its debrief) can go, with every move that needs."""
    if not new.days:
        raise DomainError("There are no working days of the inspection left to book it on.")
    case_type = MeetingType.objects.get(key=CASE_TYPE)
    venue = _venue_for(inspection, new.worker)
    stamp = fingerprint(inspection)
    built = build(inspection, draft=True)
    problem, original = _base_problem(built)
    budget = {"time_limit": time_limit, "deterministic_time": deterministic_time, "seed": seed}
    case = _case_meeting(inspection, built, new, case_type, venue)
    first = _solve(problem, original, case, budget)
    if CASE_ID not in first.placements:
        reasons = first.unplaced.get(CASE_ID) or ["no free slot for everyone in it"]
        days = ", ".join(str(d) for d in new.days)
        raise DomainError(f"No slot on day {days} for the case meeting: " + "; ".join(reasons))
    placements = dict(first.placements)
    if new.leader is not None:
        debrief_type = MeetingType.objects.get(key=DEBRIEF_TYPE)
        second = None
        # The case is placed first, then the debrief after it. A start that leaves the
        # debrief no room is not the only one: look again for the case earlier, a few times.
        for _ in range(DEBRIEF_TRIES):
            after = placements[CASE_ID].start + case.duration
            debrief = _debrief_meeting(inspection, built, new, debrief_type, after)
            locked_case = dataclasses.replace(case, locked=placements[CASE_ID])
            step = dataclasses.replace(problem, meetings=(*problem.meetings, locked_case))
            second = _solve(step, placements, debrief, budget) if debrief.windows else None
            if second is not None and DEBRIEF_ID in second.placements:
                break
            earlier = _starting_before(case, placements[CASE_ID].start)
            retry = _solve(problem, original, earlier, budget) if earlier.windows else None
            if retry is None or CASE_ID not in retry.placements:
                break
            case, placements = earlier, dict(retry.placements)
        if second is None or DEBRIEF_ID not in second.placements:
            raise DomainError(
                "The case meeting fits, but the senior leader's debrief after it does not: "
                "choose another senior leader or more days."
            )
        placements = dict(second.placements)
    lost = [mid for mid in original if mid not in placements]
    if lost:
        raise DomainError(
            "The only slots found would take other meetings off the timetable, so none is "
            "proposed: widen the days or free the people in it."
        )
    check_problem = dataclasses.replace(problem, meetings=(*problem.meetings, case))
    if new.leader is not None:
        check_problem = dataclasses.replace(
            check_problem, meetings=(*check_problem.meetings, debrief)
        )
    own = {(v.rule, v.message) for v in solver.check(problem, original)}
    broken = [v for v in solver.check(check_problem, placements) if (v.rule, v.message) not in own]
    if broken:  # the re-plan could not place them without breaking a rule
        raise PlanConflict("Every slot found breaks a rule, so none is proposed:", broken[:20])
    return _proposal(inspection, built, new, case, placements, original, stamp)


def _proposal(
    inspection: Inspection,
    built: Built,
    new: NewCase,
    case: sp.Meeting,
    placements: dict[str, sp.Placement],
    original: dict[str, sp.Placement],
    stamp: str,
) -> SlotProposal:
    names = {i.ref: i.full_name for i in inspection.inspectors.all()}
    rooms = {r.id: r.name for r in built.problem.rooms}
    venues = {v.id: v.name for v in built.problem.venues}

    def where(p: sp.Placement, mode: str) -> str:
        if mode == Mode.TEAMS:
            return "Teams"
        return rooms.get(p.room or "", "") or venues.get(p.venue or "", "")

    def slot(mid: str, title: str, duration: int, mode: str) -> NewSlot:
        p = placements[mid]
        start = built.moment(p.start)
        return NewSlot(
            title=title,
            start=start,
            end=start + dt.timedelta(minutes=duration),
            where=where(p, mode),
            inspectors=tuple(names.get(r, r) for r in p.inspectors),
        )

    moves = []
    for mid, before in original.items():
        after = placements[mid]
        if _same(before, after):
            continue
        meeting = built.meetings[mid]
        if meeting.status == MeetingStatus.CONFIRMED:  # locked: unreachable, but never hidden
            raise DomainError(f"The proposal would move the confirmed meeting '{meeting.title}'.")
        start = built.moment(after.start)
        moves.append(
            SlotMove(
                meeting_id=meeting.pk,
                title=meeting.title,
                before=describe_slot(meeting.start, meeting.end, meeting.mode, meeting.where),
                after=describe_slot(
                    start,
                    start + dt.timedelta(minutes=meeting.duration),
                    meeting.mode,
                    where(after, meeting.mode),
                ),
            )
        )
    moves.sort(key=lambda m: (original[str(m.meeting_id)].start, m.meeting_id))
    case_slot = slot(CASE_ID, case.title, case.duration, case.mode)
    debrief_slot = None
    if DEBRIEF_ID in placements:
        dtype = MeetingType.objects.get(key=DEBRIEF_TYPE)
        debrief_slot = slot(
            DEBRIEF_ID,
            f"Debrief after the case discussion: child {new.child_id}",
            dtype.duration,
            Mode.TEAMS,
        )
    changed = {str(m.meeting_id) for m in moves} | {CASE_ID, DEBRIEF_ID}
    day = inspection.calendar.day_for_date(case_slot.start.astimezone(LONDON).date())
    return SlotProposal(
        case=case_slot,
        debrief=debrief_slot,
        moves=moves,
        fingerprint=stamp,
        placements={k: _placement_json(p) for k, p in placements.items() if k in changed},
        day=day,
    )


@dataclass(frozen=True)
class Booked:
    case: Meeting
    debrief: Meeting | None
    moved: list[int]  # pks of the other meetings moved


@transaction.atomic
def book_slot(
    inspection: Inspection,
    new: NewCase,
    proposal: dict[str, Any],
    *,
    actor: Any = None,
    purpose: str = "",
) -> Booked:
    """Create the new meetings and apply the proposal (as_json) exactly, or refuse it whole."""
    lock_schedule(inspection.pk)
    if proposal.get("fingerprint") != fingerprint(inspection):
        raise StaleProposal(STALE)
    wanted = {k: _placement(v) for k, v in proposal.get("placements", {}).items()}
    if CASE_ID not in wanted:
        raise DomainError("The proposal has no slot for the case meeting: find a slot again.")
    case_type = MeetingType.objects.get(key=CASE_TYPE)
    mode = new.mode or case_type.mode
    venue = _venue_for(inspection, new.worker) if mode != Mode.TEAMS else None
    attendees = tuple(
        dict.fromkeys(p for p in (new.worker, new.manager, new.auditor) if p is not None)
    )
    case = add_meeting(
        inspection,
        NewMeeting(
            meeting_type=case_type,
            title=new.title,
            purpose=purpose or case_type.description,
            mode=Mode(mode),
            venue=venue,
            inspector_rule=InspectorRule.NAMED if new.inspector else InspectorRule.ANY,
            inspectors=(new.inspector,) if new.inspector else (),
            inspectors_needed=None if new.inspector else 1,
            attendees=attendees,
            child_ids=(new.child_id,),
            window_days=new.days,
        ),
        actor=actor,
    )
    debrief = None
    if DEBRIEF_ID in wanted and new.leader is not None:
        debrief = add_meeting(
            inspection,
            NewMeeting(
                meeting_type=MeetingType.objects.get(key=DEBRIEF_TYPE),
                title=f"Debrief after the case discussion: child {new.child_id}",
                purpose="A senior leader debriefs the worker after the inspector's case meeting.",
                mode=Mode.TEAMS,
                inspector_rule=InspectorRule.NONE,
                attendees=(new.leader, new.worker),
                child_ids=(new.child_id,),
                window_days=new.days,
                follows=(case,),
            ),
            actor=actor,
        )
    ids = {CASE_ID: str(case.pk)}
    if debrief is not None:
        ids[DEBRIEF_ID] = str(debrief.pk)
    built = build(inspection, draft=True)
    placements = current_placements(built)
    already = {(v.rule, v.message) for v in solver.check(built.problem, placements)}
    for key, p in wanted.items():
        mid = ids.get(key, key)
        meeting = built.meetings.get(mid)
        if meeting is None or meeting.status == MeetingStatus.CONFIRMED:
            raise StaleProposal(STALE)
        placements[mid] = p
    written = set(ids.values()) | {k for k in wanted if k not in ids}
    violations = [
        v
        for v in solver.check(built.problem, placements)
        if written.intersection(v.meetings) and (v.rule, v.message) not in already
    ]
    if violations:
        raise PlanConflict("That booking breaks these rules, so it was not saved:", violations[:20])
    solution = sp.Solution(placements=placements, unplaced={}, status="booked")
    moves, skipped = apply_solution(inspection, built.problem, solution, versions=built.versions)
    if skipped:  # under the lock nobody can edit meanwhile: belt and braces
        raise StaleProposal(STALE)
    case.refresh_from_db()
    if debrief is not None:
        debrief.refresh_from_db()
    others = sorted(m.meeting_id for m in moves if str(m.meeting_id) not in ids.values())
    return Booked(case=case, debrief=debrief, moved=others)


__all__ = [
    "Booked",
    "NewCase",
    "NewSlot",
    "SlotMove",
    "SlotProposal",
    "StaleProposal",
    "book_slot",
    "find_slot",
    "fingerprint",
]
