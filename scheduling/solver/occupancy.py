"""Who and what is busy when, for placing one meeting at a time (greedy) and for explanations."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator

from .check import Item, item_of, strict_day
from .index import DAY_MINUTES, Index, inspector_list, starts
from .problem import Meeting, Placement, Room, Span

STEP = 15  # minutes between candidate starts


class Occupancy:
    def __init__(self, ix: Index) -> None:
        self.ix = ix
        self.person: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.room: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.insp: dict[tuple[str, int], list[Item]] = defaultdict(list)  # (inspector, midnight)
        self.load: dict[str, int] = defaultdict(int)

    def midnight(self, minute: int) -> int:
        d = self.ix.day_of(minute)
        return d.midnight if d else (minute // DAY_MINUTES) * DAY_MINUTES

    def add(self, m: Meeting, p: Placement) -> None:
        e = p.start + m.duration
        for pid in set(m.attendees):
            bisect.insort(self.person[pid], (p.start, e, m.id))
        if p.room is not None:
            bisect.insort(self.room[p.room], (p.start, e, m.id))
        it = item_of(self.ix, m, p)
        for iid in set(p.inspectors):
            self.insp[(iid, self.midnight(p.start))].append(it)
            self.load[iid] += m.duration

    @staticmethod
    def _busy(lst: list[tuple[int, int, str]], s: int, e: int) -> str | None:
        k = bisect.bisect_left(lst, (e, -1, ""))
        for j in range(k - 1, max(-1, k - 40), -1):
            a, b, mid = lst[j]
            if b > s and a < e:
                return mid
            if b <= s and a < s - DAY_MINUTES:
                break
        return None

    def person_busy(self, pid: str, s: int, e: int) -> str | None:
        return self._busy(self.person.get(pid, []), s, e)

    def room_busy(self, rid: str, s: int, e: int) -> str | None:
        return self._busy(self.room.get(rid, []), s, e)

    def inspector_blocker(self, iid: str, m: Meeting, s: int, venue: str | None) -> str | None:
        """None if inspector `iid` can take `m` at `s` (strict day rules), else why not."""
        ix = self.ix
        e = s + m.duration
        new = Item(m.id, s, e, venue, m.counts_as_case, m.buffer_before, m.buffer_after)
        mn = self.midnight(s)
        team = ix.team_span(iid, mn)
        if team is not None and new.lo < team.end and team.start < new.hi:
            return "team_time"
        if not ix.inspector_set(iid).fits(new.lo, new.hi):
            return "unavailable"
        day = self.insp.get((iid, mn), [])
        for i in day:
            if i.start < e and s < i.end:
                return "busy"
        for i in day:
            if i.lo < new.hi and new.lo < i.hi:
                return "buffer"
        if m.counts_as_case and sum(1 for i in day if i.case) >= ix.case_limit(iid):
            return "case_limit"
        ok, _, _ = strict_day(ix, iid, [*day, new], mn)
        return None if ok else "travel_or_lunch"

    def candidate_starts(self, m: Meeting, spans: list[Span]) -> Iterator[int]:
        if m.fixed_start is not None:
            yield m.fixed_start
            return
        for lo, hi in starts(spans, m.duration):
            t = lo
            while t <= hi:
                yield t
                t += STEP

    def try_at(
        self, m: Meeting, s: int, rooms: list[Room], why: dict[str, int] | None = None
    ) -> Placement | None:
        ix = self.ix
        e = s + m.duration

        def no(reason: str) -> None:
            if why is not None:
                why[reason] = why.get(reason, 0) + 1

        for pid in m.attendees:
            if self.person_busy(pid, s, e):
                no(f"person:{pid}")
                return None
        room_options: list[Room | None] = list(rooms) if ix.needs_room(m) else [None]
        if ix.needs_room(m) and not rooms:
            no("no_room")
            return None
        tried: dict[str | None, list[str] | None] = {}  # venue -> chosen pool inspectors
        for room in room_options:
            if room is not None:
                rset = ix.room_set(room.id)
                if (rset is not None and not rset.fits(s, e)) or self.room_busy(room.id, s, e):
                    no("rooms")
                    continue
            venue = room.venue if room is not None else (m.venue if ix.is_physical(m) else None)
            if venue not in tried:
                tried[venue] = self._inspectors_at(m, s, venue, no)
            chosen = tried[venue]
            if chosen is None:
                continue
            return Placement(
                s, inspector_list(m.inspectors, chosen), room.id if room else None, venue
            )
        return None

    def _inspectors_at(
        self, m: Meeting, s: int, venue: str | None, no: Callable[[str], None]
    ) -> list[str] | None:
        for iid in m.inspectors:
            reason = self.inspector_blocker(iid, m, s, venue)
            if reason:
                no(f"inspector:{iid}:{reason}")
                return None
        chosen: list[str] = []
        for iid in self.ix.pool(m):  # first fit: pool order
            if len(chosen) == m.inspectors_needed:
                break
            if self.inspector_blocker(iid, m, s, venue) is None:
                chosen.append(iid)
        if len(chosen) < m.inspectors_needed:
            no("pool")
            return None
        return chosen
