"""Invitations by e-mail: an iCalendar invitation (iTIP, RFC 5546) for each meeting of a
release that changed for someone who does not subscribe to a feed.

- METHOD:REQUEST when a meeting is new to them (published, or they were added to it) or it
  moved or changed; METHOD:CANCEL when it is cancelled or they were taken off it. The UID is
  the meeting's (the release row's `uid`, the one their feed would carry) and SEQUENCE the
  release row's, which rises with every published change: a diary replaces its copy.
- What Outlook, Gmail and Apple Mail need to accept it: ORGANIZER (the planner's From
  address), ATTENDEE (the recipient alone: nobody else's address), DTSTAMP (the release's
  publish time), DTSTART/DTEND in UTC, SUMMARY, LOCATION, STATUS; sent as the calendar
  alternative `text/calendar; method=...` and as invite.ics (notify.delivery._email).
- What it says of the meeting is what the recipient's own feed says (calendars.feeds): the
  same description, and child IDs only as their feed would show them (release_messages).

Who subscribes to a feed (and so gets no invitations): a person or inspector whose own feed
link (calendars.FeedToken of their kind and ref) works (not revoked) and has been handed out:
shown, or regenerated (which shows the new link), on the feed links page. Those are the only
ways its secret reaches anyone; FeedToken keeps no record of a calendar fetching it, so a link
shown but never added to a calendar still counts as subscribed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Q

from calendars import feeds, ics
from calendars.models import FeedKind, FeedToken
from inspections.calendar import LONDON
from inspections.models import Inspection, Inspector, Person
from notify.delivery import Outgoing
from scheduling.models import Release
from scheduling.releases import AttendeeChange
from scheduling.snapshots import MeetingSnapshot, SnapshotMode, SnapshotStatus

REQUEST, CANCEL = "REQUEST", "CANCEL"
ATTACHMENT_NAME = "invite.ics"
PRODID = "-//ILACS planner//Meeting invitations//EN"


def feed_subscribers(inspection: Inspection) -> set[tuple[str, str]]:
    """(kind, ref) of each person and inspector whose own feed link works and was handed out."""
    tokens = (
        FeedToken.objects.active()
        .for_inspection(inspection)
        .filter(kind__in=[FeedKind.PERSON, FeedKind.INSPECTOR])
        .filter(Q(last_shown_at__isnull=False) | Q(regenerated_at__isnull=False))
    )
    return set(tokens.values_list("kind", "ref"))


def method_for(change: AttendeeChange) -> str:
    cancelled = change.meeting.status == SnapshotStatus.CANCELLED
    return CANCEL if cancelled or change.to_them == "removed" else REQUEST


def their_copy(change: AttendeeChange) -> MeetingSnapshot:
    """The meeting as the recipient's diary holds it: someone taken off a meeting cancels the
    copy they had (where they were in it), at the new sequence."""
    if change.to_them == "removed" and change.before is not None:
        return replace(change.before, sequence=change.meeting.sequence)
    return change.meeting


def _param(value: str) -> str:
    # a quoted parameter value may hold anything but a double quote or a line break
    return '"' + ics.raw(value).replace('"', "'") + '"'


def calendar(
    inspection: Inspection,
    meeting: MeetingSnapshot,
    method: str,
    who: Person | Inspector,
    stamp: dt.datetime,
) -> bytes:
    """One VCALENDAR with METHOD and one VEVENT: the invitation (or cancellation) for `who`.
    Written with calendars.ics, as the feeds are (escaping, UTC times, folding)."""
    prop, text = ics.prop, ics.text
    cancelled = method == CANCEL
    _, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    lines = [
        prop("UID", text(meeting.uid)),
        prop("SEQUENCE", str(int(meeting.sequence))),
        prop("DTSTAMP", ics.utc(stamp)),
        prop("DTSTART", ics.utc(meeting.start)),
        prop("DTEND", ics.utc(meeting.end)),
        prop("SUMMARY", text(meeting.title)),
    ]
    place = feeds.location(meeting)
    if place:
        lines.append(prop("LOCATION", text(place)))
    lines += [
        prop("DESCRIPTION", text(feeds.description(meeting))),
        prop("STATUS", "CANCELLED" if cancelled else feeds.STATUS[meeting.status]),
        prop("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE"),
    ]
    if meeting.teams_url:
        lines.append(prop("URL", ics.raw(meeting.teams_url)))
    lines += [
        prop(f"ORGANIZER;CN={_param(inspection.title)}", f"mailto:{sender}"),
        # RSVP=FALSE: nobody reads replies sent to the planner's address
        prop(
            f"ATTENDEE;CN={_param(who.full_name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT"
            ";PARTSTAT=NEEDS-ACTION;RSVP=FALSE",
            f"mailto:{who.email}",
        ),
    ]
    head = [
        "VERSION:2.0",
        prop("PRODID", text(PRODID)),
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
    ]
    crlf = ics.CRLF
    event = ics.component("VEVENT", lines)
    return f"BEGIN:VCALENDAR{crlf}{crlf.join(head)}{crlf}{event}END:VCALENDAR{crlf}".encode()


def when(meeting: MeetingSnapshot) -> str:
    """'Tuesday 24 June, 10:00 to 11:00' in UK time."""
    s, e = meeting.start.astimezone(LONDON), meeting.end.astimezone(LONDON)
    return f"{s:%A} {s.day} {s:%B}, {s:%H:%M} to {e:%H:%M}"


def where(meeting: MeetingSnapshot) -> str:
    if meeting.mode == SnapshotMode.TEAMS:
        return "Microsoft Teams"
    return ", ".join(x for x in (meeting.room, meeting.venue) if x)


INTRO = {
    "added": "You are invited to",
    "moved": "This meeting has moved:",
    "changed": "This meeting has changed:",
    "cancelled": "This meeting is cancelled:",
    "removed": "You are no longer needed at",
}


def outgoing(
    inspection: Inspection,
    release: Release,
    change: AttendeeChange,
    who: Person | Inspector,
    meeting: MeetingSnapshot,
) -> Outgoing:
    """The invitation e-mail for one change of `release` to one recipient; `meeting` is
    their_copy(change) as they may read it."""
    method = method_for(change)
    lines = [
        f"Hello {who.full_name},",
        "",
        f"{INTRO.get(change.to_them, INTRO['changed'])} {meeting.title}",
        when(meeting),
    ]
    place = where(meeting)
    if place:
        lines.append(place)
    if meeting.teams_url and method == REQUEST:
        lines.append(f"Join on Teams: {meeting.teams_url}")
    lines += [
        "",
        (
            "The calendar invitation with this e-mail (also attached as invite.ics) "
            + ("puts it in your diary." if method == REQUEST else "takes it out of your diary.")
        ),
        f"{inspection.title}, timetable {release.label}.",
        "",
    ]
    prefix = {REQUEST: "Invitation", CANCEL: "Cancelled"}[method]
    if method == REQUEST and change.to_them != "added":
        prefix = "Updated invitation"
    s = meeting.start.astimezone(LONDON)
    return Outgoing(
        email=who.email,
        subject=f"{prefix}: {meeting.title}, {s:%a} {s.day} {s:%b} {s:%H:%M}",
        text="\n".join(lines),
        person=who if isinstance(who, Person) else None,
        inspector=who if isinstance(who, Inspector) else None,
        attachment_name=ATTACHMENT_NAME,
        attachment_type=f"text/calendar; method={method}; charset=UTF-8",
        attachment=calendar(inspection, meeting, method, who, release.published_at),
    )
