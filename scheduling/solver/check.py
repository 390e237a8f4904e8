"""The hard rules as a pure checker, the soft score, and the inspector-day timeline.

Two readings of an inspector's day:
- `check` (lenient, what a person is held to): meetings don't overlap; between two meetings in
  person at different venues the free time (not counting any Teams meeting in between) covers the
  travel; `min_gap` between two meetings in a row at the same venue; a lunch gap inside the
  lunch window; at most the daily number of case meetings.
- `strict_day` (what greedy and CP-SAT plan to, always passes `check`): each in-person/visit
  meeting blocks `min_gap` after it and, before it, the longest travel from any earlier venue
  that day; nothing else of the inspector's (Teams, lunch) may overlap those blocks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .index import DAY_MINUTES, Index, fits
from .problem import IN_PERSON, Meeting, Placement, Problem, Span, Violation

# Soft weights: one scale for every plan (greedy, CP-SAT, by hand).
W_PREFERRED = 1  # per minute away from the preferred start
W_IDLE = 1  # per idle minute between an inspector's first and last movable meeting of a day
# (fixed-time meetings such as KITs are left out: the plan cannot change the gaps they make)
W_BALANCE = 1  # per minute between the busiest and the least busy inspector of a day
W_ROOM = 30  # per extra room an inspector uses at one venue in a day
W_BEFORE = 120  # per `before` precedence broken
W_UNPLACED = 100_000  # per meeting left unplaced
W_CROWDED = 300  # per meeting above Rules.target_meetings_per_day for an inspector-day
W_LUNCH = 5_000  # per inspector-day without a lunch break (also a hard-rule violation)


@dataclass(frozen=True)
class Item:
    mid: str
    start: int
    end: int
    venue: str | None  # None: Teams
    case: bool


def _items(ix: Index, placements: dict[str, Placement]) -> dict[str, list[Item]]:
    by_insp: dict[str, list[Item]] = defaultdict(list)
    for mid, p in placements.items():
        m = ix.meetings.get(mid)
        if m is None:
            continue
        it = Item(mid, p.start, p.start + m.duration, ix.venue_of(m, p), m.counts_as_case)
        for iid in set(p.inspectors):
            by_insp[iid].append(it)
    for items in by_insp.values():
        items.sort(key=lambda i: (i.start, i.end))
    return by_insp


def _by_day(ix: Index, items: list[Item]) -> dict[int, list[Item]]:
    days: dict[int, list[Item]] = defaultdict(list)
    for it in items:
        d = ix.day_of(it.start)
        days[d.midnight if d else (it.start // DAY_MINUTES) * DAY_MINUTES].append(it)
    return days


def lunch_start(problem: Problem, midnight: int, busy: list[tuple[int, int]]) -> int | None:
    """Earliest start of a lunch break inside the day's lunch window that avoids `busy`."""
    rules = problem.rules
    lo, hi = midnight + rules.lunch_window[0], midnight + rules.lunch_window[1]
    t = lo
    for s, e in sorted(busy):
        if e <= t:
            continue
        if s >= t + rules.lunch_minutes:
            break
        t = max(t, e)
    return t if t + rules.lunch_minutes <= hi else None


def strict_day(
    ix: Index, items: list[Item], midnight: int
) -> tuple[bool, dict[str, int], int | None]:
    """(feasible, travel-before minutes per meeting, lunch start) for one inspector-day."""
    gap = ix.problem.rules.min_gap
    items = sorted(items, key=lambda i: i.start)
    tin: dict[str, int] = {}
    ext: list[tuple[int, int]] = []
    seen: list[str] = []
    for it in items:
        if it.venue is None:
            ext.append((it.start, it.end))
            continue
        t = max((ix.problem.travel_minutes(v, it.venue) for v in seen), default=0)
        tin[it.mid] = t
        ext.append((it.start - t, it.end + gap))
        seen.append(it.venue)
    ext_sorted = sorted(ext)
    for a, b in zip(ext_sorted, ext_sorted[1:], strict=False):
        if b[0] < a[1]:
            return False, tin, None
    ls = lunch_start(ix.problem, midnight, ext) if items else None
    if items and ls is None:
        return False, tin, None
    return True, tin, ls


def check(problem: Problem, placements: dict[str, Placement]) -> list[Violation]:
    """Every hard-rule violation of a (partial) plan, in plain English."""
    ix = Index(problem)
    out: list[Violation] = []
    for mid, p in placements.items():
        m = ix.meetings.get(mid)
        if m is None:
            out.append(Violation("unknown_meeting", f"Unknown meeting {mid}.", (mid,)))
            continue
        out.extend(_check_meeting(ix, m, p))
    out.extend(_check_people_and_rooms(ix, placements))
    out.extend(_check_inspectors(ix, placements))
    return out


def _check_meeting(ix: Index, m: Meeting, p: Placement) -> list[Violation]:
    out: list[Violation] = []
    s, e = p.start, p.start + m.duration
    t = ix.title(m.id)

    def v(rule: str, msg: str) -> None:
        out.append(Violation(rule, msg, (m.id,)))

    if m.locked is not None and (
        m.locked.start != p.start
        or set(m.locked.inspectors) != set(p.inspectors)
        or m.locked.room != p.room
    ):
        v("locked", f"{t} is confirmed for {ix.when(m.locked.start)} and cannot be moved.")
    if not fits(m.windows, s, e):
        v("window", f"{t} at {ix.when(s)}–{ix.local(e)} is outside its allowed times.")
    if m.fixed_start is not None and s != m.fixed_start:
        v("fixed_start", f"{t} has a fixed time of {ix.when(m.fixed_start)}.")
    chosen = list(dict.fromkeys(p.inspectors))
    for iid in m.inspectors:
        if iid not in chosen:
            v("inspectors", f"{t} needs {ix.who(iid)}.")
    extra = [i for i in chosen if i not in m.inspectors]
    for iid in extra:
        if iid not in m.inspector_pool:
            v("inspectors", f"{ix.who(iid)} is not one of the inspectors who can take {t}.")
    if len(extra) != m.inspectors_needed:
        v(
            "inspectors",
            f"{t} needs {m.inspectors_needed} inspector(s) from its pool besides the named ones, "
            f"not {len(extra)}.",
        )
    for iid in chosen:
        if iid not in ix.inspectors:
            v("unknown", f"Unknown inspector {iid} on {t}.")
        elif not fits(ix.inspector_spans(iid), s, e):
            v(
                "inspector_unavailable",
                f"{ix.who(iid)} is not available {ix.when(s)}–{ix.local(e)} for {t}.",
            )
    for pid in m.attendees:
        spans = ix.person_spans(pid)
        if spans is not None and not fits(spans, s, e):
            v(
                "person_unavailable",
                f"{ix.who(pid)} is not available {ix.when(s)}–{ix.local(e)} for {t}.",
            )
    if m.mode == IN_PERSON:
        if p.room is None:
            v("room_missing", f"{t} is in person but has no room.")
        elif p.room not in ix.rooms:
            v("unknown", f"Unknown room {p.room} for {t}.")
        else:
            r = ix.rooms[p.room]
            if r.capacity < m.size:
                v("room_capacity", f"{r.name} holds {r.capacity} people; {t} has {m.size}.")
            missing = m.equipment - r.equipment
            if missing:
                v("room_equipment", f"{r.name} has no {', '.join(sorted(missing))} for {t}.")
            if m.venue is not None and r.venue != m.venue:
                v(
                    "room_venue",
                    f"{t} must be at {ix.venue_name(m.venue)}; {r.name} is at {ix.venue_name(r.venue)}.",
                )
            elif m.rooms and r.id not in m.rooms:
                v("room_venue", f"{r.name} is not one of the rooms listed for {t}.")
            spans = ix.room_spans(r.id)
            if spans is not None and not fits(spans, s, e):
                v("room_unavailable", f"{r.name} is not bookable {ix.when(s)}–{ix.local(e)}.")
    elif p.room is not None:
        v("room_venue", f"{t} is {m.mode.replace('_', ' ')} and takes no room.")
    return out


def _sweep(intervals: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """Overlapping pairs (a, b) among (start, end, id), each reported once."""
    intervals.sort()
    pairs: list[tuple[str, str]] = []
    active: list[tuple[int, int, str]] = []
    for s, e, mid in intervals:
        active = [a for a in active if a[1] > s]
        pairs.extend((a[2], mid) for a in active)
        active.append((s, e, mid))
    return pairs


def _check_people_and_rooms(ix: Index, placements: dict[str, Placement]) -> list[Violation]:
    out = []
    per_person: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    per_room: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for mid, p in placements.items():
        m = ix.meetings.get(mid)
        if m is None:
            continue
        for pid in set(m.attendees):
            per_person[pid].append((p.start, p.start + m.duration, mid))
        if p.room is not None and m.mode == IN_PERSON:
            per_room[p.room].append((p.start, p.start + m.duration, mid))
    for pid, iv in per_person.items():
        for a, b in _sweep(iv):
            out.append(
                Violation(
                    "person_clash",
                    f"{ix.who(pid)} is in {ix.title(a)} and {ix.title(b)} at once "
                    f"({ix.when(placements[b].start)}).",
                    (a, b),
                )
            )
    for rid, iv in per_room.items():
        for a, b in _sweep(iv):
            name = ix.rooms[rid].name if rid in ix.rooms else rid
            out.append(
                Violation(
                    "room_clash",
                    f"{name} is booked for {ix.title(a)} and {ix.title(b)} at once "
                    f"({ix.when(placements[b].start)}).",
                    (a, b),
                )
            )
    return out


def _check_inspectors(ix: Index, placements: dict[str, Placement]) -> list[Violation]:
    out: list[Violation] = []
    rules = ix.problem.rules
    for iid, items in _items(ix, placements).items():
        who = ix.who(iid)
        for a, b in _sweep([(it.start, it.end, it.mid) for it in items]):
            out.append(
                Violation(
                    "inspector_clash",
                    f"{who} is in {ix.title(a)} and {ix.title(b)} at once ({ix.when(placements[b].start)}).",
                    (a, b),
                )
            )
        for midnight, day in _by_day(ix, items).items():
            last: Item | None = None
            teams: list[Item] = []
            for it in day:
                if it.venue is None:
                    if last is not None:
                        teams.append(it)
                    continue
                if last is not None and it.start >= last.end:
                    travel = ix.problem.travel_minutes(last.venue, it.venue)
                    free = it.start - last.end - sum(t.end - t.start for t in teams)
                    if last.venue != it.venue and free < travel:
                        extra = (
                            f" (with the Teams meeting {ix.title(teams[0].mid)} in between)"
                            if teams
                            else ""
                        )
                        out.append(
                            Violation(
                                "travel",
                                f"{who} is at {ix.venue_name(last.venue)} until {ix.local(last.end)}; "
                                f"travel to {ix.venue_name(it.venue)} takes {travel} minutes, "
                                f"but {ix.title(it.mid)} starts at {ix.local(it.start)}{extra}.",
                                (last.mid, it.mid, *(t.mid for t in teams)),
                            )
                        )
                    elif (
                        last.venue == it.venue and not teams and it.start - last.end < rules.min_gap
                    ):
                        out.append(
                            Violation(
                                "min_gap",
                                f"{who} needs {rules.min_gap} minutes between {ix.title(last.mid)} "
                                f"(until {ix.local(last.end)}) and {ix.title(it.mid)} "
                                f"(at {ix.local(it.start)}).",
                                (last.mid, it.mid),
                            )
                        )
                last, teams = it, []
            if lunch_start(ix.problem, midnight, [(i.start, i.end) for i in day]) is None:
                lo, hi = rules.lunch_window
                out.append(
                    Violation(
                        "lunch",
                        f"{who} has no {rules.lunch_minutes}-minute lunch break between "
                        f"{lo // 60:02d}:{lo % 60:02d} and {hi // 60:02d}:{hi % 60:02d} "
                        f"on {ix.when(midnight)[:-6]}.",
                        tuple(i.mid for i in day),
                    )
                )
            cases = [i.mid for i in day if i.case]
            limit = ix.case_limit(iid)
            if len(cases) > limit:
                out.append(
                    Violation(
                        "case_limit",
                        f"{who} has {len(cases)} case meetings on {ix.when(midnight)[:-6]}; "
                        f"the limit is {limit}.",
                        tuple(cases),
                    )
                )
    return out


def available_on(ix: Index, iid: str, lo: int, hi: int) -> bool:
    return any(s.overlaps(Span(lo, hi)) for s in ix.inspector_spans(iid))


def score(problem: Problem, placements: dict[str, Placement]) -> dict[str, float]:
    """Soft penalty by goal (and the total) for any plan, on the same scale as CP-SAT's objective."""
    ix = Index(problem)
    pref = 0
    before = 0
    for mid, p in placements.items():
        m = ix.meetings.get(mid)
        if m is None:
            continue
        if m.preferred_start is not None:
            pref += abs(p.start - m.preferred_start)
        for b in m.before:
            if b in placements and p.start + m.duration > placements[b].start:
                before += 1
    idle = 0
    rooms = 0
    lunch = 0
    crowded = 0
    load: dict[tuple[str, int], int] = defaultdict(int)
    for iid, items in _items(ix, placements).items():
        for midnight, day in _by_day(ix, items).items():
            busy = sum(i.end - i.start for i in day)
            load[(iid, midnight)] += busy
            flex = [i for i in day if ix.meetings[i.mid].fixed_start is None]
            crowded += max(0, len(day) - problem.rules.target_meetings_per_day)
            if flex:
                idle += (
                    max(i.end for i in flex)
                    - min(i.start for i in flex)
                    - sum(i.end - i.start for i in flex)
                )
            used = {(placements[i.mid].room, i.venue) for i in day if placements[i.mid].room}
            rooms += len(used) - len({v for _, v in used})
            if lunch_start(problem, midnight, [(i.start, i.end) for i in day]) is None:
                lunch += 1
    balance = 0
    for d in ix.days:
        present = [i.id for i in problem.inspectors if available_on(ix, i.id, d.start, d.end)]
        if len(present) >= 2:
            loads = [load.get((i, d.midnight), 0) for i in present]
            balance += max(loads) - min(loads)
    unplaced = sum(1 for m in problem.meetings if m.id not in placements)
    out = {
        "preferred": float(W_PREFERRED * pref),
        "idle": float(W_IDLE * idle),
        "balance": float(W_BALANCE * balance),
        "room_changes": float(W_ROOM * rooms),
        "crowded": float(W_CROWDED * crowded),
        "before": float(W_BEFORE * before),
        "lunch": float(W_LUNCH * lunch),
        "unplaced": float(W_UNPLACED * unplaced),
    }
    out["total"] = sum(out.values())
    return out
