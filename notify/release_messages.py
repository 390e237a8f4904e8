"""What a published release sends: change notices and invitations (notify.tasks runs it once
per release, on the scheduling.signals.release_published signal).

- A change notice: one e-mail to each person and inspector whose meetings the release changed
  (scheduling.releases.attendee_changes: the changelog per person), listing only their
  changes: a new time or place, cancelled, added to it, taken off it, who else now attends.
  Nobody else gets one; v1 sends none (everything in it is new: it sends invitations).
  A meeting that had already ended when the release was published tells nobody anything.
- Invitations (notify.invitations): one per changed meeting to each of its people who does not
  subscribe to a feed.

Each is recorded once by its key (`change:<release>:<kind>:<pk>`,
`invite:<release>:<uid>:<kind>:<pk>`), so running this twice records nothing new; a kind the
recipient chose not to receive is recorded as skipped (notify.delivery). What each says of a
meeting is what the recipient's own feed may say: a person sees only the child IDs of the
children they work with, an inspector those of their meetings; never a child's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string

from calendars import feeds, sources
from calendars.models import FeedKind
from inspections.models import Inspection, Inspector, Person
from notify import invitations
from notify.delivery import Outgoing, queue_message
from notify.models import Message, MessageKind
from scheduling.models import Release
from scheduling.releases import AttendeeChange, ReleaseChanges, attendee_changes
from scheduling.snapshots import MeetingSnapshot, SnapshotStatus

Reader = Callable[[MeetingSnapshot], MeetingSnapshot]

STATUS_NOW = {
    SnapshotStatus.CONFIRMED: "Now confirmed",
    SnapshotStatus.PLANNED: "Now planned, not yet confirmed",
    SnapshotStatus.CANCELLED: "Now cancelled",
}


def create_release_messages(release_pk: int) -> list[tuple[Message, bool]]:
    """Every change notice and invitation of the release, recorded (True when new)."""
    release = Release.objects.select_related("inspection").get(pk=release_pk)
    inspection = release.inspection
    changes = attendee_changes(release)
    people = {p.ref: p for p in inspection.people.all()}
    inspectors = {i.ref: i for i in inspection.inspectors.all()}
    subscribed = invitations.feed_subscribers(inspection)
    # every child ID either release names: one named in a title is withheld there too
    before = [c.before for theirs in changes.by_attendee.values() for c in theirs if c.before]
    known = frozenset(c for m in (*changes.meetings, *before) for c in m.child_ids)
    out: list[tuple[Message, bool]] = []
    for (kind, ref), every in sorted(changes.by_attendee.items()):
        theirs = [c for c in every if not _over(c, release)]
        if not theirs:
            continue
        directory: dict[str, Person] | dict[str, Inspector] = (
            inspectors if kind == FeedKind.INSPECTOR else people
        )
        who = directory.get(ref)
        if who is None or not who.email:
            continue
        read = _reader(inspection, kind, ref, changes, theirs, known)
        recipient = f"{kind}:{who.pk}"
        if release.number > 1:
            notice = change_notice(inspection, release, who, kind, theirs, read)
            key = f"change:{release.pk}:{recipient}"
            out.append(queue_message(inspection, MessageKind.CHANGE_NOTICE, key, notice))
        if (kind, ref) in subscribed:
            continue
        for change in theirs:
            copy = read(invitations.their_copy(change))
            invite = invitations.outgoing(inspection, release, change, who, copy)
            key = f"invite:{release.pk}:{change.meeting.uid}:{recipient}"
            out.append(queue_message(inspection, MessageKind.INVITATION, key, invite))
    return out


def _over(change: AttendeeChange, release: Release) -> bool:
    """The meeting had ended, in this release and the one before, when the release was
    published: telling anyone of it now helps nobody (a plan re-published after the event)."""
    ended = [m.end for m in (change.meeting, change.before) if m is not None]
    return max(ended) <= release.published_at


def _reader(
    inspection: Inspection,
    kind: str,
    ref: str,
    changes: ReleaseChanges,
    theirs: list[AttendeeChange],
    known: frozenset[str],
) -> Reader:
    """A meeting as this recipient's own feed would show it (calendars.feeds' audiences)."""
    if kind == FeedKind.INSPECTOR:
        return feeds.redactor(feeds.EVERYTHING)
    meetings = [*changes.meetings, *(c.before for c in theirs if c.before is not None)]
    ids = sources.child_ids_known_to(inspection, ref, meetings)
    return feeds.redactor(feeds.for_person(kind, ref, ids), known)


# --- what the change notice says ------------------------------------------------------------


def _others(meeting: MeetingSnapshot, me: tuple[str, str]) -> list[str]:
    return [a.name for a in (*meeting.inspectors, *meeting.attendees) if (a.kind, a.ref) != me]


def _slot(meeting: MeetingSnapshot) -> str:
    place = invitations.where(meeting)
    return invitations.when(meeting) + (f", {place}" if place else "")


def _what_changed(now: MeetingSnapshot, was: MeetingSnapshot, me: tuple[str, str]) -> list[str]:
    lines = []
    if (now.start, now.end) != (was.start, was.end):
        lines.append(f"New time: {invitations.when(now)} (was {invitations.when(was)})")
    if (now.mode, now.room, now.venue) != (was.mode, was.room, was.venue):
        lines.append(
            f"New place: {invitations.where(now) or 'to be confirmed'}"
            f" (was {invitations.where(was) or 'not set'})"
        )
    before, after = _others(was, me), _others(now, me)
    joined = [n for n in after if n not in before]
    left = [n for n in before if n not in after]
    if joined:
        lines.append("Now with: " + ", ".join(joined))
    if left:
        lines.append("No longer with: " + ", ".join(left))
    if now.status != was.status:
        lines.append(STATUS_NOW[now.status])
    return lines or ["Details updated"]


def _item(change: AttendeeChange, read: Reader, me: tuple[str, str]) -> dict[str, Any]:
    now = read(change.meeting)
    was = read(change.before) if change.before is not None else None
    if change.to_them == "added":
        heading, lines = "Added", [f"You are now in this meeting: {_slot(now)}"]
    elif change.to_them == "removed" and was is not None:
        heading, lines = "Removed", [f"You are no longer in this meeting: {_slot(was)}"]
        now = was
    elif change.to_them == "cancelled":
        heading, lines = "Cancelled", [f"It was {_slot(now)}"]
    elif was is not None:
        heading = "Moved" if change.change == "moved" else "Changed"
        lines = _what_changed(now, was, me)
    else:  # not reached: a meeting in both releases has a `before`
        heading, lines = "Changed", [_slot(now)]
    return {"heading": heading, "title": now.title, "lines": lines}


def change_notice(
    inspection: Inspection,
    release: Release,
    who: Person | Inspector,
    kind: str,
    theirs: list[AttendeeChange],
    read: Reader,
) -> Outgoing:
    items = [_item(change, read, (kind, who.ref)) for change in theirs]
    count = len(items)
    summary = f"{count} of your meetings changed" if count != 1 else "1 of your meetings changed"
    context = {
        "inspection": inspection,
        "release": release,
        "name": who.full_name,
        "items": items,
        "summary": summary,
    }
    return Outgoing(
        email=who.email,
        subject=f"{inspection.title}: timetable {release.label}: {summary}",
        text=render_to_string("notify/email/change_notice.txt", context),
        html=render_to_string("notify/email/change_notice.html", context),
        person=who if isinstance(who, Person) else None,
        inspector=who if isinstance(who, Inspector) else None,
    )
