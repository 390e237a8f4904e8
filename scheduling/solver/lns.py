"""Large-neighbourhood search: re-solve a few meetings at a time with everything else fixed.

A whole-inspection CP-SAT model is slow to improve (every move drags day, inspector, travel and
idle variables with it, and its bound stays weak). A neighbourhood of a handful of meetings on
one to three working days, all other meetings fixed, is small enough for CP-SAT to improve in a
fraction of a second. Neighbourhoods alternate between where the penalty is (an inspector-day
picked with odds by its share of the soft score, with another of the inspector's days and the
colleagues working that day; while an inspector-day is over the target, every other one of
those is a crowding chain, see `_crowding`) and plain day windows (days in a row, any two
days), which repair the seams. The sub-problem holds only the meetings of those days (and those
linked to the free ones by `before`): the rest cannot interact with them, so it builds quickly
and is solved without CP-SAT's presolve. A result is kept only if the score of those days
improves (all of the whole plan's score that it can change). Two neighbourhoods on different
days run at once, each replaced the moment it is done, and one whose days another has changed
meanwhile is dropped. A meeting still unplaced after a twentieth of the budget gets a wide
neighbourhood (`_repair`) with a cost for every meeting it moves.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from .check import (
    W_COMPACT,
    W_CROWDED,
    W_PREFERRED,
    W_ROOM,
    W_TRAVEL,
    _by_day,
    _items,
    score,
    travel_in,
)
from .clock import Clock
from .index import DAY_MINUTES, Index, intersect
from .problem import Meeting, Placement, Problem, Span

log = logging.getLogger(__name__)
SolveParts = Callable[..., tuple[dict[str, Placement], list[str], float, float]]

MAX_FREE = 6  # free meetings per neighbourhood to start with (measured 3..10 on Shropshire)
MAX_GROWN = 12  # the most it grows to while neighbourhoods keep failing
GROW_AFTER = 10  # failures in a row before it grows by two
STEP_LIMIT = 0.2  # seconds (or deterministic units) per neighbourhood of MAX_FREE meetings
GIVE_UP_AFTER = 150  # neighbourhoods in a row without a better plan: the search has converged
# an unplaced meeting that small neighbourhoods have not placed by REPAIR_AFTER of the budget
# gets a wide one (see `_repair`) of this many step limits, both workers
REPAIR_AFTER = 0.05
REPAIR_STEPS = 15
REPAIR_FREE = 60
# ... where each meeting it moves costs this: placing one (W_UNPLACED) outweighs some thirty
# moves, so CP-SAT finds the short chain instead of reshuffling the week (measured on tight:
# 7 moved and the soft score up 780, against 50 moved and up 4,000 with no cost for a move)
REPAIR_MOVE = 3_000


def improve(
    problem: Problem,
    current: dict[str, Placement],
    deadline: float,
    seed: int,
    workers: int,
    solve_parts: SolveParts,
    step_limit: float = STEP_LIMIT,
    clock: Clock | None = None,
    on_better: Callable[[dict[str, Placement]], None] | None = None,
    max_free: int = MAX_FREE,
) -> dict[str, Placement]:
    """Improve `current` neighbourhood by neighbourhood until `deadline` (on `clock`,
    wall-clock by default); `on_better` hears of each improved plan. Neighbourhoods start at
    `max_free` meetings and grow while they keep failing (back to small after a success)."""
    clock = clock or Clock(max(0.0, deadline - time.perf_counter()))
    search = _Search(problem, current, seed, solve_parts, step_limit, clock, max_free)
    if not search.days:
        return current
    # two neighbourhoods on days apart at once, one per core (CP-SAT lets go of the GIL while it
    # searches), each replaced as soon as it is done so neither core waits for the other; a
    # deterministic budget keeps to one at a time so the plan repeats
    pairs = 2 if workers >= 2 and not clock.deterministic else 1
    pool = ThreadPoolExecutor(max_workers=pairs) if pairs > 1 else None
    running: dict[Future, _Job] = {}
    repair_at = clock.now() + REPAIR_AFTER * max(0.0, deadline - clock.now())
    try:
        while True:
            over = clock.now() > deadline - 0.02 or clock.capped()
            # converged: done, unless an unplaced meeting has not had its wide try since
            stuck = search.fails >= GIVE_UP_AFTER
            if over or (stuck and not search.may_repair()):
                if not running:
                    break
            elif search.unplaced() and (stuck or clock.now() >= repair_at):
                if not running:  # a wide neighbourhood holds every day: alone, both workers
                    if search.repair(deadline, workers) and on_better is not None:
                        on_better(search.current)
                    # the next wide try after a twentieth of what is left, small ones meanwhile
                    repair_at = clock.now() + REPAIR_AFTER * max(0.0, deadline - clock.now())
                    continue
            else:
                while len(running) < pairs:
                    taken = set().union(*(j.window for j in running.values()))
                    job = search.next_job(taken, deadline)
                    if job is None:
                        break
                    if pool is None:
                        if search.settle(job, job.run()) and on_better is not None:
                            on_better(search.current)
                        break
                    running[pool.submit(job.run)] = job
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                if search.settle(running.pop(fut), fut.result()) and on_better is not None:
                    on_better(search.current)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return search.current


@dataclasses.dataclass
class _Job:
    window: set[int]
    free_ids: list[str]
    sub: Problem
    hint: dict[str, Placement]
    kwargs: dict
    solve_parts: SolveParts

    def run(self) -> dict[str, Placement]:
        return self.solve_parts(self.sub, self.hint, **self.kwargs)[0]


class _Search:
    """The plan being improved and how the neighbourhoods are chosen, sized and taken in."""

    def __init__(
        self,
        problem: Problem,
        current: dict[str, Placement],
        seed: int,
        solve_parts: SolveParts,
        step_limit: float,
        clock: Clock,
        max_free: int,
    ) -> None:
        self.problem, self.seed, self.solve_parts = problem, seed, solve_parts
        self.step_limit, self.clock, self.max_free = step_limit, clock, max_free
        self.ix = ix = Index(problem)
        self.rng = random.Random(seed)
        self.movable = [m for m in problem.meetings if m.locked is None and m.fixed_start is None]
        self.cands = {
            m.id: {
                d.midnight
                for d in ix.candidate_days(ix.base_spans(m) or list(m.windows), m.duration)
            }
            for m in self.movable
        }
        self.days = sorted(set().union(*self.cands.values()))
        self.current = dict(current)
        self.linked = _links(problem)
        self.size = max_free
        self.fails = 0
        self.step = 0
        self.repairs = 0
        self.idle_repairs = 0  # wide tries in a row that placed nothing

    def unplaced(self) -> list[str]:
        return [m.id for m in self.movable if m.id not in self.current and self.cands[m.id]]

    def may_repair(self) -> bool:
        """Some unplaced meeting has not had a wide try since the last one that worked."""
        return self.idle_repairs < len(self.unplaced())

    def next_job(self, taken: set[int], deadline: float) -> _Job | None:
        """A neighbourhood on days apart from `taken` (None if four tries found none)."""
        for _try in range(4):
            window, free_ids = _neighbourhood(
                self.ix,
                self.current,
                self.days,
                self.movable,
                self.cands,
                self.rng,
                self.step,
                self.size,
            )
            self.step += 1
            if window & taken:
                continue
            sub = _sub_problem(self.problem, self.ix, self.current, window, free_ids, self.linked)
            if sub is None:
                self.fails += 1
                continue
            # bigger neighbourhoods get proportionally longer (one worker each: as good as two
            # on models this small, measured)
            limit = self.step_limit * self.size / self.max_free
            return self._job(
                window, free_ids, sub, max(0.02, min(limit, deadline - self.clock.now()))
            )
        return None

    def _job(
        self,
        window: set[int],
        free_ids: list[str],
        sub: Problem,
        limit: float,
        workers: int = 1,
        **extra: int,
    ) -> _Job:
        kwargs = dict(
            time_limit=limit,
            seed=self.seed + self.step,
            workers=workers,
            clock=self.clock,
            whole=True,
            presolve=False,  # measured: tight 0.35 -> 0.27, Shropshire 0.27 -> 0.24
            **extra,
        )
        hint = {m.id: self.current[m.id] for m in sub.meetings if m.id in self.current}
        return _Job(window, free_ids, sub, hint, kwargs, self.solve_parts)

    def settle(self, job: _Job, got: dict[str, Placement]) -> bool:
        """Take a finished neighbourhood's plan if it is better and still current."""
        # something it held, or a meeting it was to place, was changed by another one meanwhile
        if any(self.current.get(mid) != p for mid, p in job.hint.items()) or any(
            mid in self.current for mid in job.free_ids if mid not in job.hint
        ):
            return False
        if _accept(job.sub, self.current, job.free_ids, job.hint, got):
            self.fails, self.size = 0, self.max_free
            return True
        self.fails += 1
        if self.fails % GROW_AFTER == 0:
            self.size = min(MAX_GROWN, self.size + 2)
        return False

    def repair(self, deadline: float, workers: int) -> bool:
        """A wide neighbourhood for one unplaced meeting (in turn), every day open."""
        options = self.unplaced()
        u = self.ix.meetings[options[self.repairs % len(options)]]
        self.repairs += 1
        self.idle_repairs += 1  # until it places something
        free_ids = _repair(self.ix, self.current, self.movable, u, self.cands[u.id], REPAIR_FREE)
        window = set(self.days)
        sub = _sub_problem(
            self.problem, self.ix, self.current, window, free_ids, self.linked, stay=True
        )
        if sub is None:
            return False
        limit = min(REPAIR_STEPS * self.step_limit, (deadline - self.clock.now()) / 3)
        job = self._job(window, free_ids, sub, limit, workers, move_weight=REPAIR_MOVE)
        if _accept(sub, self.current, free_ids, job.hint, job.run()):
            self.fails = self.idle_repairs = 0
            return True
        return False


def _accept(
    sub: Problem,
    current: dict[str, Placement],
    free_ids: list[str],
    before: dict[str, Placement],
    got: dict[str, Placement],
) -> bool:
    """Take a neighbourhood's plan into `current` if it lowers the score of its days (the
    only part of the whole plan's score it can change)."""
    after = {k: v for k, v in before.items() if k not in free_ids}
    after.update({k: v for k, v in got.items() if k in free_ids})
    if after == before:
        return False
    old, new = score(sub, before)["total"], score(sub, after)["total"]
    log.debug("neighbourhood of %d meetings: %s -> %s", len(free_ids), old, new)
    if new >= old - 1e-9:
        return False
    for mid in free_ids:
        current.pop(mid, None)
        if mid in after:
            current[mid] = after[mid]
    return True


def _repair(
    ix: Index,
    current: dict[str, Placement],
    movable: list[Meeting],
    u: Meeting,
    days: set[int],
    most: int,
) -> list[str]:
    """An unplaced meeting freed with the placed meetings of the inspectors who could take it
    (its named ones if it has any, else its pool), those on its own `days` first, all open.
    On a tight plan the way in can be a chain of moves across the week (a court visit to
    another day, that day's meeting to a colleague) that no small neighbourhood holds."""
    who = set(u.inspectors) or set(ix.pool(u))
    theirs = [
        m.id
        for m in movable
        if m.id in current and m.id != u.id and set(current[m.id].inspectors) & who
    ]

    def elsewhere(mid: str) -> bool:
        d = ix.day_of(current[mid].start)
        return d is None or d.midnight not in days

    theirs.sort(key=lambda mid: (elsewhere(mid), mid))
    return [u.id] + theirs[: most - 1]


def _links(problem: Problem) -> dict[str, set[str]]:
    """Meetings joined by a `before` precedence, both ways."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in problem.meetings:
        for b in m.before:
            out[m.id].add(b)
            out[b].add(m.id)
    return out


def penalties(ix: Index, placements: dict[str, Placement]) -> dict[tuple[str, int], float]:
    """The soft score by inspector-day (travel, idle time, crowding, rooms, preferred starts, and
    the day's load spread charged to its busiest and least busy inspectors)."""
    problem = ix.problem
    out: dict[tuple[str, int], float] = defaultdict(float)
    load: dict[tuple[str, int], int] = defaultdict(int)
    for iid, items in _items(ix, placements).items():
        for mn, day in _by_day(ix, items).items():
            key = (iid, mn)
            load[key] = sum(i.end - i.start for i in day)
            flex = [i for i in day if ix.meetings[i.mid].fixed_start is None]
            pen = W_TRAVEL * sum(travel_in(ix, day).values())
            if flex:
                busy = sum(i.hi - i.lo for i in flex)
                pen += W_COMPACT * (max(i.hi for i in flex) - min(i.lo for i in flex) - busy)
            pen += W_CROWDED * max(0, len(day) - problem.rules.target_meetings_per_day)
            used = {(placements[i.mid].room, i.venue) for i in day if placements[i.mid].room}
            pen += W_ROOM * (len(used) - len({v for _, v in used}))
            for i in day:
                m = ix.meetings[i.mid]
                if m.preferred_start is not None:
                    pen += W_PREFERRED * abs(i.start - m.preferred_start)
            out[key] += pen
    for d in ix.days:
        present = ix.present(d)
        if len(present) < 2:
            continue
        loads = {i: load.get((i, d.midnight), 0) for i in present}
        spread = max(loads.values()) - min(loads.values())
        if spread:
            out[(max(loads, key=loads.__getitem__), d.midnight)] += spread / 2
            out[(min(loads, key=loads.__getitem__), d.midnight)] += spread / 2
    return out


def _neighbourhood(
    ix: Index,
    current: dict[str, Placement],
    days: list[int],
    movable: list[Meeting],
    cands: dict[str, set[int]],
    rng: random.Random,
    step: int,
    max_free: int,
) -> tuple[set[int], list[str]]:
    """(window days, free meetings): every other step around a costly inspector-day (every
    other of those, while an inspector-day is crowded, a crowding chain), else a random window
    of days in a row or any two days."""
    by_day: dict[int, list[str]] = defaultdict(list)  # movable meetings placed on each day
    by_insp_day: dict[tuple[str, int], list[str]] = defaultdict(list)
    unplaced: list[str] = []
    for m in movable:
        p = current.get(m.id)
        if p is None:
            unplaced.append(m.id)
            continue
        d = ix.day_of(p.start)
        if d is None:
            continue
        by_day[d.midnight].append(m.id)
        for iid in p.inspectors:
            by_insp_day[(iid, d.midnight)].append(m.id)
    focus: list[str] = []
    if step % 4 == 0:
        chain = _crowding(ix, current, by_day, by_insp_day, cands, rng, max_free)
        if chain is not None:
            return chain
    if step % 2 == 0:
        pens = [(k, v) for k, v in sorted(penalties(ix, current).items()) if v > 0]
        pens = [(k, v) for k, v in pens if by_insp_day.get(k)]
        if pens:
            (iid, mn), _ = _weighted(pens, rng)
            mine = sorted(d for (i, d) in by_insp_day if i == iid and d != mn)
            other = rng.choice(mine) if mine and rng.random() < 0.5 else rng.choice(days)
            window = {mn, other}
            focus = list(by_insp_day[(iid, mn)])
            if other != mn:
                focus += by_insp_day.get((iid, other), [])
        else:
            window = _random_window(days, rng)
    else:
        window = _random_window(days, rng)
    # meetings on the window days, grouped by inspector-day so whole days move together
    groups: dict[tuple[str, int], list[str]] = {}
    for mn in sorted(window):
        for mid in by_day.get(mn, []):
            if mid in focus:
                continue
            p = current[mid]
            key = (p.inspectors[0] if p.inspectors else f"_{mid}", mn)
            groups.setdefault(key, []).append(mid)
    keys = sorted(groups)
    rng.shuffle(keys)
    spans = [Span(mn, mn + DAY_MINUTES) for mn in sorted(window)]
    fits = [
        mid
        for mid in unplaced
        if any(
            w.end - w.start >= ix.meetings[mid].duration
            for w in intersect(ix.meetings[mid].windows, spans)
        )
    ]
    chosen = list(dict.fromkeys(fits + focus))[:max_free]
    for k in keys:
        if len(chosen) >= max_free:
            break
        if chosen and len(chosen) + len(groups[k]) > max_free:
            room = max_free - len(chosen)
            chosen += rng.sample(groups[k], room)
            break
        chosen += groups[k]
    return window, chosen


def _crowding(
    ix: Index,
    current: dict[str, Placement],
    by_day: dict[int, list[str]],
    by_insp_day: dict[tuple[str, int], list[str]],
    cands: dict[str, set[int]],
    rng: random.Random,
    max_free: int,
) -> tuple[set[int], list[str]] | None:
    """A chain for an inspector over the day's target: free their meetings of day d with the
    meetings of d that colleagues who could take one of them hold and that could be on another
    day e with room, so a colleague's meeting moves to e and one of the inspector's moves to
    the colleague (or one of the inspector's goes to e). A day-pair window rarely frees that
    pair together, and neither move alone lowers the score."""
    target = ix.problem.rules.target_meetings_per_day
    # meetings per inspector-day counted as score() counts them for the crowded goal
    count = {
        (iid, mn): len(day)
        for iid, items in _items(ix, current).items()
        for mn, day in _by_day(ix, items).items()
    }
    on_day: dict[int, int] = defaultdict(int)
    for (_, mn), n in count.items():
        on_day[mn] += n
    crowded = [
        (k, float(n - target))
        for k, n in sorted(count.items())
        if n > target and by_insp_day.get(k)
    ]
    if not crowded:
        return None
    (iid, mn), _ = _weighted(crowded, rng)
    mine = by_insp_day[(iid, mn)]
    # colleagues who could take one of the crowded inspector's meetings
    takers = {j for mid in mine for j in ix.pool(ix.meetings[mid])} - {iid}
    leavers = [
        mid
        for mid in by_day.get(mn, [])
        if iid not in current[mid].inspectors
        and cands[mid] - {mn}
        and set(current[mid].inspectors) & takers
    ]
    # the other day: any with room at target that a leaver, or one of the inspector's own
    # meetings, could go to (a near day with one place free as likely as an empty week)
    movers = leavers + [mid for mid in mine if cands[mid] - {mn}]
    days = {d.midnight: d for d in ix.days}

    def roomy(among: set[int]) -> list[int]:
        """The days of `among` with room at target for one more inspector-meeting."""
        return sorted(
            e for e in among if e in days and len(ix.present(days[e])) * target > on_day.get(e, 0)
        )

    others = roomy(set().union(*(cands[mid] for mid in movers)) - {mn})
    if others and (leavers or rng.random() < 0.5):
        e = rng.choice(others)
        going = [mid for mid in leavers if e in cands[mid]]
        rng.shuffle(going)
        return {mn, e}, list(dict.fromkeys(mine + going))[: max_free + 2]
    return _three_day_chain(ix, current, by_insp_day, cands, rng, max_free, iid, mn, roomy)


def _three_day_chain(
    ix: Index,
    current: dict[str, Placement],
    by_insp_day: dict[tuple[str, int], list[str]],
    cands: dict[str, set[int]],
    rng: random.Random,
    max_free: int,
    iid: str,
    mn: int,
    roomy: Callable[[set[int]], list[int]],
) -> tuple[set[int], list[str]] | None:
    """When nothing on the crowded day d can leave it: a colleague's meeting on another day f
    goes to a day e with room, and one of the inspector's meetings of d moves to f in the
    colleague's place (three moves, none of which lowers the score alone)."""
    mine = by_insp_day[(iid, mn)]
    options = []  # (f, a colleague's meeting on f, the days with room it could go to)
    for mid in mine:
        for j in sorted(set(ix.pool(ix.meetings[mid])) - {iid}):
            for f in sorted(cands[mid] - {mn}):
                for x in by_insp_day.get((j, f), []):
                    if iid not in current[x].inspectors and (to := roomy(cands[x] - {mn, f})):
                        options.append((f, x, to))
    if not options:
        return None
    f, x, to = rng.choice(options)
    e = rng.choice(to)
    going = [x] + [y for g, y, r in options if g == f and e in r and y != x]
    return {mn, f, e}, list(dict.fromkeys(mine + going))[: max_free + 2]


def _weighted(items: list[tuple[tuple[str, int], float]], rng: random.Random) -> tuple:
    total = sum(v for _, v in items)
    r = rng.random() * total
    for item in items:
        r -= item[1]
        if r <= 0:
            return item
    return items[-1]


def _random_window(days: list[int], rng: random.Random) -> set[int]:
    kind = rng.random()
    if kind < 0.4 or len(days) < 2:  # any two days: lets a meeting jump to an emptier day
        return set(rng.sample(days, min(2, len(days))))
    size = 2 if kind < 0.7 else 3
    i = rng.randrange(0, max(1, len(days) - size + 1))
    return set(days[i : i + size])


def _sub_problem(
    problem: Problem,
    ix: Index,
    current: dict[str, Placement],
    window: set[int],
    free_ids: list[str],
    linked: dict[str, set[str]],
    stay: bool = False,
) -> Problem | None:
    """The free meetings (allowed only on the window days) and, fixed, every other placed
    meeting of those days and each placed meeting linked to a free one by `before`. `stay`:
    each free meeting's current placement is its hint, so a move weight counts moving it."""
    if not free_ids:
        return None
    free = set(free_ids)
    spans = [Span(mn, mn + DAY_MINUTES) for mn in sorted(window)]
    keep = {b for mid in free for b in linked.get(mid, ())}
    meetings: list[Meeting] = []
    for m in problem.meetings:
        p = current.get(m.id)
        if m.id in free:
            meetings.append(
                dataclasses.replace(
                    m,
                    windows=tuple(intersect(m.windows, spans)),
                    hint=current.get(m.id) if stay else None,
                )
            )
        elif p is not None:
            d = ix.day_of(p.start)
            on_window = d is not None and d.midnight in window
            if on_window or m.id in keep:
                meetings.append(dataclasses.replace(m, locked=p, hint=None))
    return dataclasses.replace(problem, meetings=tuple(meetings))
