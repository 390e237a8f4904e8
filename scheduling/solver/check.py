"""The hard rules as a pure checker, the soft score, and the inspector-day timeline.

An inspector's part in a meeting is the meeting with its buffers (reading before, write-up
after: `Item.lo`..`Item.hi`), desk time at the venue. Two readings of an inspector's day:
- `check` (lenient, what a person is held to): those spans don't overlap; between two meetings
  in person at different venues the free time between them (not counting any Teams meeting in
  between) covers the travel; `min_gap` between two in a row at the same venue; a lunch gap
  inside the lunch window (unless the inspector waives lunch); none in the team time of an
  on-site day; at most the inspector's daily number of case meetings.
- `strict_day` (what greedy and CP-SAT plan to, always passes `check`): each in-person/visit
  meeting blocks `min_gap` after its write-up and, before its reading, the longest travel from
  any earlier venue that day; nothing else of the inspector's (Teams, lunch) may overlap those
  blocks, nor the team time (but for its first `min_gap` minutes, the gap after a meeting).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .index import DAY_MINUTES, Index, fits
from .problem import IN_PERSON, Meeting, Placement, Problem, Violation

# Soft weights: one scale for every plan (greedy, CP-SAT, by hand).
W_PREFERRED = 1  # per minute away from the preferred start
W_TRAVEL = 3  # per minute an inspector travels in a day (the strict reading's travel blocks:
# before each meeting in person, the longest drive from any earlier venue that day)
W_COMPACT = 1  # per idle minute between an inspector's first and last movable meeting of a day,
# buffers counted as busy (so desk time is never a cost; fixed-time meetings such as KITs are
# left out: the plan cannot change the gaps they make)
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
    before: int = 0  # reading minutes before `start`
    after: int = 0  # write-up minutes after `end`

    @property
    def lo(self) -> int:
        return self.start - self.before

    @property
    def hi(self) -> int:
        return self.end + self.after


def item_of(ix: Index, m: Meeting, p: Placement) -> Item:
    return Item(
        m.id,
        p.start,
        p.start + m.duration,
        ix.venue_of(m, p),
        m.counts_as_case,
        m.buffer_before,
        m.buffer_after,
    )


def _items(ix: Index, placements: dict[str, Placement]) -> dict[str, list[Item]]:
    by_insp: dict[str, list[Item]] = defaultdict(list)
    for mid, p in placements.items():
        m = ix.meetings.get(mid)
        if m is None:
            continue
        it = item_of(ix, m, p)
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


def travel_in(ix: Index, items: list[Item]) -> dict[str, int]:
    """Travel-before minutes of each in-person/visit item of one inspector-day (strict reading):
    the longest drive from any earlier venue that day."""
    tin: dict[str, int] = {}
    seen: list[str] = []
    for it in sorted(items, key=lambda i: i.start):
        if it.venue is None:
            continue
        tin[it.mid] = max((ix.problem.travel_minutes(v, it.venue) for v in seen), default=0)
        seen.append(it.venue)
    return tin


def strict_day(
    ix: Index, iid: str, items: list[Item], midnight: int
) -> tuple[bool, dict[str, int], int | None]:
    """(feasible, travel-before minutes per meeting, lunch start) for one inspector-day
    (lunch start None when the inspector waives lunch)."""
    gap = ix.problem.rules.min_gap
    tin = travel_in(ix, items)
    ext: list[tuple[int, int]] = []
    for it in items:
        if it.venue is None:
            ext.append((it.lo, it.hi))
        else:
            ext.append((it.lo - tin[it.mid], it.hi + gap))
    ext_sorted = sorted(ext)
    for a, b in zip(ext_sorted, ext_sorted[1:], strict=False):
        if b[0] < a[1]:
            return False, tin, None
    team = ix.team_span(iid, midnight)
    if team is not None:
        # team time: no meeting or buffer in it, nor travel after its first `min_gap` minutes
        # (the gap after a meeting that ends as it starts)
        late = team.start + gap
        for it in items:
            t = tin.get(it.mid, 0)
            if (it.lo < team.end and team.start < it.hi) or (
                t and it.lo - t < team.end and late < it.lo
            ):
                return False, tin, None
    if not items or ix.lunch_waived(iid):
        return True, tin, None
    ls = lunch_start(ix.problem, midnight, ext)
    if ls is None:
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
    lo, hi = s - m.buffer_before, e + m.buffer_after
    desk = " (with its reading and write-up time)" if (lo, hi) != (s, e) else ""
    for iid in chosen:
        if iid not in ix.inspectors:
            v("unknown", f"Unknown inspector {iid} on {t}.")
        elif not fits(ix.inspectors[iid].available, lo, hi):
            v(
                "inspector_unavailable",
                f"{ix.who(iid)} is not available {ix.when(lo)}–{ix.local(hi)} for {t}{desk}.",
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
            if r.inspectors_base:
                v(
                    "base_room",
                    f"{r.name} is the inspectors' base room: no meeting is booked there.",
                )
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
    for iid, items in _items(ix, placements).items():
        who = ix.who(iid)
        clashes = _sweep([(it.start, it.end, it.mid) for it in items])
        for a, b in clashes:
            out.append(
                Violation(
                    "inspector_clash",
                    f"{who} is in {ix.title(a)} and {ix.title(b)} at once ({ix.when(placements[b].start)}).",
                    (a, b),
                )
            )
        out.extend(_check_buffers(ix, who, items, set(clashes)))
        for midnight, day in _by_day(ix, items).items():
            out.extend(_check_day(ix, iid, who, midnight, day))
    return out


def _check_buffers(
    ix: Index, who: str, items: list[Item], clashes: set[tuple[str, str]]
) -> list[Violation]:
    """Reading or write-up time of one meeting overlapped by another of the inspector's."""
    out = []
    of = {it.mid: it for it in items}
    for a, b in _sweep([(it.lo, it.hi, it.mid) for it in items]):
        if (a, b) in clashes or (b, a) in clashes:
            continue
        first, second = sorted((of[a], of[b]), key=lambda i: i.start)
        if second.before and second.lo < first.hi:
            what = f"{second.before} minutes' reading before {ix.title(second.mid)}"
        else:
            what = f"{first.after} minutes' write-up after {ix.title(first.mid)}"
        out.append(
            Violation(
                "buffer",
                f"{who} needs {what}, free of other meetings: {ix.title(first.mid)} ends at "
                f"{ix.local(first.end)} and {ix.title(second.mid)} starts at "
                f"{ix.local(second.start)}.",
                (first.mid, second.mid),
            )
        )
    return out


def _check_day(ix: Index, iid: str, who: str, midnight: int, day: list[Item]) -> list[Violation]:
    out: list[Violation] = []
    rules = ix.problem.rules
    last: Item | None = None
    teams: list[Item] = []
    for it in day:
        if it.venue is None:
            if last is not None:
                teams.append(it)
            continue
        if last is not None and it.lo >= last.hi:
            travel = ix.problem.travel_minutes(last.venue, it.venue)
            free = it.lo - last.hi - sum(t.hi - t.lo for t in teams)
            desk = " (with reading and write-up time)" if it.before or last.after else ""
            if last.venue != it.venue and free < travel:
                extra = (
                    f" (with the Teams meeting {ix.title(teams[0].mid)} in between)"
                    if teams
                    else ""
                )
                out.append(
                    Violation(
                        "travel",
                        f"{who} is at {ix.venue_name(last.venue)} until {ix.local(last.hi)}"
                        f"{desk}; travel to {ix.venue_name(it.venue)} takes {travel} minutes, "
                        f"but {ix.title(it.mid)} starts at {ix.local(it.start)}{extra}.",
                        (last.mid, it.mid, *(t.mid for t in teams)),
                    )
                )
            elif last.venue == it.venue and not teams and it.lo - last.hi < rules.min_gap:
                out.append(
                    Violation(
                        "min_gap",
                        f"{who} needs {rules.min_gap} minutes between {ix.title(last.mid)} "
                        f"(until {ix.local(last.hi)}{desk}) and {ix.title(it.mid)} "
                        f"(at {ix.local(it.start)}).",
                        (last.mid, it.mid),
                    )
                )
        last, teams = it, []
    on = ix.when(midnight)[:-6]
    busy = [(i.lo, i.hi) for i in day]
    if not ix.lunch_waived(iid) and lunch_start(ix.problem, midnight, busy) is None:
        lo, hi = rules.lunch_window
        out.append(
            Violation(
                "lunch",
                f"{who} has no {rules.lunch_minutes}-minute lunch break between "
                f"{lo // 60:02d}:{lo % 60:02d} and {hi // 60:02d}:{hi % 60:02d} on {on}.",
                tuple(i.mid for i in day),
            )
        )
    team = ix.team_span(iid, midnight)
    if team is not None:
        inside = [i.mid for i in day if i.lo < team.end and team.start < i.hi]
        if inside:
            out.append(
                Violation(
                    "team_time",
                    f"{who} has {', '.join(ix.title(m) for m in inside)} in the inspectors' "
                    f"team time ({ix.local(team.start)}–{ix.local(team.end)}) on {on}.",
                    tuple(inside),
                )
            )
    cases = [i.mid for i in day if i.case]
    limit = ix.case_limit(iid)
    if len(cases) > limit:
        out.append(
            Violation(
                "case_limit",
                f"{who} has {len(cases)} case meetings on {on}; the limit is {limit}.",
                tuple(cases),
            )
        )
    return out


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
    travel = 0
    compact = 0
    rooms = 0
    lunch = 0
    crowded = 0
    load: dict[tuple[str, int], int] = defaultdict(int)
    for iid, items in _items(ix, placements).items():
        waived = ix.lunch_waived(iid)
        for midnight, day in _by_day(ix, items).items():
            busy = sum(i.end - i.start for i in day)
            load[(iid, midnight)] += busy
            travel += sum(travel_in(ix, day).values())
            flex = [i for i in day if ix.meetings[i.mid].fixed_start is None]
            crowded += max(0, len(day) - problem.rules.target_meetings_per_day)
            if flex:
                compact += (
                    max(i.hi for i in flex)
                    - min(i.lo for i in flex)
                    - sum(i.hi - i.lo for i in flex)
                )
            used = {(placements[i.mid].room, i.venue) for i in day if placements[i.mid].room}
            rooms += len(used) - len({v for _, v in used})
            if not waived and lunch_start(problem, midnight, [(i.lo, i.hi) for i in day]) is None:
                lunch += 1
    balance = 0
    for d in ix.days:
        present = ix.present(d)
        if len(present) >= 2:
            loads = [load.get((i, d.midnight), 0) for i in present]
            balance += max(loads) - min(loads)
    unplaced = sum(1 for m in problem.meetings if m.id not in placements)
    out = {
        "preferred": float(W_PREFERRED * pref),
        "travel": float(W_TRAVEL * travel),
        "compact": float(W_COMPACT * compact),
        "balance": float(W_BALANCE * balance),
        "room_changes": float(W_ROOM * rooms),
        "crowded": float(W_CROWDED * crowded),
        "before": float(W_BEFORE * before),
        "lunch": float(W_LUNCH * lunch),
        "unplaced": float(W_UNPLACED * unplaced),
    }
    out["total"] = sum(out.values())
    return out
