"""The lead inspector's timetable: the published release (the plan inspectors were sent, never
the draft), one on-site day at a time, a column per inspector. The printable page and the
workbook read the same `TimetableDay`; the workbook's rows go to inspections.exports.xlsx, the
one renderer.

Who is named: inspectors by name (the columns are theirs and the lead manages them); everyone
else by job title and team or organisation, as the release holds them. The lead plans by whom
an inspector meets, not by name; the names are on the invitations and the run-sheet, and this
sheet is printed and e-mailed beyond the planner. Child IDs only in a column whose inspector is
in the meeting (so a meeting with no inspector shows none); never a child's name (the planner
holds none).

Travel is the driving time from the inspector's last venue that day to the next one, from the
scenario's travel matrix (scheduling.models.Travel, the minutes the planner plans with).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from calendars import sources
from calendars.feeds import location
from inspections.calendar import LONDON, local_date
from inspections.childids import hide_child_ids
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection, Inspector
from inspections.services.errors import DomainError
from scheduling.models import Travel
from scheduling.snapshots import MeetingSnapshot, SnapshotMode, SnapshotStatus

NO_INSPECTOR = "No inspector"
TIME_WIDTH = 11
LANE_WIDTH = 42


class NotPublished(DomainError):
    """No release yet: the lead's timetable is only ever the plan inspectors were sent."""


@dataclass(frozen=True)
class Entry:
    """One meeting in one inspector's column, as that inspector's timetable shows it."""

    start: dt.datetime  # UK time
    end: dt.datetime
    title: str
    place: str
    cancelled: bool
    planned: bool  # not yet confirmed
    with_roles: tuple[str, ...]  # attendees by job title and team or organisation
    other_inspectors: tuple[str, ...]  # by name
    child_ids: tuple[str, ...]  # empty unless the column's inspector is in the meeting
    travel_minutes: int | None = None  # from travel_from; None when there is no drive
    travel_from: str = ""

    @property
    def when(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def travel(self) -> str:
        if not self.travel_from:
            return ""
        if self.travel_minutes is None:
            return f"from {self.travel_from} (no time in the travel matrix)"
        return f"{self.travel_minutes} min from {self.travel_from}"

    def lines(self) -> list[str]:
        """The cell's text, a line each: time and title first, so a reader scans down it."""
        out = [f"{self.when} {self.title}"]
        if self.cancelled:
            out.append("CANCELLED")
        elif self.planned:
            out.append("Planned, not yet confirmed")
        out.append(f"Where: {self.place or '—'}")
        if self.travel:
            out.append(f"Travel: {self.travel}")
        if self.other_inspectors:
            out.append("With inspectors: " + "; ".join(self.other_inspectors))
        if self.with_roles:
            out.append("Attending: " + "; ".join(self.with_roles))
        if self.child_ids:
            out.append("Child IDs: " + ", ".join(self.child_ids))
        return out


@dataclass
class Lane:
    """An inspector's column (ref "": the meetings no inspector attends)."""

    ref: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class TimetableDay:
    number: int
    date: dt.date
    describe: str
    lanes: list[Lane]

    @property
    def meeting_count(self) -> int:
        return sum(len(lane.entries) for lane in self.lanes)

    def rows(self) -> list[tuple[str, list[list[Entry]]]]:
        """(start "HH:MM", each lane's entries starting then): one row per start time, so a
        row read across says what every inspector is doing from then."""
        starts = sorted({e.start for lane in self.lanes for e in lane.entries})
        return [
            (f"{at:%H:%M}", [[e for e in lane.entries if e.start == at] for lane in self.lanes])
            for at in starts
        ]


@dataclass
class Timetable:
    release: sources.ReleaseInfo
    days: list[TimetableDay]


def _roles(meeting: MeetingSnapshot) -> tuple[str, ...]:
    counts = Counter(a.role or "Council staff" for a in meeting.attendees)
    out = [role if n == 1 else f"{role} (×{n})" for role, n in counts.items()]
    if meeting.family_count:
        n = meeting.family_count
        out.append(f"{n} famil{'y' if n == 1 else 'ies'}")
    return tuple(out)


def _entry(meeting: MeetingSnapshot, ref: str, known_ids: frozenset[str]) -> Entry:
    attends = any(i.ref == ref for i in meeting.inspectors)
    own = tuple(meeting.child_ids) if attends else ()
    # any other ID the release knows is hidden too, wherever the words name it
    hidden = known_ids - set(own)
    return Entry(
        start=meeting.start.astimezone(LONDON),
        end=meeting.end.astimezone(LONDON),
        title=hide_child_ids(meeting.title, hidden),
        place=hide_child_ids(location(meeting), hidden),
        cancelled=meeting.status == SnapshotStatus.CANCELLED,
        planned=meeting.status == SnapshotStatus.PLANNED,
        with_roles=_roles(meeting),
        other_inspectors=tuple(i.name for i in meeting.inspectors if i.ref != ref),
        child_ids=own,
    )


def _physical(meeting: MeetingSnapshot) -> bool:
    return meeting.mode != SnapshotMode.TEAMS and bool(meeting.venue)


def _with_travel(
    meetings: list[MeetingSnapshot], entries: list[Entry], travel: dict[tuple[str, str], int]
) -> list[Entry]:
    """Each entry with the drive from the inspector's last venue before it that day (Teams
    meetings are taken wherever the inspector is; cancelled ones take nobody anywhere)."""
    out, last = [], ""
    for meeting, entry in zip(meetings, entries, strict=True):
        if entry.cancelled or not _physical(meeting):
            out.append(entry)
            continue
        if last and last != meeting.venue:
            minutes = travel.get((last, meeting.venue))
            entry = replace(entry, travel_minutes=minutes, travel_from=last)
        last = meeting.venue
        out.append(entry)
    return out


def travel_matrix(inspection: Inspection) -> dict[tuple[str, str], int]:
    """(venue name, venue name) -> driving minutes, both ways, as the planner reads them."""
    out: dict[tuple[str, str], int] = {}
    rows = Travel.objects.filter(origin__inspection=inspection).select_related(
        "origin", "destination"
    )
    for t in rows:
        out[(t.origin.name, t.destination.name)] = t.minutes
        out[(t.destination.name, t.origin.name)] = t.minutes
    return out


def _day(
    inspection: Inspection,
    number: int,
    meetings: list[MeetingSnapshot],
    inspectors: list[Inspector],
    travel: dict[tuple[str, str], int],
    known_ids: frozenset[str],
) -> TimetableDay:
    cal = inspection.calendar
    date = cal.date_for_day(number)
    todays = sorted(
        (m for m in meetings if local_date(m.start) == date), key=lambda m: (m.start, m.title)
    )
    # on site that day, or in a meeting that day (an inspector joining on Teams from home)
    busy = {i.ref for m in todays for i in m.inspectors}
    lanes = [
        Lane(i.ref, f"{i.full_name} ({i.get_role_display()})")
        for i in inspectors
        if number in (i.onsite_days or []) or i.ref in busy
    ]
    for lane in lanes:
        mine = [m for m in todays if any(i.ref == lane.ref for i in m.inspectors)]
        entries = [_entry(m, lane.ref, known_ids) for m in mine]
        lane.entries = _with_travel(mine, entries, travel)
    nobody = [m for m in todays if not m.inspectors]
    if nobody:
        lanes.append(Lane("", NO_INSPECTOR, [_entry(m, "", known_ids) for m in nobody]))
    return TimetableDay(number, date, cal.describe_day(number), lanes)


def onsite_days(inspection: Inspection) -> list[int]:
    return list(inspection.calendar.onsite_day_numbers)


def timetable(inspection: Inspection, days: Iterable[int] | None = None) -> Timetable:
    """The published release's on-site days (or those given), ready for a page or a sheet."""
    release = sources.latest_release(inspection)
    if release is None:
        raise NotPublished("No timetable has been published yet: publish a release first.")
    meetings = sources.published_meetings(inspection)
    inspectors = list(Inspector.objects.filter(inspection=inspection))
    travel = travel_matrix(inspection)
    known = frozenset(c for m in meetings for c in m.child_ids)
    numbers = onsite_days(inspection) if days is None else list(days)
    last = inspection.calendar.last_day
    for n in numbers:
        if not 1 <= n <= last:
            raise DomainError(f"Day {n} is not part of the inspection: choose 1 to {last}.")
    return Timetable(
        release,
        [_day(inspection, n, meetings, inspectors, travel, known) for n in numbers],
    )


def day_rows(day: TimetableDay) -> Iterator[list[object]]:
    for start, cells in day.rows():
        yield [start, *("\n\n".join("\n".join(e.lines()) for e in cell) or None for cell in cells)]


def sheets(plan: Timetable) -> Iterator[SheetSpec]:
    for day in plan.days:
        columns = [Column(f"Start (UK time), v{plan.release.number}", TIME_WIDTH)]
        columns += [Column(lane.label, LANE_WIDTH, wrap=True) for lane in day.lanes]
        yield SheetSpec(f"Day {day.number} {day.date:%a %d %b}", columns, day_rows(day))


def export(inspection: Inspection, target: str | Path | IO[bytes], day: int | None = None) -> None:
    """The whole on-site fortnight (a sheet a day), or one day, to target."""
    plan = timetable(inspection, None if day is None else [day])
    render_workbook(sheets(plan), target)


def workbook(inspection: Inspection, day: int | None = None) -> bytes:
    buffer = io.BytesIO()
    export(inspection, buffer, day)
    return buffer.getvalue()


def filename(inspection: Inspection, day: int | None = None) -> str:
    which = f"day-{day}" if day is not None else "fortnight"
    return f"{inspection.slug}-lead-timetable-{which}.xlsx"
