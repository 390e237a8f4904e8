"""The CP-SAT model of one connected part of a Problem, with a complete solution hint.

One interval per meeting (optional: a meeting the model cannot place is left out at a large
penalty instead of making the model infeasible); optional room intervals for the smallest
fitting rooms; per inspector an optional interval per candidate meeting which covers its
buffers (reading before, write-up after) and, for in-person and visit meetings, also `min_gap`
after and the travel from any earlier venue that day before (so no Teams meeting, lunch or team
time falls while driving or reading); NoOverlap per inspector, person and room.
Every variable, auxiliary ones included, gets a hint from a complete plan so CP-SAT starts from
it after presolve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .check import (
    W_BEFORE,
    W_PREFERRED,
    W_UNPLACED,
    Item,
    item_of,
    strict_day,
)
from .index import DAY_MINUTES, Index, intersect, starts
from .model_inspectors import add_inspectors
from .problem import Meeting, Placement, Problem, Room, Span

GRID = 15  # minutes
MAX_ROOMS = 4  # optional room intervals per meeting: the smallest fitting rooms (plus the hint's)


def _domain(ranges: list[tuple[int, int]]) -> cp_model.Domain:
    return cp_model.Domain.from_intervals([[lo, hi] for lo, hi in ranges])


def _grid(ranges: list[tuple[int, int]], extra: list[int | None]) -> list[int]:
    """Start times the model considers: each range's first minute and the quarter hours in it
    (plus the hint's and the preferred start): far fewer values, same plans in practice."""
    values: set[int] = set()
    for lo, hi in ranges:
        values.add(lo)
        t = -(-lo // GRID) * GRID
        while t <= hi:
            values.add(t)
            t += GRID
        for v in extra:
            if v is not None and lo <= v <= hi:
                values.add(v)
    return sorted(values)


@dataclass
class MVar:
    m: Meeting
    p: cp_model.IntVar
    s: cp_model.IntVar
    days: dict[int, cp_model.IntVar]  # midnight -> literal "on that day" (p if only one day)
    x: dict[str, cp_model.IntVar]  # inspector -> literal
    y: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)  # (insp, midnight)
    z: dict[str, cp_model.IntVar] = field(default_factory=dict)  # room -> literal
    venues: dict[str, cp_model.IntVar | None] = field(default_factory=dict)  # None: certain
    interval: cp_model.IntervalVar | None = None
    lo: int = 0
    hi: int = 0


@dataclass
class Built:
    model: cp_model.CpModel
    mv: dict[str, MVar]
    dropped: list[str]  # meetings the model cannot place at all
    terms: dict[str, list[tuple[int, cp_model.LinearExprT]]]  # goal -> (weight, expr)
    moved: dict[str, cp_model.IntVar]


class Builder:
    def __init__(self, problem: Problem, hint: dict[str, Placement], move_weight: int = 0):
        self.P = problem
        self.ix = Index(problem)
        self.hint = hint
        self.move_weight = move_weight
        self.model = cp_model.CpModel()
        self.mv: dict[str, MVar] = {}
        self.dropped: list[str] = []
        self.terms: dict[str, list[tuple[int, cp_model.LinearExprT]]] = defaultdict(list)
        self.hints: dict[cp_model.IntVar, int] = {}
        self.moved: dict[str, cp_model.IntVar] = {}
        self.gap = problem.rules.min_gap
        # hint by inspector-day for the aux variables
        ix = self.ix
        self.h_items: dict[tuple[str, int], list[Item]] = defaultdict(list)
        for mid, pl in hint.items():
            m = ix.meetings.get(mid)
            if m is None:
                continue
            d = ix.day_of(pl.start)
            mn = d.midnight if d else (pl.start // DAY_MINUTES) * DAY_MINUTES
            for iid in set(pl.inspectors):
                self.h_items[(iid, mn)].append(item_of(ix, m, pl))
        self.h_tin: dict[tuple[str, str], int] = {}
        self.h_lunch: dict[tuple[str, int], int | None] = {}
        for (iid, mn), items in self.h_items.items():
            _, tin, ls = strict_day(ix, iid, items, mn)
            for mid, t in tin.items():
                self.h_tin[(iid, mid)] = t
            self.h_lunch[(iid, mn)] = ls

    # ---- helpers --------------------------------------------------------------------------
    def new_bool(self, name: str, value: bool | int) -> cp_model.IntVar:
        v = self.model.new_bool_var(name)
        self.hints[v] = int(bool(value))
        return v

    def new_int(self, lo: int, hi: int, name: str, value: int) -> cp_model.IntVar:
        v = self.model.new_int_var(lo, hi, name)
        self.hints[v] = min(max(value, lo), hi)
        return v

    def hday(self, mid: str) -> int | None:
        pl = self.hint.get(mid)
        if pl is None:
            return None
        d = self.ix.day_of(pl.start)
        return d.midnight if d else None

    # ---- meetings ---------------------------------------------------------------------------
    def meeting(self, m: Meeting) -> None:
        ix, model = self.ix, self.model
        h = self.hint.get(m.id)
        if m.locked is not None:  # (its base spans are never needed: a constant)
            base: list[Span] = []
            ranges = [(m.locked.start, m.locked.start)]
        else:
            base = ix.base_spans(m)
            ranges = starts(base, m.duration)
        if not ranges:
            self.dropped.append(m.id)
            return
        hs0 = h.start if h is not None else None
        prev = m.hint.start if m.hint is not None else None
        dom = cp_model.Domain.from_values(_grid(ranges, [hs0, m.preferred_start, prev]))
        pool: dict[str, list[tuple[int, int]]] = {}
        if m.locked is None:
            for iid in ix.pool(m):
                got = starts(intersect(base, ix.inspector_spans_for(iid, m)), m.duration)
                if got:
                    pool[iid] = got
            if len(pool) < m.inspectors_needed:
                self.dropped.append(m.id)
                return
        rooms: list[Room] = []
        room_ranges: dict[str, list[tuple[int, int]] | None] = {}
        if ix.needs_room(m):
            if m.locked is not None:
                rooms = [ix.rooms[m.locked.room]] if m.locked.room in ix.rooms else []
            else:
                fitting = ix.fitting_rooms(m)
                for r in fitting:
                    spans = ix.room_spans(r.id)
                    rr = None if spans is None else starts(intersect(base, spans), m.duration)
                    if rr == []:
                        continue
                    if len(rooms) < MAX_ROOMS or (h is not None and h.room == r.id):
                        rooms.append(r)
                        room_ranges[r.id] = rr
            if not rooms:
                self.dropped.append(m.id)
                return
        hs = h.start if h is not None else ranges[0][0]
        if h is not None and not dom.contains(hs):
            h, hs = None, ranges[0][0]
        p = self.new_bool(f"p_{m.id}", h is not None)
        if m.locked is not None:
            model.add(p == 1)
        s = model.new_int_var_from_domain(dom, f"s_{m.id}")
        self.hints[s] = hs
        # days
        days: dict[int, cp_model.IntVar] = {}
        cand = [
            d
            for d in ix.days
            if any(lo <= d.midnight + DAY_MINUTES - 1 and hi >= d.midnight for lo, hi in ranges)
        ]
        hday = ix.day_of(hs)
        if len(cand) <= 1:
            for d in cand:
                days[d.midnight] = p
        else:
            for d in cand:
                lit = self.new_bool(
                    f"d_{m.id}_{d.number}",
                    h is not None and hday is not None and hday.midnight == d.midnight,
                )
                model.add_linear_constraint(
                    s, d.midnight, d.midnight + DAY_MINUTES - 1
                ).only_enforce_if(lit)
                days[d.midnight] = lit
            model.add(sum(days.values()) == p)
        mv = MVar(m, p, s, days, {}, lo=ranges[0][0], hi=ranges[-1][1])
        # inspectors
        chosen = set(h.inspectors) if h is not None else set()
        if m.locked is not None:
            for iid in m.locked.inspectors:
                mv.x[iid] = p
        else:
            for iid in m.inspectors:
                mv.x[iid] = p
            lits = []
            for iid, rr in pool.items():
                x = self.new_bool(f"x_{m.id}_{iid}", iid in chosen)
                if rr != ranges:
                    model.add_linear_expression_in_domain(s, _domain(rr)).only_enforce_if(x)
                mv.x[iid] = x
                lits.append(x)
            if m.inspectors_needed or lits:
                model.add(sum(lits) == m.inspectors_needed * p)
        for iid, x in mv.x.items():
            for mn, dl in days.items():
                if len(days) == 1:
                    mv.y[(iid, mn)] = x
                elif x is p:
                    mv.y[(iid, mn)] = dl
                else:
                    y = self.new_bool(
                        f"y_{m.id}_{iid}_{mn}",
                        iid in chosen and hday is not None and hday.midnight == mn,
                    )
                    model.add_implication(y, x)
                    model.add_implication(y, dl)
                    model.add_bool_or([y, ~x, ~dl])
                    mv.y[(iid, mn)] = y
        # rooms and venue
        if ix.needs_room(m):
            by_venue: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            if len(rooms) == 1:
                mv.z[rooms[0].id] = p
                by_venue[rooms[0].venue].append(p)
            else:
                for r in rooms:
                    z = self.new_bool(f"z_{m.id}_{r.id}", h is not None and h.room == r.id)
                    mv.z[r.id] = z
                    by_venue[r.venue].append(z)
                model.add(sum(mv.z.values()) == p)
            for rid, z in mv.z.items():
                rr = room_ranges.get(rid)
                if rr is not None and rr != ranges:
                    model.add_linear_expression_in_domain(s, _domain(rr)).only_enforce_if(z)
            if len(by_venue) == 1:
                mv.venues = {next(iter(by_venue)): None}
            else:
                hv = ix.rooms[h.room].venue if h is not None and h.room in ix.rooms else None
                for v, zs in by_venue.items():
                    vl = self.new_bool(f"v_{m.id}_{v}", hv == v)
                    model.add(sum(zs) == vl)
                    mv.venues[v] = vl
        elif ix.is_physical(m) and m.venue is not None:
            mv.venues = {m.venue: None}
        mv.interval = model.new_optional_fixed_size_interval_var(s, m.duration, p, f"i_{m.id}")
        # soft goals per meeting
        if m.locked is None:
            self.terms["unplaced"].append((W_UNPLACED, 1 - p))
        if m.preferred_start is not None and m.locked is None:
            pref = m.preferred_start
            lo, hi = ranges[0][0], ranges[-1][1]
            dev = self.new_int(
                0, max(abs(lo - pref), abs(hi - pref)), f"dev_{m.id}", abs(hs - pref)
            )
            model.add(dev >= s - pref)
            model.add(dev >= pref - s)
            self.terms["preferred"].append((W_PREFERRED, dev))
        if self.move_weight and m.hint is not None and m.locked is None:
            self._moved(mv, m.hint, h)
        self.mv[m.id] = mv

    def _moved(self, mv: MVar, prev: Placement, h: Placement | None) -> None:
        model = self.model
        same_h = (
            h is not None
            and h.start == prev.start
            and set(h.inspectors) == set(prev.inspectors)
            and h.room == prev.room
        )
        keep = self.new_bool(f"keep_{mv.m.id}", same_h)
        model.add_implication(keep, mv.p)
        model.add(mv.s == prev.start).only_enforce_if(keep)
        for iid in prev.inspectors:
            if iid not in mv.x:
                model.add(keep == 0)
            else:
                model.add_implication(keep, mv.x[iid])
        if prev.room is not None:
            if prev.room in mv.z:
                model.add_implication(keep, mv.z[prev.room])
            elif mv.z:
                model.add(keep == 0)
        self.moved[mv.m.id] = keep
        self.terms["moved"].append((self.move_weight, 1 - keep))
        # a meeting that must move keeps its time if it can (only room or inspector change)
        same_time = self.new_bool(f"keept_{mv.m.id}", h is not None and h.start == prev.start)
        model.add(mv.s == prev.start).only_enforce_if(same_time)
        model.add_implication(same_time, mv.p)
        self.terms["moved"].append((max(1, self.move_weight // 40), 1 - same_time))

    # ---- resources ----------------------------------------------------------------------------
    def resources(self) -> None:
        model = self.model
        per_person: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        per_room: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        for mv in self.mv.values():
            assert mv.interval is not None
            for pid in set(mv.m.attendees):
                per_person[pid].append(mv.interval)
            for rid, z in mv.z.items():
                if z is mv.p:
                    per_room[rid].append(mv.interval)
                else:
                    per_room[rid].append(
                        model.new_optional_fixed_size_interval_var(
                            mv.s, mv.m.duration, z, f"r_{mv.m.id}_{rid}"
                        )
                    )
        for ivs in list(per_person.values()) + list(per_room.values()):
            if len(ivs) > 1:
                model.add_no_overlap(ivs)

    def precedences(self) -> None:
        model = self.model
        for mv in self.mv.values():
            for b in mv.m.before:
                other = self.mv.get(b)
                if other is None:
                    continue
                ha, hb = self.hint.get(mv.m.id), self.hint.get(b)
                late_h = ha is not None and hb is not None and ha.start + mv.m.duration > hb.start
                late = self.new_bool(f"late_{mv.m.id}_{b}", late_h)
                model.add(mv.s + mv.m.duration <= other.s).only_enforce_if(~late)
                self.terms["before"].append((W_BEFORE, late))

    def build(self, meetings: list[Meeting]) -> Built:
        for m in meetings:
            self.meeting(m)
        self.resources()
        add_inspectors(self)
        self.precedences()
        obj = sum(w * e for goal in self.terms.values() for w, e in goal)
        self.model.minimize(obj)
        for v, val in self.hints.items():
            self.model.add_hint(v, val)
        return Built(self.model, self.mv, self.dropped, self.terms, self.moved)
