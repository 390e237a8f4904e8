"""Decomposition by day: re-solve a few days at a time with everything else fixed.

A whole-inspection CP-SAT model is slow to improve (every move drags day, inspector, travel and
idle variables with it). Windows of two or three working days, with the meetings placed there
free to move only inside the window and all other meetings fixed, are small enough for CP-SAT
to solve to optimality in a fraction of a second; sliding the window over the plan repairs the
seams between days. A window's result is kept only if the whole plan's score improves.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable

from .check import score
from .clock import Clock
from .index import DAY_MINUTES, Index, intersect
from .problem import Meeting, Placement, Problem, Span

WINDOW_SINGLE_WORKER_UP_TO = 0  # windows use every worker they are given
KINDS = ("3", "pairs", "2")  # windows: three days in a row, any two days, two days in a row
log = logging.getLogger(__name__)
SolveParts = Callable[..., tuple[dict[str, Placement], list[str], float, float]]


MAX_FREE = 15  # free meetings per window: measured best of 10/15/20/30/40 on x2 (30 s)


def _windows(days: list[int], kind: str, rng: random.Random) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]]
    if kind == "pairs":  # any two days: lets a meeting jump from a crowded day to an empty one
        out = [(a, b) for i, a in enumerate(days) for b in days[i + 1 :]]
    else:
        size = int(kind)
        out = [tuple(days[i : i + size]) for i in range(0, max(1, len(days) - size + 1))]
    rng.shuffle(out)
    return out


def improve(
    problem: Problem,
    current: dict[str, Placement],
    deadline: float,
    seed: int,
    workers: int,
    solve_parts: SolveParts,
    step_limit: float = 1.0,
    clock: Clock | None = None,
    on_better: Callable[[dict[str, Placement]], None] | None = None,
) -> dict[str, Placement]:
    """Improve `current` window by window until `deadline` (on `clock`, wall-clock by default);
    `on_better` hears of each improved plan."""
    clock = clock or Clock(max(0.0, deadline - time.perf_counter()))
    ix = Index(problem)
    rng = random.Random(seed)
    movable = [m for m in problem.meetings if m.locked is None and m.fixed_start is None]
    days = sorted(
        {
            d.midnight
            for m in movable
            for d in ix.candidate_days(ix.base_spans(m) or list(m.windows), m.duration)
        }
    )
    if not days:
        return current
    best = score(problem, current)["total"]
    stale = 0
    while stale < 2:
        improved = False
        for kind in KINDS:
            for window in _windows(days, kind, rng):
                if clock.now() > deadline - 0.05 or clock.capped():
                    return current
                sub = _sub_problem(problem, ix, current, set(window), rng)
                if sub is None:
                    continue
                hint = {m.id: current[m.id] for m in sub.meetings if m.id in current}
                left = deadline - clock.now()
                placements, _, _, _ = solve_parts(
                    sub,
                    hint,
                    time_limit=min(step_limit, left),
                    seed=seed,
                    workers=workers,
                    single_worker_up_to=WINDOW_SINGLE_WORKER_UP_TO,
                    clock=clock,
                )
                candidate = dict(current)
                for m in sub.meetings:
                    if m.locked is None:
                        candidate.pop(m.id, None)
                        if m.id in placements:
                            candidate[m.id] = placements[m.id]
                total = score(problem, candidate)["total"]
                log.debug("window %s %s: %s", kind, window, total)
                if total < best - 1e-9:
                    best, current, improved = total, candidate, True
                    if on_better is not None:
                        on_better(current)
        stale = 0 if improved else stale + 1
    return current


def _sub_problem(
    problem: Problem,
    ix: Index,
    current: dict[str, Placement],
    window: set[int],
    rng: random.Random,
) -> Problem | None:
    spans = [Span(mn, mn + DAY_MINUTES) for mn in sorted(window)]
    free_ids: list[str] = []
    for m in problem.meetings:
        p = current.get(m.id)
        day = ix.day_of(p.start) if p is not None else None
        if m.locked is not None or m.fixed_start is not None:
            continue
        unplaced_fits = p is None and any(
            w.end - w.start >= m.duration for w in intersect(m.windows, spans)
        )
        if unplaced_fits or (day is not None and day.midnight in window):
            free_ids.append(m.id)
    if len(free_ids) > MAX_FREE:
        # keep whole inspector-days together: take the meetings of random inspectors
        groups: dict[str, list[str]] = {}
        for mid in free_ids:
            p = current.get(mid)
            key = p.inspectors[0] if p is not None and p.inspectors else f"_{mid}"
            groups.setdefault(key, []).append(mid)
        keys = sorted(groups)
        rng.shuffle(keys)
        chosen: list[str] = []
        for k in keys:
            if chosen and len(chosen) + len(groups[k]) > MAX_FREE:
                continue
            chosen += groups[k]
        free_ids = chosen
    if not free_ids:
        return None
    free = set(free_ids)
    meetings: list[Meeting] = []
    for m in problem.meetings:
        p = current.get(m.id)
        if m.id in free:
            meetings.append(
                dataclasses.replace(m, windows=tuple(intersect(m.windows, spans)), hint=None)
            )
        elif p is not None:
            meetings.append(dataclasses.replace(m, locked=p, hint=None))
    return dataclasses.replace(problem, meetings=tuple(meetings))
