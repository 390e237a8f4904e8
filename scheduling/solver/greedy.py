"""A first-fit baseline: fast, respects every hard rule (strict reading), explains what it leaves."""

from __future__ import annotations

import time

from .check import score
from .explain import reasons
from .index import Index
from .occupancy import Occupancy
from .problem import Meeting, Placement, Problem, Solution


def _order(ix: Index, m: Meeting) -> tuple[int, int, int, str]:
    if m.locked is not None:
        return (0, 0, 0, m.id)
    if m.fixed_start is not None:
        return (1, 0, 0, m.id)
    room = len(ix.fitting_rooms(m)) if ix.needs_room(m) else 99
    freedom = sum(s.end - s.start - m.duration for s in ix.base_spans(m))
    return (2, min(room, 5), freedom // 60 - len(m.attendees) * 30, m.id)


def greedy_place(
    problem: Problem, fixed: dict[str, Placement] | None = None
) -> tuple[dict[str, Placement], dict[str, list[str]]]:
    """Place every meeting first-fit around `fixed` placements (kept as they are)."""
    ix = Index(problem)
    occ = Occupancy(ix)
    placements: dict[str, Placement] = {}
    fixed = dict(fixed or {})
    for m in problem.meetings:
        if m.locked is not None:
            fixed.setdefault(m.id, m.locked)
    for mid, p in fixed.items():
        if mid in ix.meetings:
            occ.add(ix.meetings[mid], p)
            placements[mid] = p
    todo = sorted(
        (m for m in problem.meetings if m.id not in placements), key=lambda m: _order(ix, m)
    )
    failed: list[Meeting] = []
    for m in todo:
        base = ix.base_spans(m)
        rooms = ix.fitting_rooms(m)
        for s in occ.candidate_starts(m, base):
            got = occ.try_at(m, s, rooms)
            if got is not None:
                occ.add(m, got)
                placements[m.id] = got
                break
        else:
            failed.append(m)
    unplaced = {m.id: reasons(ix, occ, m) for m in failed}
    return placements, unplaced


def greedy(problem: Problem) -> Solution:
    t0 = time.perf_counter()
    placements, unplaced = greedy_place(problem)
    soft = score(problem, placements)
    return Solution(
        placements=placements,
        unplaced=unplaced,
        status="greedy",
        objective=soft["total"],
        seconds=time.perf_counter() - t0,
        soft=soft,
    )
