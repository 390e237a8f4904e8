"""The timetabling problem as plain data: what the solver reads and what it returns.

Pure: no Django. Times are whole minutes from `Problem.epoch` (an aware UTC datetime, for
display only), so the solver never meets a time zone; the adapter turns Europe/London working
hours (and the October clock change) into absolute spans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

IN_PERSON = "in_person"
TEAMS = "teams"
VISIT = "visit"  # at a venue with no bookable room (home, group, children's home, court)


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Venue:
    id: str
    name: str


@dataclass(frozen=True)
class Room:
    id: str
    name: str
    venue: str
    capacity: int
    equipment: frozenset[str] = frozenset()
    available: tuple[Span, ...] = ()  # bookable spans
    # the inspectors' base room: theirs alone, never offered to (or allowed for) any meeting
    inspectors_base: bool = False


@dataclass(frozen=True)
class Inspector:
    id: str
    name: str
    role: str  # lead | team | schools | qa
    available: tuple[Span, ...]  # on-site working windows, absences already cut out
    max_case_meetings_per_day: int = 4  # the inspector's own daily cap (Rules may lower it)
    onsite_days: frozenset[int] = frozenset()  # Day.number: on-site days, team time protected
    lunch_waived: bool = False  # True: no lunch rule for this inspector


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    available: tuple[Span, ...]  # working windows, leave and court already cut out


@dataclass(frozen=True)
class Placement:
    """Where and when a meeting happens, and who of the inspectors takes it."""

    start: int
    inspectors: tuple[str, ...]
    room: str | None = None
    venue: str | None = None


@dataclass(frozen=True)
class Meeting:
    id: str
    title: str
    kind: str  # catalogue type key, e.g. "case_discussion"
    duration: int  # minutes
    mode: str  # IN_PERSON | TEAMS | VISIT
    windows: tuple[Span, ...]  # allowed start..end spans (the whole meeting must fit one)
    inspectors: tuple[str, ...] = ()  # named inspectors who must attend
    inspector_pool: tuple[str, ...] = ()  # choose `inspectors_needed` more from these
    inspectors_needed: int = 0
    attendees: tuple[str, ...] = ()  # council and partner people who must attend
    size: int = 0  # people in the room in all (for room capacity), children/families included
    equipment: frozenset[str] = frozenset()  # a room must have all of these
    rooms: tuple[str, ...] = ()  # candidate rooms (IN_PERSON); adapter lists the fitting ones
    venue: str | None = None  # fixed venue (VISIT, or an in-person meeting tied to a site)
    fixed_start: int | None = None  # the type has a fixed time
    preferred_start: int | None = None
    counts_as_case: bool = False  # counts towards an inspector's daily case-meeting limit
    # desk time at the venue for the assigned inspectors (reading before, write-up after): kept
    # free of their other meetings and travel, inside their availability; attendees unaffected
    buffer_before: int = 0
    buffer_after: int = 0
    before: tuple[str, ...] = ()  # soft: this meeting should end before these start
    locked: Placement | None = None  # confirmed: never moved
    hint: Placement | None = None  # previous plan: keep if possible


@dataclass(frozen=True)
class Rules:
    min_gap: int = 10  # minutes between two meetings of one inspector at the same venue
    lunch_window: tuple[int, int] = (12 * 60, 14 * 60)  # minutes after local midnight
    lunch_minutes: int = 30
    # a ceiling over every inspector's own cap (Inspector.max_case_meetings_per_day); None: none
    max_case_meetings_per_day: int | None = None
    # the inspectors' protected end-of-day team slot, minutes after local midnight, on each of
    # an inspector's on-site days (Inspector.onsite_days); None: no team time
    team_time: tuple[int, int] | None = (16 * 60 + 45, 17 * 60 + 30)
    # soft: meetings an inspector takes in a day (KITs included) before each further one
    # costs W_CROWDED; "usually 4 meetings per inspector" (report 7.73)
    target_meetings_per_day: int = 4


@dataclass(frozen=True)
class Day:
    """One working day of the plan, as absolute minutes (local midnight and working hours)."""

    number: int
    midnight: int
    start: int  # 08:30 local
    end: int  # 17:30 local


@dataclass(frozen=True)
class Problem:
    epoch: dt.datetime
    days: tuple[Day, ...]
    meetings: tuple[Meeting, ...]
    inspectors: tuple[Inspector, ...]
    people: tuple[Person, ...]
    rooms: tuple[Room, ...]
    venues: tuple[Venue, ...]
    travel: dict[tuple[str, str], int] = field(default_factory=dict)  # minutes, both orders
    rules: Rules = Rules()

    def travel_minutes(self, a: str | None, b: str | None) -> int:
        if a is None or b is None or a == b:
            return 0
        return self.travel.get((a, b), self.travel.get((b, a), 0))


@dataclass(frozen=True)
class Violation:
    rule: str  # short key: "inspector_clash", "travel", "room_capacity", ...
    message: str  # plain English, with names: "Inspector A. Khan is at Ludlow until 11:00; ..."
    meetings: tuple[str, ...] = ()


@dataclass
class Solution:
    placements: dict[str, Placement]
    unplaced: dict[str, list[str]]  # meeting id -> reasons (the constraints that block it)
    status: str  # "optimal" | "feasible" | "greedy" | "infeasible" | ...
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    soft: dict[str, float] = field(default_factory=dict)  # soft penalty by goal
    moved: list[str] = field(default_factory=list)  # meetings whose hint placement changed
