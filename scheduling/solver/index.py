"""Lookups and span arithmetic shared by the checker, greedy, CP-SAT and explanations.

Conventions (documented once here):
- an Inspector with no `available` spans is never available; a Person or Room with none is
  unrestricted (no data means "no known limit");
- a meeting's start must let the whole meeting fit inside one of its windows, and inside one
  span of each named inspector, attendee and (in person) its room;
- in-person meetings take a room from `Meeting.rooms` (or any room when that is empty), which
  must hold `size`, have the `equipment` and stand at `Meeting.venue` when that is set; the
  inspectors' base room (`Room.inspectors_base`) is never one;
- an inspector takes a meeting with its buffers (reading before, write-up after) inside one of
  their spans, which leave out the team time of their on-site days (`inspector_spans`);
  `inspector_spans_for` is those spans shrunk by a meeting's buffers.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from functools import cached_property

from .problem import (
    IN_PERSON,
    TEAMS,
    VISIT,
    Day,
    Inspector,
    Meeting,
    Placement,
    Problem,
    Room,
    Span,
)

DAY_MINUTES = 24 * 60


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """Intersection of two span lists (each sorted or not)."""
    out = []
    for x in a:
        for y in b:
            s, e = max(x.start, y.start), min(x.end, y.end)
            if s < e:
                out.append(Span(s, e))
    out.sort(key=lambda s: (s.start, s.end))
    return _merge(out)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in spans:
        if merged and s.start <= merged[-1].end:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, s.end))
        else:
            merged.append(s)
    return merged


def _cut(spans: list[Span], hole: Span) -> list[Span]:
    out = []
    for s in spans:
        if not s.overlaps(hole):
            out.append(s)
            continue
        if s.start < hole.start:
            out.append(Span(s.start, hole.start))
        if hole.end < s.end:
            out.append(Span(hole.end, s.end))
    return out


def starts(spans: Iterable[Span], duration: int) -> list[tuple[int, int]]:
    """Start ranges [lo, hi] (inclusive) that let `duration` fit inside one span."""
    return [(s.start, s.end - duration) for s in spans if s.end - s.start >= duration]


def fits(spans: Sequence[Span], start: int, end: int) -> bool:
    return any(s.start <= start and end <= s.end for s in spans)


class SpanSet:
    """Sorted, merged spans with a fast `fits` (bisect)."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans = _merge(sorted(spans, key=lambda s: (s.start, s.end)))
        self.starts = [s.start for s in self.spans]

    def fits(self, start: int, end: int) -> bool:
        k = bisect.bisect_right(self.starts, start) - 1
        return k >= 0 and end <= self.spans[k].end


class Index:
    """Name lookups and per-meeting candidate data for one Problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.meetings = {m.id: m for m in problem.meetings}
        self.inspectors = {i.id: i for i in problem.inspectors}
        self.people = {p.id: p for p in problem.people}
        self.rooms = {r.id: r for r in problem.rooms}
        self.venues = {v.id: v for v in problem.venues}
        self.days = sorted(problem.days, key=lambda d: d.midnight)
        self._isets: dict[str, SpanSet] = {}
        self._psets: dict[str, SpanSet | None] = {}
        self._rsets: dict[str, SpanSet | None] = {}
        self._rooms_cache: dict[str, list[Room]] = {}
        self._base_cache: dict[str, list[Span]] = {}
        self._shrunk: dict[tuple[str, int, int], list[Span]] = {}
        self._present: dict[int, list[str]] = {}

    # ---- display -------------------------------------------------------------------------
    def day_of(self, minute: int) -> Day | None:
        found = None
        for d in self.days:
            if d.midnight <= minute:
                found = d
            else:
                break
        if found is not None and minute < found.midnight + DAY_MINUTES:
            return found
        return None

    def local(self, minute: int) -> str:
        """HH:MM Europe/London (from Day.midnight); falls back to UTC of epoch + minutes."""
        d = self.day_of(minute)
        if d is not None:
            m = minute - d.midnight
            return f"{m // 60:02d}:{m % 60:02d}"
        return (self.problem.epoch + dt.timedelta(minutes=minute)).strftime("%H:%M")

    def when(self, minute: int) -> str:
        d = self.day_of(minute)
        return f"day {d.number} {self.local(minute)}" if d else self.local(minute)

    def venue_name(self, vid: str | None) -> str:
        if vid is None:
            return "Teams"
        v = self.venues.get(vid)
        return v.name if v else vid

    def who(self, pid: str) -> str:
        if pid in self.inspectors:
            return f"Inspector {self.inspectors[pid].name}"
        if pid in self.people:
            return self.people[pid].name
        return pid

    def title(self, mid: str) -> str:
        m = self.meetings.get(mid)
        return f"'{m.title}'" if m else mid

    # ---- availability ----------------------------------------------------------------------
    def inspector_spans(self, iid: str) -> list[Span]:
        return self.inspector_set(iid).spans

    def inspector_set(self, iid: str) -> SpanSet:
        """Where the planner may put the inspector's meetings: their availability less the
        team time of their on-site days (check() reads the two apart, to say which)."""
        got = self._isets.get(iid)
        if got is None:
            i = self.inspectors.get(iid)
            if i is None:
                got = SpanSet(())
            else:  # shared by every Index of the same inspector and days (the search's many)
                got = _inspector_set(i, tuple(self.days), self.problem.rules.team_time)
            self._isets[iid] = got
        return got

    def present(self, d: Day) -> list[str]:
        """Inspectors available at some time in the day's working hours (the balance goal's)."""
        got = self._present.get(d.midnight)
        if got is None:
            span = Span(d.start, d.end)
            got = self._present[d.midnight] = [
                i.id
                for i in self.problem.inspectors
                if any(s.overlaps(span) for s in self.inspector_spans(i.id))
            ]
        return got

    def person_spans(self, pid: str) -> list[Span] | None:
        got = self.person_set(pid)
        return None if got is None else got.spans

    def person_set(self, pid: str) -> SpanSet | None:
        if pid not in self._psets:
            p = self.people.get(pid)
            # no data: unrestricted
            self._psets[pid] = SpanSet(p.available) if p is not None and p.available else None
        return self._psets[pid]

    def room_spans(self, rid: str) -> list[Span] | None:
        got = self.room_set(rid)
        return None if got is None else got.spans

    def room_set(self, rid: str) -> SpanSet | None:
        if rid not in self._rsets:
            r = self.rooms.get(rid)
            self._rsets[rid] = SpanSet(r.available) if r is not None and r.available else None
        return self._rsets[rid]

    def inspector_spans_for(self, iid: str, m: Meeting) -> list[Span]:
        """Where `m` itself may lie for inspector `iid`: their spans less its buffers."""
        bb, ba = m.buffer_before, m.buffer_after
        if not bb and not ba:
            return self.inspector_spans(iid)
        key = (iid, bb, ba)
        got = self._shrunk.get(key)
        if got is None:
            got = self._shrunk[key] = [
                Span(s.start + bb, s.end - ba)
                for s in self.inspector_spans(iid)
                if s.end - s.start > bb + ba
            ]
        return got

    def case_limit(self, iid: str) -> int:
        """The inspector's own daily cap of case meetings, under the rules' ceiling if any."""
        i = self.inspectors.get(iid)
        cap = self.problem.rules.max_case_meetings_per_day
        own = i.max_case_meetings_per_day if i else cap if cap is not None else 4
        return own if cap is None else min(cap, own)

    def team_span(self, iid: str, midnight: int) -> Span | None:
        """The inspector's protected team time that day (on-site days only), or None."""
        tt = self.problem.rules.team_time
        i = self.inspectors.get(iid)
        if tt is None or i is None or not i.onsite_days:
            return None
        d = self.day_of(midnight)
        if d is None or d.number not in i.onsite_days:
            return None
        return Span(d.midnight + tt[0], d.midnight + tt[1])

    def lunch_waived(self, iid: str) -> bool:
        i = self.inspectors.get(iid)
        return i is not None and i.lunch_waived

    # ---- per meeting -------------------------------------------------------------------------
    def venue_of(self, m: Meeting, p: Placement) -> str | None:
        if m.mode == TEAMS:
            return None
        if m.mode == IN_PERSON and p.room and p.room in self.rooms:
            return self.rooms[p.room].venue
        return m.venue if m.venue is not None else p.venue

    def room_fits(self, m: Meeting, r: Room) -> bool:
        return (
            not r.inspectors_base
            and r.capacity >= m.size
            and m.equipment <= r.equipment
            and (m.venue is None or r.venue == m.venue)
        )

    def fitting_rooms(self, m: Meeting) -> list[Room]:
        """Fitting candidate rooms, smallest first (fewer optional room intervals)."""
        if m.mode != IN_PERSON:
            return []
        got = self._rooms_cache.get(m.id)
        if got is None or self.meetings.get(m.id) is not m:
            got = self._rooms_cache[m.id] = self._fitting_rooms(m)
        return got

    def _fitting_rooms(self, m: Meeting) -> list[Room]:
        pool = (
            [self.rooms[r] for r in m.rooms if r in self.rooms] if m.rooms else self.rooms.values()
        )
        return sorted((r for r in pool if self.room_fits(m, r)), key=lambda r: (r.capacity, r.id))

    def base_spans(self, m: Meeting) -> list[Span]:
        """Windows ∩ named inspectors ∩ attendees (∩ the fixed start), before rooms and pools."""
        got = self._base_cache.get(m.id)
        if got is None or self.meetings.get(m.id) is not m:
            got = self._base_cache[m.id] = self._base_spans(m)
        return got

    def _base_spans(self, m: Meeting) -> list[Span]:
        spans = _merge(sorted(m.windows, key=lambda s: (s.start, s.end)))
        for iid in m.inspectors:
            spans = intersect(spans, self.inspector_spans_for(iid, m))
        for pid in m.attendees:
            ps = self.person_spans(pid)
            if ps is not None:
                spans = intersect(spans, ps)
        if m.fixed_start is not None:
            spans = intersect(spans, [Span(m.fixed_start, m.fixed_start + m.duration)])
        return [s for s in spans if s.end - s.start >= m.duration]

    def pool(self, m: Meeting) -> list[str]:
        return [i for i in m.inspector_pool if i not in m.inspectors and i in self.inspectors]

    def needs_room(self, m: Meeting) -> bool:
        return m.mode == IN_PERSON

    def is_physical(self, m: Meeting) -> bool:
        return m.mode in (IN_PERSON, VISIT)

    @cached_property
    def max_travel(self) -> int:
        return max(self.problem.travel.values(), default=0)

    def candidate_days(self, spans: Sequence[Span], duration: int) -> list[Day]:
        out = []
        for d in self.days:
            lo, hi = d.midnight, d.midnight + DAY_MINUTES
            if any(max(s.start, lo) <= min(s.end - duration, hi - 1) for s in spans):
                out.append(d)
        return out


@functools.lru_cache(maxsize=1024)
def _inspector_set(
    i: Inspector, days: tuple[Day, ...], team_time: tuple[int, int] | None
) -> SpanSet:
    spans = _merge(sorted(i.available, key=lambda s: (s.start, s.end)))
    if team_time is not None and i.onsite_days:
        for d in days:
            if d.number in i.onsite_days:
                spans = _cut(spans, Span(d.midnight + team_time[0], d.midnight + team_time[1]))
    return SpanSet(spans)


def inspector_list(named: Iterable[str], chosen: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*named, *chosen]))


def is_teams(m: Meeting) -> bool:
    return m.mode == TEAMS
