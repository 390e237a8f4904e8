"""The inspector side of the CP-SAT model: buffers, travel blocks, lunch, team time, limits,
travel and compact days, balance.

Each meeting an inspector may take gets an optional interval that covers its buffers (reading
before, write-up after); an in-person/visit one also covers `min_gap` after and, before the
reading, the travel from any earlier venue that day (`ts` = start of that block, its length
above the fixed part is the travel goal). Teams meetings, the lunch break and the on-site days'
team time share the inspector's NoOverlap with them, so nobody takes a call while driving or
reading.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from .check import W_BALANCE, W_COMPACT, W_CROWDED, W_LUNCH, W_ROOM, W_TRAVEL
from .index import DAY_MINUTES

if TYPE_CHECKING:
    from .model import Builder, MVar


def add_inspectors(bd: Builder) -> None:
    """Per inspector: NoOverlap with buffers, travel blocks, lunch and team time, case limits,
    travel, compact days, room changes; per day: balanced load."""
    ix, model, P = bd.ix, bd.model, bd.P
    cands: dict[str, list[MVar]] = defaultdict(list)
    for mv in bd.mv.values():
        for iid in mv.x:
            cands[iid].append(mv)
    order: dict[tuple[str, str], cp_model.IntVar] = {}
    maxt = ix.max_travel
    for iid, mvs in cands.items():
        # physical candidates per day, and which of them need a travel block before them
        per_day: dict[int, list[MVar]] = defaultdict(list)
        for mv in mvs:
            for mn in mv.days:
                per_day[mn].append(mv)
        # inspector-days with nothing free to place are constants: leave them out
        per_day = {mn: lst for mn, lst in per_day.items() if any(mv.m.locked is None for mv in lst)}
        mvs = [mv for mv in mvs if any(mn in per_day for mn in mv.days)]
        if not any(mv.m.locked is None for mv in mvs):
            continue
        needs_tin: set[str] = set()
        pairs: list[tuple[MVar, MVar, int]] = []
        for mn, lst in per_day.items():
            phys = [mv for mv in lst if mv.venues]
            for a_i, a in enumerate(phys):
                for b in phys[a_i + 1 :]:
                    t = max(
                        max(P.travel_minutes(va, vb), P.travel_minutes(vb, va))
                        for va in a.venues
                        for vb in b.venues
                    )
                    if t > 0:
                        pairs.append((a, b, mn))
                        needs_tin.update((a.m.id, b.m.id))
        ts_of: dict[str, cp_model.IntVar] = {}
        intervals: list[cp_model.IntervalVar] = []
        for mv in mvs:
            x = mv.x[iid]
            d = mv.m.duration
            bb, ba = mv.m.buffer_before, mv.m.buffer_after
            if not mv.venues:
                if x is mv.p and mv.interval is not None and not bb and not ba:
                    intervals.append(mv.interval)
                else:
                    intervals.append(
                        model.new_optional_fixed_size_interval_var(
                            mv.s - bb, d + bb + ba, x, f"ii_{mv.m.id}_{iid}"
                        )
                    )
            elif mv.m.id in needs_tin:
                hs = bd.hints[mv.s]
                tin = (
                    bd.h_tin.get((iid, mv.m.id), 0)
                    if mv.m.id in bd.hint and iid in bd.hint[mv.m.id].inspectors
                    else 0
                )
                fixed = d + bb + ba + bd.gap  # the block less its travel
                lo, hi = mv.lo - bb - maxt, mv.hi
                ts = bd.new_int(lo, hi, f"ts_{mv.m.id}_{iid}", hs - bb - tin)
                sz = bd.new_int(fixed, fixed + maxt, f"sz_{mv.m.id}_{iid}", fixed + tin)
                model.add(ts <= mv.s - bb)
                model.add(ts + sz == mv.s + d + ba + bd.gap)
                ts_of[mv.m.id] = ts
                intervals.append(
                    model.new_optional_interval_var(
                        ts, sz, mv.s + d + ba + bd.gap, x, f"ii_{mv.m.id}_{iid}"
                    )
                )
                bd.terms["travel"].append((W_TRAVEL, sz - fixed))
            else:
                intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        mv.s - bb, d + bb + ba + bd.gap, x, f"ii_{mv.m.id}_{iid}"
                    )
                )
        for a, b, mn in pairs:
            if a.m.locked is not None and b.m.locked is not None:
                earlier, later = (a, b) if a.m.locked.start <= b.m.locked.start else (b, a)
                t_fs = P.travel_minutes(next(iter(earlier.venues)), next(iter(later.venues)))
                if t_fs > 0:
                    model.add(later.s - ts_of[later.m.id] >= t_fs + later.m.buffer_before)
                continue
            key = (a.m.id, b.m.id)
            o = order.get(key)
            if o is None:
                o = bd.new_bool(f"o_{a.m.id}_{b.m.id}", bd.hints[a.s] <= bd.hints[b.s])
                model.add(a.s <= b.s).only_enforce_if(o)
                model.add(b.s <= a.s).only_enforce_if(~o)
                order[key] = o
            ya, yb = a.y[(iid, mn)], b.y[(iid, mn)]
            for va, la in a.venues.items():
                for vb, lb in b.venues.items():
                    lits = [ya, yb] + [v for v in (la, lb) if v is not None]
                    t_ab = P.travel_minutes(va, vb)
                    if t_ab > 0:
                        model.add(b.s - ts_of[b.m.id] >= t_ab + b.m.buffer_before).only_enforce_if(
                            [o, *lits]
                        )
                        model.add(a.s - ts_of[a.m.id] >= t_ab + a.m.buffer_before).only_enforce_if(
                            [~o, *lits]
                        )
        # lunch, team time, case limit, compact days
        rules = P.rules
        waived = ix.lunch_waived(iid)
        for mn, lst in per_day.items():
            if not waived:
                lo, hi = (
                    mn + rules.lunch_window[0],
                    mn + rules.lunch_window[1] - rules.lunch_minutes,
                )
                hl = bd.h_lunch.get((iid, mn), lo) if (iid, mn) in bd.h_items else lo
                lp = bd.new_bool(f"lp_{iid}_{mn}", hl is not None)
                ls = bd.new_int(lo, hi, f"ls_{iid}_{mn}", hl if hl is not None else lo)
                intervals.append(
                    model.new_optional_fixed_size_interval_var(
                        ls, rules.lunch_minutes, lp, f"lunch_{iid}_{mn}"
                    )
                )
                bd.terms["lunch"].append((W_LUNCH, 1 - lp))
            # team time: the inspector's spans leave it out (no meeting or buffer in it); this
            # block keeps travel out too, after the `min_gap` a meeting ending at its start needs
            team = ix.team_span(iid, mn)
            if team is not None and team.end - team.start > bd.gap:
                lo_t = team.start + bd.gap
                if not _locked_in(bd, iid, lst, lo_t, team.end):
                    intervals.append(
                        model.new_fixed_size_interval_var(lo_t, team.end - lo_t, f"team_{iid}_{mn}")
                    )
            cases = [mv.y[(iid, mn)] for mv in lst if mv.m.counts_as_case]
            if len(cases) > ix.case_limit(iid):
                model.add(sum(cases) <= ix.case_limit(iid))
            flex = [mv for mv in lst if mv.m.fixed_start is None]
            target = rules.target_meetings_per_day
            if len(lst) > target:
                h_all = len(bd.h_items.get((iid, mn), []))
                over = bd.new_int(0, len(lst), f"crowd_{iid}_{mn}", max(0, h_all - target))
                model.add(over >= sum(mv.y[(iid, mn)] for mv in lst) - target)
                bd.terms["crowded"].append((W_CROWDED, over))
            if len(flex) >= 2:
                h_in = [
                    i
                    for i in bd.h_items.get((iid, mn), [])
                    if ix.meetings[i.mid].fixed_start is None
                ]
                hf = min((i.lo for i in h_in), default=mn)
                hlast = max((i.hi for i in h_in), default=mn)
                first = bd.new_int(mn - DAY_MINUTES, mn + DAY_MINUTES, f"first_{iid}_{mn}", hf)
                last = bd.new_int(mn - DAY_MINUTES, mn + DAY_MINUTES, f"last_{iid}_{mn}", hlast)
                model.add(last >= first)
                for mv in flex:
                    y = mv.y[(iid, mn)]
                    model.add(first <= mv.s - mv.m.buffer_before).only_enforce_if(y)
                    model.add(last >= mv.s + mv.m.duration + mv.m.buffer_after).only_enforce_if(y)
                busy = sum(
                    (mv.m.duration + mv.m.buffer_before + mv.m.buffer_after) * mv.y[(iid, mn)]
                    for mv in flex
                )
                h_idle = hlast - hf - sum(i.hi - i.lo for i in h_in)
                idle = bd.new_int(0, 2 * DAY_MINUTES, f"idle_{iid}_{mn}", h_idle)
                model.add(idle == last - first - busy)
                bd.terms["compact"].append((W_COMPACT, idle))
            _rooms(bd, iid, mn, lst)
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    _balance(bd, cands)


def _locked_in(bd: Builder, iid: str, lst: list[MVar], lo: int, hi: int) -> bool:
    """A confirmed meeting of the inspector's (with buffers, and a travel and gap allowance)
    already reaches into [lo, hi): leave the team time out rather than make the part infeasible
    (check() still reports it)."""
    gap, maxt = bd.gap, bd.ix.max_travel
    for mv in lst:
        p = mv.m.locked
        if p is None or iid not in p.inspectors:
            continue
        phys = bool(mv.venues)
        s = p.start - mv.m.buffer_before - (maxt if phys else 0)
        e = p.start + mv.m.duration + mv.m.buffer_after + (gap if phys else 0)
        if s < hi and lo < e:
            return True
    return False


def _rooms(bd: Builder, iid: str, mn: int, lst: list[MVar]) -> None:
    """Extra rooms an inspector uses at one venue in a day (same room for back-to-back)."""
    by_venue: dict[str, dict[str, list[MVar]]] = defaultdict(lambda: defaultdict(list))
    for mv in lst:
        for rid in mv.z:
            by_venue[bd.ix.rooms[rid].venue][rid].append(mv)
    model = bd.model
    for v, rooms in by_venue.items():
        if len(rooms) < 2 or len({mv.m.id for ms in rooms.values() for mv in ms}) < 2:
            continue
        us = []
        for rid, ms in rooms.items():
            hv = any(
                bd.hint.get(mv.m.id) is not None
                and bd.hint[mv.m.id].room == rid
                and iid in bd.hint[mv.m.id].inspectors
                and bd.hday(mv.m.id) == mn
                for mv in ms
            )
            u = bd.new_bool(f"u_{iid}_{mn}_{rid}", hv)
            for mv in ms:
                model.add(u >= mv.y[(iid, mn)] + mv.z[rid] - 1)
            us.append((u, hv))
        w = bd.new_bool(f"w_{iid}_{mn}_{v}", any(hv for _, hv in us))
        model.add(w <= sum(u for u, _ in us))
        bd.terms["room_changes"].append((W_ROOM, sum(u for u, _ in us) - w))


def _balance(bd: Builder, cands: dict[str, list[MVar]]) -> None:
    model = bd.model
    for d in bd.ix.days:
        # every inspector at work that day, as score() counts them: one with nothing in this
        # model that day is idle (load 0), and so the least busy
        present = bd.ix.present(d)
        if len(present) < 2:
            continue
        loads = {}
        hload = {}
        for iid in present:
            terms = [
                (mv.m.duration, mv.y[(iid, d.midnight)])
                for mv in cands.get(iid, ())
                if (iid, d.midnight) in mv.y
            ]
            loads[iid] = sum(w * y for w, y in terms)
            hload[iid] = sum(i.end - i.start for i in bd.h_items.get((iid, d.midnight), []))
        if all(isinstance(v, int) for v in loads.values()):
            continue
        cap = DAY_MINUTES
        hi_load = bd.new_int(0, cap, f"mx_{d.number}", max(hload.values()))
        lo_load = bd.new_int(0, cap, f"mn_{d.number}", min(hload.values()))
        for load in loads.values():
            model.add(hi_load >= load)
            model.add(lo_load <= load)
        bd.terms["balance"].append((W_BALANCE, hi_load - lo_load))
