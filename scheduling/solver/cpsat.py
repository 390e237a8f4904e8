"""solve(): CP-SAT over the connected parts of the problem, started from a complete hint.

Small parts are solved whole (`solve_parts`); a large one is improved a few meetings at a time
by large-neighbourhood search (lns.py `improve`), which beat whole-part CP-SAT at every size
and budget measured (`make bench` prints both side by side).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .check import check, score
from .clock import Clock
from .explain import reasons
from .greedy import greedy_place
from .index import Index
from .lns import improve
from .model import Builder
from .occupancy import Occupancy
from .problem import Meeting, Placement, Problem, Solution

log = logging.getLogger(__name__)

DETERMINISTIC_UP_TO = (
    40  # free meetings: parts this small search in deterministic (interleaved) mode
)
# free meetings in a part above which the part is improved neighbourhood by neighbourhood
# (lns.py): a whole-part CP-SAT model of the Shropshire part (119 free meetings) took 3 to 7 s
# to build and presolve on the 2-core machine and then improved slowly; its LP bound stays near 0
LNS_ABOVE = 40

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


def components(problem: Problem) -> list[list[Meeting]]:
    """Free meetings that share a possible inspector, person or room on a possible day (or a
    `before` link) are solved together; each part also carries the locked meetings it touches.
    (The per-day balance goal across parts is the one thing this ignores.)"""
    ix = Index(problem)
    parent: dict[str, str] = {m.id: m.id for m in problem.meetings}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    keys: dict[str, list[tuple[str, int]]] = {}
    owner: dict[tuple[str, int], str] = {}
    free = [m for m in problem.meetings if m.locked is None]
    for m in problem.meetings:
        if m.locked is not None:
            d = ix.day_of(m.locked.start)
            days = [d.midnight] if d else []
            res = [*m.locked.inspectors, *m.attendees, *([m.locked.room] if m.locked.room else [])]
        else:
            spans = ix.base_spans(m) or list(m.windows)
            days = [d.midnight for d in ix.candidate_days(spans, m.duration)]
            res = [*m.inspectors, *ix.pool(m), *m.attendees, *(r.id for r in ix.fitting_rooms(m))]
        keys[m.id] = [(r, d) for r in res for d in days]
    for m in free:
        for k in keys[m.id]:
            if k in owner:
                parent[find(m.id)] = find(owner[k])
            else:
                owner[k] = m.id
        for b in m.before:
            if b in parent and ix.meetings[b].locked is None:
                parent[find(m.id)] = find(b)
    groups: dict[str, list[Meeting]] = defaultdict(list)
    for m in free:
        groups[find(m.id)].append(m)
    comp_keys = {root: {k for m in ms for k in keys[m.id]} for root, ms in groups.items()}
    comp_ids = {root: {m.id for m in ms} for root, ms in groups.items()}
    linked = {root: {b for m in ms for b in m.before} for root, ms in groups.items()}
    for m in problem.meetings:
        if m.locked is None:
            continue
        for root, ks in comp_keys.items():
            if (
                m.id in linked[root]
                or any(b in comp_ids[root] for b in m.before)
                or any(k in ks for k in keys[m.id])
            ):
                groups[root].append(m)
    return sorted(groups.values(), key=len)


def full_hint(problem: Problem, hint: dict[str, Placement] | None) -> dict[str, Placement]:
    """A complete plan to start from: the valid part of `hint` (or of Meeting.hint), greedy for the rest."""
    if hint is None:
        hint = {m.id: m.hint for m in problem.meetings if m.hint is not None}
    ids = {m.id for m in problem.meetings}
    hint = {k: v for k, v in hint.items() if k in ids}
    if hint:
        bad = {mid for v in check(problem, hint) for mid in v.meetings}
        hint = {k: v for k, v in hint.items() if k not in bad}
    placements, _ = greedy_place(problem, fixed=hint)
    return placements


def _extract(b: Builder, solver: cp_model.CpSolver) -> dict[str, Placement]:
    out = {}
    for mid, mv in b.mv.items():
        if not solver.boolean_value(mv.p):
            continue
        chosen = [iid for iid, x in mv.x.items() if solver.boolean_value(x)]
        named = [i for i in mv.m.inspectors if i in chosen]
        insp = tuple(named + [i for i in chosen if i not in named])
        room = next((rid for rid, z in mv.z.items() if solver.boolean_value(z)), None)
        venue = b.ix.rooms[room].venue if room else (mv.m.venue if b.ix.is_physical(mv.m) else None)
        if mv.m.locked is not None:
            out[mid] = mv.m.locked
        else:
            out[mid] = Placement(solver.value(mv.s), insp, room, venue)
    return out


def solve_parts(
    problem: Problem,
    hint: dict[str, Placement],
    *,
    time_limit: float,
    seed: int,
    workers: int,
    move_weight: int = 0,
    single_worker_up_to: int = DETERMINISTIC_UP_TO,
    clock: Clock | None = None,
    whole: bool = False,
    presolve: bool = True,
) -> tuple[dict[str, Placement], list[str], float, float]:
    """Solve each connected part in turn (time shared by size); falls back to the hint per part.
    `time_limit` is counted on `clock` (wall-clock seconds unless it says otherwise). `whole`:
    one model of everything (a neighbourhood: its parts share the day's balance goal).
    `presolve=False` skips CP-SAT's presolve: a neighbourhood's model is small and mostly
    fixed, and presolve held back its first plan 0.02-0.08 s of a 0.2 s step (0.002 s without)."""
    clock = clock or Clock(time_limit)
    deadline = clock.now() + time_limit
    parts = [list(problem.meetings)] if whole else components(problem)
    placements: dict[str, Placement] = {m.id: m.locked for m in problem.meetings if m.locked}
    statuses: list[str] = []
    objective = bound = 0.0
    remaining = sum(len(p) for p in parts) or 1
    for part in parts:
        free = [m for m in part if m.locked is None]
        left = max(0.05, deadline - clock.now())
        budget = max(0.05, left * len(part) / remaining)
        remaining -= len(part)
        sub = dataclasses.replace(problem, meetings=tuple(part))
        sub_hint = {m.id: hint[m.id] for m in part if m.id in hint}
        b = Builder(sub, sub_hint, move_weight=move_weight)
        built = b.build(part)
        solver = cp_model.CpSolver()
        # one worker is deterministic (same seed, same plan) and as fast at small sizes
        clock.setup(solver, budget, workers if len(free) > single_worker_up_to else 1, seed)
        prm = solver.parameters
        prm.log_search_progress = log.isEnabledFor(logging.DEBUG - 1)
        prm.cp_model_probing_level = 0  # presolve 3x faster on these models, same plans
        prm.cp_model_presolve = presolve
        code = solver.solve(built.model)
        clock.spend(solver)
        st = STATUS.get(code, "unknown")
        log.debug(
            "part of %d free meetings: %s in %.2fs of %.2fs",
            len(free),
            st,
            solver.wall_time,
            budget,
        )
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            placements.update(_extract(b, solver))
            objective += solver.objective_value
            bound += max(0.0, solver.best_objective_bound)  # every goal term is >= 0
        else:
            placements.update({m.id: hint[m.id] for m in free if m.id in hint})
            hint_score = score(sub, sub_hint)["total"]
            objective += hint_score
            bound += 0.0
        statuses.append(st)
    return placements, statuses, objective, bound


def overall(statuses: list[str]) -> str:
    if not statuses or all(s == "optimal" for s in statuses):
        return "optimal"
    if all(s in ("optimal", "feasible") for s in statuses):
        return "feasible"
    if any(s == "infeasible" for s in statuses):
        return "infeasible"
    return "unknown"


def finish(
    problem: Problem,
    placements: dict[str, Placement],
    status: str,
    objective: float | None,
    bound: float | None,
    t0: float,
) -> Solution:
    ix = Index(problem)
    occ = Occupancy(ix)
    for mid, p in placements.items():
        occ.add(ix.meetings[mid], p)
    unplaced = {m.id: reasons(ix, occ, m) for m in problem.meetings if m.id not in placements}
    return Solution(
        placements=placements,
        unplaced=unplaced,
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - t0,
        soft=score(problem, placements),
    )


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 2,
    hint: dict[str, Placement] | None = None,
    deterministic_time: float | None = None,
    on_progress: Progress | None = None,
) -> Solution:
    """Refine a complete plan (the hint, greedy for the rest) with CP-SAT for `time_limit`
    seconds; or, given `deterministic_time`, for that much of CP-SAT's deterministic time with
    one worker (the same plan on any machine, however busy), `time_limit` then only a cap.
    `on_progress(seconds, penalty)` hears of each better whole plan (the start plan first)."""
    t0 = time.perf_counter()
    clock = Clock(time_limit, deterministic_time)
    deadline = clock.deadline()
    start = full_hint(problem, hint)
    parts = components(problem)
    small = [m for part in parts if _free(part) <= LNS_ABOVE for m in part]
    large = [part for part in parts if _free(part) > LNS_ABOVE]
    total = sum(_free(part) for part in parts) or 1
    placements = dict(start)
    report = _reporter(problem, t0, on_progress)
    report(placements)
    statuses: list[str] = []
    objective = bound = 0.0
    if small:
        sub = dataclasses.replace(problem, meetings=tuple(dict.fromkeys(small)))
        left = max(0.1, deadline - clock.now())
        share = left if not large else max(0.1, left * _free(small) / total)
        got, sts, obj, bnd = solve_parts(
            sub,
            {k: v for k, v in start.items() if k in {m.id for m in small}},
            time_limit=share,
            seed=seed,
            workers=workers,
            clock=clock,
        )
        placements.update(got)
        report(placements)
        statuses += sts
        objective += obj
        bound += bnd
    for n, part in enumerate(large):
        left = max(0.1, deadline - clock.now())
        share = left * _free(part) / max(1, sum(_free(p) for p in large[n:]))
        part_end = clock.now() + share
        sub = dataclasses.replace(problem, meetings=tuple(part))
        cur = {m.id: placements[m.id] for m in part if m.id in placements}
        bnd = 0.0  # every goal term is >= 0; the whole-part LP bound is no better in practice
        others = {k: v for k, v in placements.items() if k not in {m.id for m in part}}
        cur = improve(
            sub,
            cur,
            part_end,
            seed,
            workers,
            solve_parts,
            clock=clock,
            on_better=lambda got, others=others: report({**others, **got}),  # type: ignore[misc]
        )
        for m in part:
            placements.pop(m.id, None)
            if m.id in cur:
                placements[m.id] = cur[m.id]
        # the part always has a complete plan (the hint at worst): feasible, never proven optimal
        statuses.append("feasible")
        objective += score(sub, cur)["total"]
        bound += bnd
    status = overall(statuses)
    placements = repair_precedences(problem, placements)
    report(placements)
    objective = score(problem, placements)["total"]  # one scale: parts ignore cross-part balance
    # Safety net: never return a plan that breaks a hard rule the starting plan kept.
    if len(check(problem, placements)) > len(check(problem, start)):
        placements, status = start, "greedy"
        objective = score(problem, start)["total"]
    return finish(problem, placements, status, objective, bound, t0)


Progress = Callable[[float, float], None]


def _reporter(
    problem: Problem, t0: float, on_progress: Progress | None
) -> Callable[[dict[str, Placement]], None]:
    """Tells `on_progress` of a whole plan's penalty when it is lower than the last told."""
    best = [float("inf")]

    def report(placements: dict[str, Placement]) -> None:
        if on_progress is None:
            return
        total = score(problem, placements)["total"]
        if total < best[0] - 1e-9:
            best[0] = total
            on_progress(time.perf_counter() - t0, total)

    return report


def repair_precedences(problem: Problem, placements: dict[str, Placement]) -> dict[str, Placement]:
    """Re-place the later meeting of each broken `before` first-fit after the earlier one
    (everything else kept) when that lowers the soft score: the window-by-window search can
    leave a link broken that one move mends (a debrief left ahead of its case discussion)."""
    ix = Index(problem)
    broken = sorted(
        {
            b
            for mid, p in placements.items()
            for b in ix.meetings[mid].before
            if b in placements
            and ix.meetings[b].locked is None
            and p.start + ix.meetings[mid].duration > placements[b].start
        }
    )
    current = score(problem, placements)["total"]
    for b in broken:
        fixed = {k: v for k, v in placements.items() if k != b}
        got, _ = greedy_place(problem, fixed=fixed)
        if b not in got or got[b] == placements[b]:
            continue
        trial = {**placements, b: got[b]}
        total = score(problem, trial)["total"]
        if total < current:
            placements, current = trial, total
    return placements


def _free(part: list[Meeting]) -> int:
    return sum(1 for m in part if m.locked is None)
