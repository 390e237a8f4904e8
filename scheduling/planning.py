"""Planning service: build the Problem, run the solver, write draft placements, report the diff.

`plan` starts from an instant complete greedy plan (`first_plan` gives its summary at once,
writing nothing) and refines it with CP-SAT; when a draft already exists it re-plans from it,
moving as few meetings as it can. Confirmed meetings never move.
The solve runs unlocked; writing its result holds the inspection's schedule lock and re-checks
the draft it makes with the meetings edited meanwhile, so a plan never writes a clash.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from inspections.audit import batch, record_change
from inspections.calendar import LONDON
from inspections.models import Inspection
from inspections.services.errors import DomainError
from scheduling import solver
from scheduling.conflicts import PlanConflict, refuse_double_booking
from scheduling.locks import lock_schedule
from scheduling.models import Meeting, MeetingStatus, Mode, Room, Venue
from scheduling.problem_builder import (
    Built,
    build,
    build_problem,
    current_placements,
    placement_of,
    room_pk,
)
from scheduling.solver.greedy import greedy_place
from scheduling.solver.problem import Placement, Problem, Solution, Violation

__all__ = [
    "Move",
    "PlanResult",
    "apply_solution",
    "build_problem",
    "check_draft",
    "describe_slot",
    "first_plan",
    "plan",
    "replan",
]

Progress = Callable[[int, str], None]
FirstPlan = Callable[["PlanResult"], None]  # hears the instant first plan's summary
Penalty = Callable[[float, float], None]  # (seconds, penalty) of each better plan CP-SAT finds

MERGE_REFUSED = (
    "The plan clashes with changes saved while it was being worked out, so none of it was "
    "saved. Start the planner again:"
)


@dataclass
class Move:
    meeting_id: int
    title: str
    before: str  # "" when it was not placed
    after: str  # "" when it is no longer placed
    affected: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "title": self.title,
            "from": self.before or None,
            "to": self.after or None,
            "affected": self.affected,
        }


@dataclass
class PlanResult:
    status: str
    total: int
    placed: int
    unplaced: dict[int, tuple[str, list[str]]]  # meeting pk -> (title, reasons)
    moved: list[Move]
    objective: float | None
    bound: float | None
    seconds: float
    soft: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # edited by someone during the solve
    release: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "total": self.total,
            "placed": self.placed,
            "unplaced": [
                {"meeting_id": pk, "title": title, "reasons": reasons}
                for pk, (title, reasons) in self.unplaced.items()
            ],
            # moved: had a slot and now has another; placed: had none before this run
            "moved": [m.as_json() for m in self.moved if m.before and m.after],
            "placed_now": [m.meeting_id for m in self.moved if not m.before],
            "lost": [m.as_json() for m in self.moved if m.before and not m.after],
            "objective": self.objective,
            "penalty": self.soft.get("total", self.objective),  # solver.score's one scale
            "bound": self.bound,
            "seconds": round(self.seconds, 2),
            "soft": self.soft,
            "skipped": self.skipped,
            "release": self.release,
        }


def describe_slot(start: dt.datetime | None, end: dt.datetime | None, mode: str, where: str) -> str:
    """'Tue 24 Jun 10:00–11:00, Room 1, Guildhall' in UK time."""
    if start is None or end is None:
        return ""
    s, e = start.astimezone(LONDON), end.astimezone(LONDON)
    place = "Teams" if mode == Mode.TEAMS else where
    return f"{s:%a %-d %b %H:%M}–{e:%H:%M}" + (f", {place}" if place else "")


def _people_of(meeting: Meeting, extra_inspectors: list[str] | None = None) -> list[str]:
    names = {i.full_name for i in meeting.assigned_inspectors.all()}
    names |= set(extra_inspectors or [])
    names |= {p.full_name for p in meeting.attendees.all()}
    return sorted(names)


@transaction.atomic
@batch()  # one history row per meeting moved: its new slot and inspectors together
def apply_solution(
    inspection: Inspection,
    problem: Problem,
    solution: Solution,
    *,
    versions: dict[str, int] | None = None,
) -> tuple[list[Move], list[str]]:
    """Write the solution's placements as the draft, in one transaction.

    Returns (moves, skipped): skipped names meetings someone edited since `versions` was read.
    Confirmed meetings are never touched. Raises PlanConflict, writing nothing, if the draft it
    makes breaks a hard rule the plan itself did not (a clash with a meeting edited meanwhile).
    """
    lock_schedule(inspection.pk)
    ids = [int(m.id) for m in problem.meetings]
    meetings = {
        str(m.pk): m
        # lock the meeting rows only: PostgreSQL can't lock the nullable side of the room join
        for m in Meeting.objects.select_for_update(of=("self",))
        .filter(inspection=inspection, pk__in=ids)
        .with_people()
    }
    rooms = {
        r.pk: r for r in Room.objects.filter(venue__inspection=inspection).select_related("venue")
    }
    venues = {v.ref: v for v in Venue.objects.filter(inspection=inspection)}
    inspectors = {i.ref: i for i in inspection.inspectors.all()}
    helper = Built(problem, meetings)
    moves: list[Move] = []
    skipped: list[str] = []
    for pm in problem.meetings:
        meeting = meetings.get(pm.id)
        if meeting is None or meeting.status in (MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED):
            continue
        if versions is not None and meeting.version != versions.get(pm.id):
            skipped.append(meeting.title)
            continue
        old = placement_of(meeting, helper)
        new: Placement | None = solution.placements.get(pm.id)
        if _same(old, new):
            continue
        before = describe_slot(meeting.start, meeting.end, meeting.mode, meeting.where)
        old_names = [i.full_name for i in meeting.assigned_inspectors.all()]
        if new is None:
            meeting.start = meeting.end = None
            meeting.room = None
            meeting.placed_venue = None
            meeting.status = MeetingStatus.DRAFT
            meeting.assigned_inspectors.clear()
        else:
            meeting.start = helper.moment(new.start)
            meeting.end = meeting.start + dt.timedelta(minutes=pm.duration)
            rpk = room_pk(new.room)
            meeting.room = rooms.get(rpk) if rpk else None
            venue_ref = meeting.room.venue.ref if meeting.room else new.venue or pm.venue
            meeting.placed_venue = venues.get(venue_ref) if venue_ref else None
            meeting.status = MeetingStatus.PLANNED
            meeting.assigned_inspectors.set(
                [inspectors[r] for r in new.inspectors if r in inspectors]
            )
        meeting.version += 1
        meeting.save()
        fresh = Meeting.objects.with_people().get(pk=meeting.pk)
        moves.append(
            Move(
                meeting_id=meeting.pk,
                title=meeting.title,
                before=before,
                after=describe_slot(fresh.start, fresh.end, fresh.mode, fresh.where),
                affected=_people_of(fresh, old_names),
            )
        )
    if moves:
        _refuse_new_violations(inspection, problem, solution, {str(m.meeting_id) for m in moves})
    refuse_double_booking()
    return moves, skipped


def preview_moves(inspection: Inspection, built: Built, solution: Solution) -> list[Move]:
    """What `apply_solution` would move, written nowhere (the first plan's summary, at once)."""
    rooms = {
        r.pk: r for r in Room.objects.filter(venue__inspection=inspection).select_related("venue")
    }
    venues = {v.ref: v for v in Venue.objects.filter(inspection=inspection)}
    names = {i.ref: i.full_name for i in inspection.inspectors.all()}
    moves = []
    for pm in built.problem.meetings:
        meeting = built.meetings.get(pm.id)
        if meeting is None or meeting.status in (MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED):
            continue
        new = solution.placements.get(pm.id)
        if _same(placement_of(meeting, built), new):
            continue
        before = describe_slot(meeting.start, meeting.end, meeting.mode, meeting.where)
        after, inspectors = "", []
        if new is not None:
            start = built.moment(new.start)
            rpk = room_pk(new.room)
            # a copy, never saved: Meeting.where words the place as the saved meeting would
            shown = copy.copy(meeting)
            shown.room = rooms.get(rpk) if rpk else None
            venue_ref = shown.room.venue.ref if shown.room else new.venue or pm.venue
            shown.placed_venue = venues.get(venue_ref) if venue_ref else None
            end = start + dt.timedelta(minutes=pm.duration)
            after = describe_slot(start, end, shown.mode, shown.where)
            inspectors = [names[r] for r in new.inspectors if r in names]
        moves.append(
            Move(
                meeting_id=meeting.pk,
                title=meeting.title,
                before=before,
                after=after,
                affected=_people_of(meeting, inspectors),
            )
        )
    return moves


def _refuse_new_violations(
    inspection: Inspection, problem: Problem, solution: Solution, written: set[str]
) -> None:
    """The draft now (this plan on top of meetings edited during the solve) may break no hard
    rule, about a meeting just written, that the plan did not already break on its own."""
    own = {(v.rule, v.message) for v in solver.check(problem, solution.placements)}
    built = build(inspection, draft=True)
    new = [
        v
        for v in solver.check(built.problem, current_placements(built))
        if written.intersection(v.meetings) and (v.rule, v.message) not in own
    ]
    if new:
        raise PlanConflict(MERGE_REFUSED, new[:20])


def _same(a: Placement | None, b: Placement | None) -> bool:
    if a is None or b is None:
        return a is b
    return (
        a.start == b.start
        and set(a.inspectors) == set(b.inspectors)
        and a.room == b.room
        and (a.room is not None or a.venue == b.venue)
    )


def _better(a: Solution, b: Solution) -> Solution:
    """The solution placing more meetings, then the lower objective."""
    if len(a.placements) != len(b.placements):
        return a if len(a.placements) > len(b.placements) else b
    if a.objective is not None and b.objective is not None and b.objective < a.objective:
        return b
    return a


def _result(built: Built, solution: Solution, moves: list[Move], skipped: list[str]) -> PlanResult:
    unplaced = {
        int(mid): (built.meetings[mid].title, reasons)
        for mid, reasons in solution.unplaced.items()
        if mid in built.meetings
    }
    return PlanResult(
        status=solution.status,
        total=len(built.problem.meetings),
        placed=len(solution.placements),
        unplaced=unplaced,
        moved=moves,
        objective=solution.objective,
        bound=solution.bound,
        seconds=solution.seconds,
        soft=dict(solution.soft),
        skipped=skipped,
    )


def _replanning(built: Built, fresh: bool) -> bool:
    return not fresh and any(m.hint is not None for m in built.problem.meetings)


def _first_solution(built: Built, replanning: bool) -> Solution:
    """The instant complete plan a run starts from: first-fit from scratch; re-planning, the
    draft kept where it breaks no hard rule and the rest placed first-fit around it."""
    if not replanning:
        return solver.greedy(built.problem)
    previous = current_placements(built)
    broken = {mid for v in solver.check(built.problem, previous) for mid in v.meetings}
    kept = {mid: p for mid, p in previous.items() if mid not in broken}
    placements, unplaced = greedy_place(built.problem, fixed=kept)
    soft = solver.score(built.problem, placements)
    return Solution(placements, unplaced, "greedy", objective=soft["total"], soft=soft)


def first_plan(inspection: Inspection, *, fresh: bool = False) -> PlanResult:
    """The summary of the instant plan `plan` starts from (placed, unplaced and why, what it
    moves against the draft), written nowhere: shown at once while the worker refines."""
    built = build(inspection, draft=not fresh)
    solution = _first_solution(built, _replanning(built, fresh))
    return _result(built, solution, preview_moves(inspection, built, solution), [])


def plan(
    inspection: Inspection,
    time_limit: float = 10.0,
    seed: int = 0,
    *,
    fresh: bool = False,
    progress: Progress | None = None,
    deterministic_time: float | None = None,
    on_first: FirstPlan | None = None,
    on_penalty: Penalty | None = None,
) -> PlanResult:
    """Plan every meeting. With a draft already in place, re-plan from it (fewest moves).

    `deterministic_time` budgets CP-SAT's own measure of work instead of seconds, so the same
    inspection gives the same plan however busy the machine is (tests); `time_limit` then caps.
    `on_first` hears the instant first plan's summary, `on_penalty` each better plan's penalty."""
    built = build(inspection, draft=not fresh)
    if _replanning(built, fresh):
        return _replan(inspection, built, time_limit, seed, progress, deterministic_time, on_first)
    report = progress or (lambda pct, stage: None)
    report(5, "Greedy first plan")
    first = solver.greedy(built.problem)
    if on_first is not None:  # on screen while CP-SAT refines it; the draft keeps its plan
        on_first(_result(built, first, preview_moves(inspection, built, first), []))
    report(30, "Refining with CP-SAT")
    refined = solver.solve(
        built.problem,
        time_limit=time_limit,
        seed=seed,
        workers=2,
        hint=first.placements,
        deterministic_time=deterministic_time,
        on_progress=on_penalty,
    )
    best = _better(refined, first)
    moves, skipped = apply_solution(inspection, built.problem, best, versions=built.versions)
    report(100, "Done")
    return _result(built, best, moves, skipped)


def replan(
    inspection: Inspection,
    time_limit: float = 2.0,
    seed: int = 0,
    progress: Progress | None = None,
    deterministic_time: float | None = None,
) -> PlanResult:
    """Re-plan after a change, keeping as much of the draft as it can."""
    built = build(inspection, draft=True)
    return _replan(inspection, built, time_limit, seed, progress, deterministic_time)


def _replan(
    inspection: Inspection,
    built: Built,
    time_limit: float,
    seed: int,
    progress: Progress | None,
    deterministic_time: float | None = None,
    on_first: FirstPlan | None = None,
) -> PlanResult:
    report = progress or (lambda pct, stage: None)
    if on_first is not None:  # the draft repaired first-fit: on screen while the re-plan runs
        first = _first_solution(built, replanning=True)
        on_first(_result(built, first, preview_moves(inspection, built, first), []))
    report(10, "Re-planning from the current draft")
    previous = current_placements(built)
    solution = solver.replan(
        built.problem,
        previous,
        time_limit=time_limit,
        seed=seed,
        deterministic_time=deterministic_time,
    )
    moves, skipped = apply_solution(inspection, built.problem, solution, versions=built.versions)
    report(100, "Done")
    return _result(built, solution, moves, skipped)


def check_draft(
    inspection: Inspection, meetings: Iterable[Meeting] | None = None
) -> tuple[list[Violation], list[Meeting]]:
    """Every hard-rule violation of the draft, and the active meetings not placed yet.
    `meetings`: the active meetings already read (publish checks the very rows it publishes)."""
    built = build(inspection, draft=True, meetings=meetings)
    placements = current_placements(built)
    violations = solver.check(built.problem, placements)
    unplaced = [m for mid, m in built.meetings.items() if mid not in placements]
    return violations, unplaced


def clash_messages(inspection: Inspection) -> list[str]:
    """The draft's hard-rule violations in plain English (the dashboard's clash risks)."""
    violations, _ = check_draft(inspection)
    return [v.message for v in violations]


def ensure_planned(inspection: Inspection) -> None:
    if not Meeting.objects.for_inspection(inspection).placed().exists():
        raise DomainError("Nothing is planned yet: run the planner first.")


def clear_placements_after_day_one_moved(inspection: Inspection, **kwargs: object) -> None:
    """On inspections.signals.day_one_moved: placements are absolute times, so a new day one
    voids them all.

    Windows, fixed times and absences in the seeds hang off day numbers and follow; the next
    plan places everything again (confirmed meetings too: their agreed date no longer exists).
    """
    with transaction.atomic():
        lock_schedule(inspection.pk)
        meetings = Meeting.objects.for_inspection(inspection).active()
        ids = list(meetings.values_list("pk", flat=True))
        Meeting.assigned_inspectors.through.objects.filter(meeting__in=meetings).delete()
        meetings.update(
            start=None,
            end=None,
            room=None,
            placed_venue=None,
            status=MeetingStatus.DRAFT,
            version=F("version") + 1,
        )
        with batch():  # the UPDATE sends no signal: each meeting's history row, written after it
            for meeting in Meeting.objects.filter(pk__in=ids):
                record_change(meeting)


def why_unplaced(meeting: Meeting) -> list[str]:
    """Plain-English reasons an unplaced meeting cannot go anywhere in the current draft."""
    if meeting.start is not None or meeting.status == MeetingStatus.CANCELLED:
        return []
    built = build(meeting.inspection, draft=True)
    return solver.explain(built.problem, str(meeting.pk), current_placements(built))
