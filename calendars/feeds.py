"""Meetings of a published release (and task deadlines) -> iCalendar bytes (RFC 5545).

Pure: no Django. The output is a function of the data alone (DTSTAMP is the release's publish
time, never "now"), so the same release always gives the same bytes: calendars.publishing
can key a built feed on its inputs alone. The lines are written by calendars.ics.

Times are written in UTC ("Z"): no VTIMEZONE to get wrong, and the October clock change is
handled once, where local wall-clock times were turned into UTC (inspections.calendar.to_utc).

Each feed shares only what its subscriber needs (an `Audience`): building staff get when, where,
what and whom to call; a person gets their own meetings with only the child IDs they work with;
inspectors and the coordinators' whole-inspection feed get everything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from calendars import ics
from inspections.childids import hide_child_ids
from scheduling.snapshots import Attendee, MeetingSnapshot, SnapshotMode, SnapshotStatus

UTC = dt.UTC
PRODID = "-//ILACS planner//Inspection calendar feeds//EN"
# Clients poll at most this often; an hour keeps diaries current without hammering the server.
REFRESH = dt.timedelta(hours=1)
DEADLINE_LENGTH = dt.timedelta(minutes=15)
UID_DOMAIN = "ilacs-planner"

STATUS = {
    SnapshotStatus.PLANNED: "TENTATIVE",
    SnapshotStatus.CONFIRMED: "CONFIRMED",
    SnapshotStatus.CANCELLED: "CANCELLED",
}
MODE_LABEL = {
    SnapshotMode.IN_PERSON: "In person",
    SnapshotMode.TEAMS: "Microsoft Teams",
    SnapshotMode.VISIT: "Visit",
}


@dataclass(frozen=True)
class Deadline:
    """A dated task of the project team's plan, as the deadlines feed shows it."""

    key: str  # Task.key: stable for the task's life
    title: str
    due_at: dt.datetime  # aware, UTC
    owner: str = ""  # "Performance analyst (A. Person)"
    description: str = ""
    done: bool = False
    updated_at: dt.datetime | None = None  # drives SEQUENCE: later edits win in clients
    # "task", or "request" (an inspector's request: its title says "R-12 due: …" itself)
    kind: str = "task"


@dataclass(frozen=True)
class FeedInfo:
    name: str  # "Shropshire ILACS 2025 · A. Khan (Lead inspector)"
    stamp: dt.datetime  # aware; DTSTAMP of every event (release publish time)
    description: str = ""
    uid_scope: str = ""  # inspection slug: keeps UIDs unique across inspections


@dataclass(frozen=True)
class Audience:
    """What one subscriber may read of the meetings their feed holds (see `redactor`)."""

    people: bool = True  # inspectors' and attendees' names and roles
    details: bool = True  # purpose, families attending, what to bring
    child_ids: frozenset[str] | None = None  # None: every child ID; otherwise only these
    teams: bool = True  # Teams links ...
    invitee: tuple[str, str] | None = None  # ... only on meetings this (kind, ref) attends
    contact: str = ""  # whom to call about the booking: "Name (role), phone, email"


EVERYTHING = Audience()


def for_building(contact: str = "") -> Audience:
    """Room and venue feeds go to building staff: title, time, place and a contact only."""
    return Audience(
        people=False, details=False, child_ids=frozenset(), teams=False, contact=contact
    )


def for_person(kind: str, ref: str, child_ids: Iterable[str] = ()) -> Audience:
    """A person's own meetings: child IDs only of the children they work with or manage."""
    return Audience(child_ids=frozenset(child_ids), invitee=(kind, ref))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"


def room_key(meeting: MeetingSnapshot) -> str:
    """A stable key for the room a meeting is in ("" when it has none)."""
    return f"{slug(meeting.venue)}--{slug(meeting.room)}" if meeting.room else ""


def venue_key(meeting: MeetingSnapshot) -> str:
    return slug(meeting.venue) if meeting.venue else ""


# -- which meetings each feed holds ---------------------------------------------------------
def attended_by(kind: str, ref: str) -> Callable[[MeetingSnapshot], bool]:
    """Meetings this inspector or person attends: kind and ref together, never ref alone."""
    return lambda m: m.involves(kind, ref)


def in_room(key: str) -> Callable[[MeetingSnapshot], bool]:
    return lambda m: bool(key) and room_key(m) == key


def at_venue(key: str) -> Callable[[MeetingSnapshot], bool]:
    return lambda m: bool(key) and venue_key(m) == key


# -- what each subscriber may read ------------------------------------------------------------
def redactor(
    audience: Audience, known_ids: Iterable[str] = ()
) -> Callable[[MeetingSnapshot], MeetingSnapshot]:
    """A function giving each meeting as `audience` may read it.

    `known_ids` are every child ID of the release: one named in a title or purpose is withheld
    there too, even on a meeting whose own list does not carry it.
    """
    if audience == EVERYTHING:
        return lambda m: m  # the whole-inspection and inspectors' feeds: nothing to take out
    allowed = audience.child_ids
    withheld = frozenset() if allowed is None else frozenset(known_ids) - allowed

    def one(meeting: MeetingSnapshot) -> MeetingSnapshot:
        own = frozenset() if allowed is None else frozenset(meeting.child_ids) - allowed
        hidden = withheld | own

        def scrub(text: str) -> str:
            # the calendar pages' rule too: "Case discussion: child [ID hidden]"
            return hide_child_ids(text, hidden)

        teams = audience.teams and (audience.invitee is None or meeting.involves(*audience.invitee))
        # A link is not text to scrub: one that names a withheld child is withheld whole.
        teams = teams and scrub(meeting.teams_url) == meeting.teams_url
        return replace(
            meeting,
            title=scrub(meeting.title),
            purpose=scrub(meeting.purpose) if audience.details else "",
            what_to_bring=scrub(meeting.what_to_bring) if audience.details else "",
            family_count=meeting.family_count if audience.details else 0,
            inspectors=meeting.inspectors if audience.people else (),
            attendees=meeting.attendees if audience.people else (),
            chair=meeting.chair if audience.people else "",
            child_ids=tuple(c for c in meeting.child_ids if c not in hidden),
            teams_url=meeting.teams_url if teams else "",
        )

    return one


# -- text -----------------------------------------------------------------------------------
def _who(people: Iterable[Attendee]) -> list[str]:
    return [f"- {a.name} ({a.role})" if a.role else f"- {a.name}" for a in people]


def location(meeting: MeetingSnapshot) -> str:
    if meeting.mode == SnapshotMode.TEAMS:
        return f"Microsoft Teams: {meeting.teams_url}" if meeting.teams_url else "Microsoft Teams"
    bits = [meeting.room, meeting.venue, meeting.venue_address]
    return ", ".join(b for b in bits if b)


def description(meeting: MeetingSnapshot, contact: str = "") -> str:
    lines: list[str] = []
    if meeting.status == SnapshotStatus.CANCELLED:
        lines += ["CANCELLED", ""]
    elif meeting.status == SnapshotStatus.PLANNED:
        lines += ["Planned: not yet confirmed", ""]
    if meeting.purpose:
        lines += [f"Purpose: {meeting.purpose}", ""]
    if meeting.inspectors:
        lines += ["Inspectors:", *_who(meeting.inspectors), ""]
    if meeting.attendees:
        lines += ["Attending:", *_who(meeting.attendees), ""]
    if meeting.child_ids:
        # Child IDs only: a child's name never leaves the council's case records.
        lines += [f"Child IDs: {', '.join(meeting.child_ids)}", ""]
    if meeting.family_count:
        lines += [f"Families attending: {meeting.family_count}", ""]
    if meeting.what_to_bring:
        lines += [f"Bring: {meeting.what_to_bring}", ""]
    place = location(meeting)
    # a Teams meeting's location says "Microsoft Teams" already
    label = "" if meeting.mode == SnapshotMode.TEAMS else f"{MODE_LABEL[meeting.mode]}: "
    lines.append(f"Where: {label}{place}")
    if meeting.teams_url and meeting.mode != SnapshotMode.TEAMS:
        lines.append(f"Teams: {meeting.teams_url}")
    if meeting.chair:
        # an observed meeting is the council's own: its chair is whom attendees call about it
        lines.append(f"Contact (chair): {meeting.chair}")
    if contact:
        lines.append(f"Contact: {contact}")
    if meeting.release:
        lines.append(f"Timetable release v{meeting.release}")
    return "\n".join(lines).strip()


# -- events ---------------------------------------------------------------------------------
def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"Naive datetime {moment!r}: feeds need aware times.")
    return moment.astimezone(UTC)


def meeting_uid(meeting: MeetingSnapshot, scope: str = "") -> str:
    if "@" in meeting.uid:
        return meeting.uid
    return f"{scope}.{meeting.uid}@{UID_DOMAIN}" if scope else f"{meeting.uid}@{UID_DOMAIN}"


# Properties in the order icalendar wrote them (its canonical order, then by name), so the
# bytes, and with them every subscriber's diff of one release against the last, stay as they were.
def meeting_event(meeting: MeetingSnapshot, info: FeedInfo, contact: str = "") -> str:
    """One VEVENT, as text ending CRLF."""
    prop, text = ics.prop, ics.text
    lines = [
        prop("SUMMARY", text(meeting.title)),
        prop("DTSTART", ics.utc(meeting.start)),
        prop("DTEND", ics.utc(meeting.end)),
        prop("DTSTAMP", ics.utc(info.stamp)),
        prop("UID", text(meeting_uid(meeting, info.uid_scope))),
        prop("SEQUENCE", str(int(meeting.sequence))),
        prop("CATEGORIES", text(MODE_LABEL[meeting.mode])),
        prop("DESCRIPTION", text(description(meeting, contact))),
    ]
    where = location(meeting)
    if where:
        lines.append(prop("LOCATION", text(where)))
    lines.append(prop("STATUS", STATUS[meeting.status]))
    cancelled = meeting.status == SnapshotStatus.CANCELLED
    lines.append(prop("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE"))
    if meeting.teams_url:
        lines.append(prop("URL", ics.raw(meeting.teams_url)))
    return ics.component("VEVENT", lines)


def _sequence_from(moment: dt.datetime | None) -> int:
    # Minutes since 2024: rises with every edit, fits a 32-bit integer for millennia.
    if moment is None:
        return 0
    return max(0, int((_utc(moment) - dt.datetime(2024, 1, 1, tzinfo=UTC)).total_seconds() // 60))


def deadline_event(deadline: Deadline, info: FeedInfo) -> str:
    """One VEVENT, as text ending CRLF."""
    prop, text = ics.prop, ics.text
    scope = f"{info.uid_scope}." if info.uid_scope else ""
    start = _utc(deadline.due_at)
    if deadline.kind == "task":
        summary = f"{'Done: ' if deadline.done else 'Due: '}{deadline.title}"
    else:
        summary = deadline.title
    lines = [deadline.description] if deadline.description else []
    if deadline.owner:
        lines.append(f"Owner: {deadline.owner}")
    return ics.component(
        "VEVENT",
        [
            prop("SUMMARY", text(summary)),
            prop("DTSTART", ics.utc(start)),
            prop("DTEND", ics.utc(start + DEADLINE_LENGTH)),
            prop("DTSTAMP", ics.utc(info.stamp)),
            prop("UID", text(f"{deadline.kind}.{scope}{deadline.key}@{UID_DOMAIN}")),
            prop("SEQUENCE", str(_sequence_from(deadline.updated_at))),
            prop("DESCRIPTION", text("\n".join(lines) or deadline.title)),
            prop("STATUS", "CONFIRMED"),
            prop("TRANSP", "TRANSPARENT"),
        ],
    )


# -- calendars ------------------------------------------------------------------------------
def _calendar(info: FeedInfo, events: Iterable[str]) -> bytes:
    # NAME and the X-WR- names go out unescaped, as icalendar wrote them (clients read them so).
    head = [
        "VERSION:2.0",
        ics.prop("PRODID", ics.text(PRODID)),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if info.description:
        head.append(ics.prop("DESCRIPTION", ics.text(info.description)))
        head.append(ics.prop("X-WR-CALDESC", ics.raw(info.description)))
    refresh = ics.duration(REFRESH)
    head += [
        ics.prop("NAME", ics.raw(info.name)),
        ics.prop("X-WR-CALNAME", ics.raw(info.name)),
        ics.prop("REFRESH-INTERVAL;VALUE=DURATION", refresh),
        ics.prop("X-PUBLISHED-TTL", refresh),
    ]
    crlf = ics.CRLF
    body = f"BEGIN:VCALENDAR{crlf}{crlf.join(head)}{crlf}{''.join(events)}END:VCALENDAR{crlf}"
    return body.encode()


def _ordered(meetings: Iterable[MeetingSnapshot]) -> list[MeetingSnapshot]:
    return sorted(meetings, key=lambda m: (m.start, m.uid))


def meetings_feed(
    meetings: Sequence[MeetingSnapshot],
    info: FeedInfo,
    include: Callable[[MeetingSnapshot], bool] | None = None,
    audience: Audience = EVERYTHING,
) -> bytes:
    """One calendar of the meetings `include` selects (all of them when None), as `audience`
    may read them."""
    shown = redactor(audience, (c for m in meetings for c in m.child_ids))
    chosen = _ordered(m for m in meetings if include is None or include(m))
    return _calendar(info, (meeting_event(shown(m), info, audience.contact) for m in chosen))


def deadlines_feed(deadlines: Sequence[Deadline], info: FeedInfo) -> bytes:
    ordered = sorted(deadlines, key=lambda d: (d.due_at, d.key))
    return _calendar(info, (deadline_event(d, info) for d in ordered))
