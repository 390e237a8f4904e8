"""Why a meeting cannot be placed: the constraints that block it, in plain English."""

from __future__ import annotations

from .index import Index, intersect, starts
from .occupancy import Occupancy
from .problem import IN_PERSON, Meeting, Placement, Problem, Span


def explain(problem: Problem, meeting_id: str, placements: dict[str, Placement]) -> list[str]:
    """Reasons `meeting_id` cannot go anywhere, given the other meetings' `placements`."""
    ix = Index(problem)
    m = ix.meetings.get(meeting_id)
    if m is None:
        return [f"Unknown meeting {meeting_id}."]
    occ = Occupancy(ix)
    for mid, p in placements.items():
        if mid != meeting_id and mid in ix.meetings:
            occ.add(ix.meetings[mid], p)
    return reasons(ix, occ, m)


def _static(ix: Index, m: Meeting) -> list[str]:
    """Reasons that hold whatever else is planned (availability, rooms, windows)."""
    t = f"'{m.title}'"
    if not starts(m.windows, m.duration):
        return [f"{t} lasts {m.duration} minutes; none of its allowed windows is that long."]
    out: list[str] = []
    names: list[tuple[str, list[Span] | None]] = [
        (ix.who(i), ix.inspector_spans_for(i, m)) for i in m.inspectors
    ] + [(ix.who(p), ix.person_spans(p)) for p in m.attendees]
    for name, spans in names:
        if spans is not None and not starts(intersect(m.windows, spans), m.duration):
            out.append(f"{name} is not available for {m.duration} minutes in any window of {t}.")
    if out:
        return out
    acc = list(m.windows)
    so_far: list[str] = []
    for name, spans in names:
        if spans is None:
            continue
        nxt = intersect(acc, spans)
        if not starts(nxt, m.duration):
            others = " and ".join(so_far[-2:]) if so_far else "the meeting's windows"
            return [
                f"No window of {m.duration} minutes where {name} and {others} are all available for {t}."
            ]
        acc = nxt
        so_far.append(name)
    if m.fixed_start is not None and not starts(ix.base_spans(m), m.duration):
        return [
            f"Not everyone needed for {t} is available at its fixed time {ix.when(m.fixed_start)}."
        ]
    base = ix.base_spans(m)
    pool = ix.pool(m)
    if m.inspectors_needed:
        ok = [i for i in pool if starts(intersect(base, ix.inspector_spans_for(i, m)), m.duration)]
        if len(ok) < m.inspectors_needed:
            out.append(
                f"{t} needs {m.inspectors_needed} inspector(s) from "
                f"{', '.join(ix.who(i) for i in pool) or 'an empty pool'}, but only {len(ok)} "
                "is available when everyone else is."
            )
    if m.mode == IN_PERSON:
        where = f" at {ix.venue_name(m.venue)}" if m.venue else ""
        listed = (
            [ix.rooms[r] for r in m.rooms if r in ix.rooms] if m.rooms else list(ix.rooms.values())
        )
        if m.venue:
            listed = [r for r in listed if r.venue == m.venue]
        listed = [r for r in listed if not r.inspectors_base]  # kept for the inspectors
        if not listed:
            out.append(f"There is no room{where} for {t}.")
        elif not any(r.capacity >= m.size for r in listed):
            out.append(
                f"No room holds {m.size} people{where} (largest: {max(r.capacity for r in listed)})."
            )
        elif not ix.fitting_rooms(m):
            out.append(
                f"No room{where} big enough for {m.size} has {', '.join(sorted(m.equipment))}."
            )
        else:
            bookable = [
                r
                for r in ix.fitting_rooms(m)
                if starts(
                    intersect(base, ix.room_spans(r.id) or [Span(-(10**9), 10**9)]), m.duration
                )
            ]
            if not bookable:
                out.append(
                    f"No fitting room{where} is bookable when everyone is available for {t}."
                )
    return out


LABELS = {
    "rooms": "every fitting room is booked",
    "no_room": "no fitting room",
    "pool": "no inspector from the pool is free",
}


def reasons(ix: Index, occ: Occupancy, m: Meeting) -> list[str]:
    static = _static(ix, m)
    if static:
        return static
    why: dict[str, int] = {}
    base = ix.base_spans(m)
    rooms = ix.fitting_rooms(m)
    for s in occ.candidate_starts(m, base):
        if occ.try_at(m, s, rooms, why) is not None:
            return [f"'{m.title}' could go at {ix.when(s)}; nothing blocks it now."]
    total = sum(why.values()) or 1
    out = [f"At every time when everyone needed for '{m.title}' is available, something clashes:"]
    for key, n in sorted(why.items(), key=lambda kv: -kv[1])[:4]:
        kind, _, rest = key.partition(":")
        if kind == "person":
            text = f"{ix.who(rest)} is already in another meeting"
        elif kind == "inspector":
            iid, _, r = rest.partition(":")
            text = {
                "busy": f"{ix.who(iid)} is already in another meeting",
                "case_limit": f"{ix.who(iid)} already has the most case meetings that day",
                "buffer": f"{ix.who(iid)} would have no reading or write-up time around it",
                "team_time": f"{ix.who(iid)} would miss the inspectors' end-of-day team time",
                "travel_or_lunch": f"{ix.who(iid)} would have no time to travel or for lunch",
                "unavailable": f"{ix.who(iid)} is not available",
            }.get(r, f"{ix.who(iid)}: {r}")
        else:
            text = LABELS.get(kind, kind)
        out.append(f"{text} ({round(100 * n / total)}% of the times tried)")
    return out
