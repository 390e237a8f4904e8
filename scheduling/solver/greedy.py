"""A first-fit baseline: fast, respects every hard rule (strict reading), explains what it leaves."""

from __future__ import annotations

import time

from .check import score
from .explain import reasons
from .index import Index
from .occupancy import Occupancy
from .problem import Meeting, Placement, Problem, Solution

TIGHT = 3 * 60  # minutes of freedom below which a meeting is placed before the rest


def _order(ix: Index, m: Meeting) -> tuple[int, int, int, int, str]:
    if m.locked is not None:
        return (0, 0, 0, 0, m.id)
    if m.fixed_start is not None:
        return (1, 0, 0, 0, m.id)
    room = len(ix.fitting_rooms(m)) if ix.needs_room(m) else 99
    freedom = sum(s.end - s.start - m.duration for s in ix.base_spans(m))
    # a meeting with only a slot or two (a daily KIT before the team time) goes first
    tight = 0 if freedom < TIGHT else 1
    return (2, tight, min(room, 5), freedom // 60 - len(m.attendees) * 30, m.id)


def _after_predecessors(todo: list[Meeting], preds: dict[str, list[Meeting]]) -> list[Meeting]:
    """`todo` in order, except that a meeting waits for the predecessors still to place."""
    pending = {m.id for m in todo}
    waiting: dict[str, list[Meeting]] = {}
    out: list[Meeting] = []

    def release(m: Meeting) -> None:
        stack = [m]
        while stack:
            cur = stack.pop()
            out.append(cur)
            pending.discard(cur.id)
            for w in reversed(waiting.pop(cur.id, [])):
                blocker = next((p.id for p in preds.get(w.id, ()) if p.id in pending), None)
                if blocker is None:
                    stack.append(w)
                else:
                    waiting.setdefault(blocker, []).append(w)

    for m in todo:
        if m.id not in pending:
            continue
        blocker = next((p.id for p in preds.get(m.id, ()) if p.id in pending), None)
        if blocker is None:
            release(m)
        else:
            waiting.setdefault(blocker, []).append(m)
    # cycles: whatever still waits goes last, in order
    out.extend(m for m in todo if m.id in pending)
    return out


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
    preds: dict[str, list[Meeting]] = {}
    for m in problem.meetings:
        for b in m.before:
            preds.setdefault(b, []).append(m)
    failed: list[Meeting] = []
    for m in _after_predecessors(todo, preds):
        base = ix.base_spans(m)
        rooms = ix.fitting_rooms(m)
        # Soft `before`: try starts after every placed predecessor has ended first.
        after = max(
            (
                placements[p.id].start + p.duration
                for p in preds.get(m.id, ())
                if p.id in placements
            ),
            default=None,
        )
        starts = list(occ.candidate_starts(m, base))
        if after is not None:
            starts = [s for s in starts if s >= after] + [s for s in starts if s < after]
        for s in starts:
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
