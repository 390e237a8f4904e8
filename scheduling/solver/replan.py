"""replan(): re-solve after a change, moving as few previously planned meetings as possible.

Every meeting the change does not touch stays fixed; only the affected ones (breaking a rule
now, or new) are free, first alone, then with a widening neighbourhood (meetings sharing an
inspector, person or room with them that day; then the whole of those days; then everything)
until all of them are placed or time runs out. Inside a step the objective is near-lexicographic:
placing a meeting outweighs moving one, moving one outweighs any soft goal.
"""

from __future__ import annotations

import dataclasses
import time

from .check import Item, check, item_of, strict_day
from .clock import Clock
from .cpsat import finish, overall, solve_parts
from .greedy import greedy_place
from .index import Index
from .problem import Meeting, Placement, Problem, Solution

W_MOVE = 20_000


def same(a: Placement, b: Placement) -> bool:
    return a.start == b.start and set(a.inspectors) == set(b.inspectors) and a.room == b.room


def _strict_breaks(ix: Index, prev: dict[str, Placement]) -> set[str]:
    """Meetings on inspector-days the planner's strict reading (travel blocks, buffers, lunch,
    team time) rejects."""
    days: dict[tuple[str, int], list[Item]] = {}
    for mid, p in prev.items():
        m = ix.meetings[mid]
        d = ix.day_of(p.start)
        if d is None:
            continue
        it = item_of(ix, m, p)
        for iid in set(p.inspectors):
            days.setdefault((iid, d.midnight), []).append(it)
    out: set[str] = set()
    for (iid, mn), items in days.items():
        ok, _, _ = strict_day(ix, iid, items, mn)
        if not ok:
            out.update(i.mid for i in items)
    return out


def _neighbours(
    ix: Index, prev: dict[str, Placement], core: set[str], whole_days: bool
) -> set[str]:
    days: set[int] = set()
    res: set[str] = set()
    for mid in core:
        m = ix.meetings[mid]
        spans = ix.base_spans(m) or list(m.windows)
        days.update(d.midnight for d in ix.candidate_days(spans, m.duration))
        res.update([*m.inspectors, *ix.pool(m), *m.attendees, *(r.id for r in ix.fitting_rooms(m))])
    out = set(core)
    for mid, p in prev.items():
        d = ix.day_of(p.start)
        if d is None or d.midnight not in days:
            continue
        m = ix.meetings[mid]
        used = {*p.inspectors, *m.attendees, *([p.room] if p.room else [])}
        if whole_days or used & res:
            out.add(mid)
    return out


def replan(
    problem: Problem,
    previous: dict[str, Placement],
    *,
    time_limit: float = 2.0,
    seed: int = 0,
    deterministic_time: float | None = None,
) -> Solution:
    """Re-solve within `time_limit` seconds; or, given `deterministic_time`, within that much
    of CP-SAT's deterministic time on one worker (`time_limit` then only a cap), see solve()."""
    t0 = time.perf_counter()
    clock = Clock(time_limit, deterministic_time)
    deadline = clock.deadline()
    ix = Index(problem)
    prev = {k: v for k, v in previous.items() if k in ix.meetings}
    broken = {mid for v in check(problem, prev) for mid in v.meetings if mid in prev}
    broken |= _strict_breaks(ix, prev)
    broken = {mid for mid in broken if ix.meetings[mid].locked is None}
    new = {m.id for m in problem.meetings if m.id not in prev and m.locked is None}
    core = broken | new
    if not core:
        sol = finish(problem, dict(prev), "optimal", None, 0.0, t0)
        sol.objective = sol.soft["total"]
        return sol

    steps = [
        core,
        _neighbours(ix, prev, core, whole_days=False),
        _neighbours(ix, prev, core, whole_days=True),
        {m.id for m in problem.meetings},
    ]
    best: tuple[int, int, dict[str, Placement], str, float, float] | None = None
    tried: list[set[str]] = []
    for k, free in enumerate(steps):
        if any(free == t for t in tried):
            continue
        tried.append(free)
        left = deadline - clock.now()
        if (left <= 0.05 or clock.capped()) and best is not None:
            break
        sub = _derived(problem, prev, free)
        fixed = {mid: p for mid, p in prev.items() if mid in free and mid not in broken}
        start, _ = greedy_place(sub, fixed=fixed)
        share = left / (len(steps) - k) if k < len(steps) - 1 else left
        placements, statuses, obj, bound = solve_parts(
            sub,
            start,
            time_limit=max(0.05, share),
            seed=seed,
            workers=2,
            move_weight=W_MOVE,
            clock=clock,
        )
        unplaced = sum(1 for m in problem.meetings if m.id not in placements)
        moved = sum(
            1 for mid, p in prev.items() if mid in placements and not same(p, placements[mid])
        )
        if best is None or (unplaced, moved) < (best[0], best[1]):
            best = (unplaced, moved, placements, overall(statuses), obj, bound)
        if unplaced == 0:
            break
    assert best is not None
    _, _, placements, status, obj, bound = best
    sol = finish(problem, placements, status, obj, bound, t0)
    sol.moved = sorted(
        mid for mid, p in prev.items() if mid in placements and not same(p, placements[mid])
    )
    sol.moved += sorted(
        mid for mid, p in prev.items() if mid in ix.meetings and mid not in placements
    )
    # The model's objective weighs moves; report the plan on the one soft scale instead
    # (every goal term is >= 0, so 0 is the honest bound without a whole-plan solve).
    sol.objective, sol.bound = sol.soft["total"], 0.0
    return sol


def _derived(problem: Problem, prev: dict[str, Placement], free: set[str]) -> Problem:
    meetings: list[Meeting] = []
    for m in problem.meetings:
        if m.locked is not None:
            meetings.append(m)
        elif m.id in free:
            meetings.append(dataclasses.replace(m, hint=prev.get(m.id)))
        elif m.id in prev:
            meetings.append(dataclasses.replace(m, locked=prev[m.id]))
        else:
            meetings.append(m)
    return dataclasses.replace(problem, meetings=tuple(meetings))
