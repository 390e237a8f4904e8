"""Service for the calendar pages: meetings grouped by day and placed on a time grid.

Works on MeetingSnapshots (published release or draft) so every page shows the same data the
feeds do. Times are shown in Europe/London.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.urls import reverse

from calendars.feeds import location, room_key, venue_key
from inspections.calendar import LONDON, local_date
from scheduling.snapshots import MeetingSnapshot, SnapshotMode, SnapshotStatus

SLOT_MINUTES = 5
DAY_START = dt.time(8, 0)
DAY_END = dt.time(18, 0)


def meeting_url_maker(slug: str) -> Callable[[int], str]:
    """Links to the timetable's meeting page."""
    return lambda pk: reverse("scheduling:meeting", kwargs={"slug": slug, "pk": pk})


@dataclass
class Item:
    """A meeting as a page shows it."""

    meeting: MeetingSnapshot
    url: str
    start: dt.datetime  # local
    end: dt.datetime  # local
    where: str
    row: int = 0  # grid row (1-based) in a day grid
    span: int = 1

    @property
    def cancelled(self) -> bool:
        return self.meeting.status == SnapshotStatus.CANCELLED

    @property
    def online(self) -> bool:
        return self.meeting.mode == SnapshotMode.TEAMS


@dataclass
class Column:
    key: str
    label: str
    items: list[Item] = field(default_factory=list)


@dataclass
class DayGrid:
    date: dt.date
    rows: int
    hours: list[tuple[int, str]]
    columns: list[Column]
    cancelled: list[Item]


def items(meetings: Iterable[MeetingSnapshot], url: Callable[[int], str]) -> list[Item]:
    out = [
        Item(
            meeting=m,
            url=url(m.meeting_id),
            start=m.start.astimezone(LONDON),
            end=m.end.astimezone(LONDON),
            where=location(m),
        )
        for m in meetings
    ]
    out.sort(key=lambda i: (i.start, i.meeting.title, i.meeting.uid))
    return out


def by_day(all_items: Iterable[Item]) -> dict[dt.date, list[Item]]:
    grouped: dict[dt.date, list[Item]] = defaultdict(list)
    for item in all_items:
        grouped[item.start.date()].append(item)
    return dict(sorted(grouped.items()))


def on_date(meetings: Iterable[MeetingSnapshot], day: dt.date) -> list[MeetingSnapshot]:
    return [m for m in meetings if local_date(m.start) == day]


def for_ref(meetings: Iterable[MeetingSnapshot], kind: str, ref: str) -> list[MeetingSnapshot]:
    """Meetings of one inspector or person ("inspector" | "person"): kind and ref together."""
    return [m for m in meetings if m.involves(kind, ref)]


def for_room(meetings: Iterable[MeetingSnapshot], key: str) -> list[MeetingSnapshot]:
    return [m for m in meetings if room_key(m) == key]


def for_venue(meetings: Iterable[MeetingSnapshot], key: str) -> list[MeetingSnapshot]:
    return [m for m in meetings if venue_key(m) == key]


def day_grid(day_items: list[Item], day: dt.date, inspectors: list[tuple[str, str]]) -> DayGrid:
    """One column per inspector (ref, label), meetings placed by local start and length.

    Inspectors with a meeting that day get a column even when not on site; meetings with no
    inspector go in a last "No inspector" column. Cancelled meetings are listed apart.
    """
    live = [i for i in day_items if not i.cancelled]
    first = dt.datetime.combine(day, DAY_START, tzinfo=LONDON)
    last = dt.datetime.combine(day, DAY_END, tzinfo=LONDON)
    if live:
        first = min(first, min(i.start for i in live).replace(minute=0))
        last = max(last, max(i.end for i in live))
    rows = max(1, int((last - first).total_seconds() // 60) // SLOT_MINUTES)
    for item in live:
        item.row = int((item.start - first).total_seconds() // 60) // SLOT_MINUTES + 1
        item.span = max(1, int((item.end - item.start).total_seconds() // 60) // SLOT_MINUTES)

    columns = {ref: Column(ref, label) for ref, label in inspectors}
    spare = Column("", "No inspector")
    for item in live:
        refs = [a.ref for a in item.meeting.inspectors]
        if not refs:
            spare.items.append(item)
        for a in item.meeting.inspectors:
            columns.setdefault(a.ref, Column(a.ref, a.name)).items.append(item)
    ordered = list(columns.values()) + ([spare] if spare.items else [])

    hours = []
    moment = first
    while moment < last:
        if moment.minute == 0:
            row = int((moment - first).total_seconds() // 60) // SLOT_MINUTES + 1
            hours.append((row, f"{moment:%H:%M}"))
        moment += dt.timedelta(minutes=SLOT_MINUTES)
    return DayGrid(
        date=day,
        rows=rows,
        hours=hours,
        columns=ordered,
        cancelled=[i for i in day_items if i.cancelled],
    )
