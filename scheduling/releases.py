"""Releases: publish the draft as vN with a changelog; the published view feeds and sheets read.

A meeting's uid never changes; its SEQUENCE rises whenever its time, place, people or status
change between releases. Cancelled meetings stay in later releases, status cancelled.
Publishing holds the inspection's schedule lock and reads the draft once, with its meeting rows
locked: what it checks is what it publishes, and no row it publishes books anyone twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inspections.access import require
from inspections.calendar import local_day_bounds
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.conflicts import when
from scheduling.locks import lock_schedule
from scheduling.models import Meeting, MeetingStatus, Mode, Release, ReleaseMeeting
from scheduling.observations import consent_refusals
from scheduling.planning import check_draft, describe_slot
from scheduling.signals import release_published
from scheduling.snapshots import Attendee, MeetingSnapshot, SnapshotMode, SnapshotStatus


class PublishRefused(DomainError):
    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(f"  - {p}" for p in self.problems)])


def meeting_uid(meeting: Meeting, inspection: Inspection) -> str:
    return f"meeting-{meeting.pk}-{inspection.slug}@ilacs-planner"


def _attendees(meeting: Meeting) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    inspectors = [
        {"ref": i.ref, "name": i.full_name, "role": i.get_role_display(), "kind": "inspector"}
        for i in sorted(meeting.assigned_inspectors.all(), key=lambda i: i.ref)
    ]
    people = [
        {"ref": p.ref, "name": p.full_name, "role": p.description, "kind": "person"}
        for p in sorted(meeting.attendees.all(), key=lambda p: p.ref)
    ]
    return inspectors, people


def _fingerprint(row: dict[str, Any]) -> str:
    # What a calendar needs re-sent for: time, place, people and status.
    keys = ("start", "end", "mode", "venue", "room", "status")
    data: dict[str, Any] = {k: str(row[k]) for k in keys}
    data["people"] = sorted(a["ref"] for a in (*row["inspectors"], *row["attendees"]))
    if row.get("chair"):  # only when set, so rows without a chair keep their fingerprints
        data["chair"] = row["chair"]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def _row(meeting: Meeting, inspection: Inspection) -> dict[str, Any]:
    inspectors, people = _attendees(meeting)
    venue = meeting.placed_venue or (meeting.room.venue if meeting.room else None) or meeting.venue
    row = {
        "meeting_pk": meeting.pk,
        "uid": meeting_uid(meeting, inspection),
        "status": MeetingStatus.CANCELLED
        if meeting.status == MeetingStatus.CANCELLED
        else (
            MeetingStatus.CONFIRMED
            if meeting.status == MeetingStatus.CONFIRMED
            else MeetingStatus.PLANNED
        ),
        "title": meeting.title,
        "meeting_type": meeting.meeting_type.key,
        "purpose": meeting.purpose,
        "start": meeting.start,
        "end": meeting.end,
        "mode": meeting.mode,
        "venue": venue.name if venue and meeting.mode != Mode.TEAMS else "",
        "venue_address": venue.address if venue and meeting.mode != Mode.TEAMS else "",
        "room": meeting.room.name if meeting.room and meeting.mode == Mode.IN_PERSON else "",
        "teams_url": meeting.teams_url,
        "inspectors": inspectors,
        "attendees": people,
        "child_ids": list(meeting.child_ids),
        "family_count": meeting.family_count,
        "what_to_bring": meeting.meeting_type.what_to_bring,
        "chair": meeting.chair_contact(),
    }
    row["fingerprint"] = _fingerprint(row)
    return row


def _draft_rows(
    inspection: Inspection, meetings: Iterable[Meeting] | None = None
) -> dict[int, dict[str, Any]]:
    """Placed meetings of the draft (cancelled ones keep their last placement); of `meetings`
    when the caller has read them already."""
    if meetings is None:
        meetings = Meeting.objects.for_inspection(inspection).with_slot().with_people()
    return {m.pk: _row(m, inspection) for m in meetings if m.start is not None}


def _drop_unpublished_cancellations(
    old: dict[int, dict[str, Any]], rows: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    # A meeting cancelled before anyone saw it has nothing to cancel in anyone's calendar.
    return {
        pk: row for pk, row in rows.items() if pk in old or row["status"] != MeetingStatus.CANCELLED
    }


def latest_release(inspection: Inspection) -> Release | None:
    return Release.objects.filter(inspection=inspection).order_by("-number").first()


def _where(row: dict[str, Any]) -> str:
    return ", ".join(x for x in (row["room"], row["venue"]) if x)


def _slot(row: dict[str, Any]) -> str:
    return describe_slot(row["start"], row["end"], row["mode"], _where(row))


def _names(row: dict[str, Any]) -> set[str]:
    return {a["name"] for a in (*row["inspectors"], *row["attendees"])}


def diff_rows(
    previous: dict[int, dict[str, Any]], current: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    """The changelog between two sets of rows: moved, new, cancelled, people changed."""
    log: dict[str, list[dict[str, Any]]] = {"moved": [], "new": [], "cancelled": [], "changed": []}
    affected: set[str] = set()
    for pk, row in sorted(current.items(), key=lambda kv: (kv[1]["start"], kv[0])):
        old = previous.get(pk)
        entry = {"meeting_id": pk, "title": row["title"], "to": _slot(row)}
        if old is None:
            if row["status"] == MeetingStatus.CANCELLED:
                continue
            log["new"].append({**entry, "affected": sorted(_names(row))})
            affected |= _names(row)
            continue
        if old["fingerprint"] == row["fingerprint"]:
            continue
        who = sorted(_names(row) | _names(old))
        entry.update({"from": _slot(old), "affected": who})
        if row["status"] == MeetingStatus.CANCELLED and old["status"] != MeetingStatus.CANCELLED:
            log["cancelled"].append(entry)
        elif (old["start"], old["end"], old["room"], old["venue"], old["mode"]) != (
            row["start"],
            row["end"],
            row["room"],
            row["venue"],
            row["mode"],
        ):
            log["moved"].append(entry)
        else:
            before, after = _names(old), _names(row)
            entry["added"] = sorted(after - before)
            entry["removed"] = sorted(before - after)
            if old["status"] != row["status"]:
                entry["status"] = f"{old['status']} → {row['status']}"
            log["changed"].append(entry)
        affected.update(who)
    return {**log, "affected": sorted(affected)}


@dataclass(frozen=True)
class AttendeeChange:
    """One meeting of a release's changelog, as it concerns one of its people."""

    change: str  # its list in the changelog: moved, new, cancelled or changed
    to_them: str  # "added" (new to them), "removed" (no longer in it), else `change`
    meeting: MeetingSnapshot  # as the release has it (its sequence included)
    before: MeetingSnapshot | None  # as the release before had it; None for a new meeting


CHANGES = ("moved", "new", "cancelled", "changed")  # diff_rows' lists of meetings


def _people(row: dict[str, Any] | None) -> set[tuple[str, str]]:
    if row is None:
        return set()
    return {(a["kind"], a["ref"]) for a in (*row["inspectors"], *row["attendees"])}


def changes_by_attendee(
    previous: dict[int, dict[str, Any]],
    current: dict[int, dict[str, Any]],
    numbers: tuple[int, int] = (0, 0),
) -> dict[tuple[str, str], list[AttendeeChange]]:
    """diff_rows per person: (kind, ref) -> the changelog's meetings they are or were in, by
    start. Someone is in a meeting's list exactly when diff_rows lists the meeting and they are
    in its row before or after. `numbers`: the two releases' numbers, for the snapshots."""
    log = diff_rows(previous, current)
    listed = [(change, e["meeting_id"]) for change in CHANGES for e in log[change]]
    listed.sort(key=lambda cp: (current[cp[1]]["start"], cp[1]))
    out: dict[tuple[str, str], list[AttendeeChange]] = defaultdict(list)
    for change, pk in listed:
        old, row = previous.get(pk), current[pk]
        before, after = _people(old), _people(row)
        meeting = _snapshot(row, int(row.get("sequence", 0)), numbers[1])
        was = _snapshot(old, int(old.get("sequence", 0)), numbers[0]) if old else None
        for who in sorted(before | after):
            if change == "cancelled":
                to_them = change
            elif who not in before:
                to_them = "added"
            elif who not in after:
                to_them = "removed"
            else:
                to_them = change
            out[who].append(AttendeeChange(change, to_them, meeting, was))
    return dict(out)


@dataclass(frozen=True)
class ReleaseChanges:
    meetings: list[MeetingSnapshot]  # every meeting of the release, by start
    by_attendee: dict[tuple[str, str], list[AttendeeChange]]  # see changes_by_attendee


def attendee_changes(release: Release) -> ReleaseChanges:
    """What `release` changed for each person and inspector, against the release before it
    (for v1, every meeting is new to everyone in it)."""
    previous = (
        Release.objects.filter(inspection_id=release.inspection_id, number__lt=release.number)
        .order_by("-number")
        .first()
    )
    old, rows = _release_rows(previous), _release_rows(release)
    numbers = (previous.number if previous else 0, release.number)
    meetings = [
        _snapshot(row, row["sequence"], release.number)
        for row in sorted(rows.values(), key=lambda r: (r["start"], r["meeting_pk"]))
    ]
    return ReleaseChanges(meetings, changes_by_attendee(old, rows, numbers))


def _release_rows(release: Release | None, **where: Any) -> dict[int, dict[str, Any]]:
    """A release's rows by meeting pk; `where` narrows them in the query (one day's)."""
    if release is None:
        return {}
    fields = [
        f.name for f in ReleaseMeeting._meta.fields if f.name not in ("id", "release", "meeting")
    ]
    return {rm["meeting_pk"]: rm for rm in release.meetings.filter(**where).values(*fields)}


@transaction.atomic
def publish(inspection: Inspection, *, actor: Any = None, notes: str = "") -> Release:
    """Publish the draft as the next release, with its changelog against the last one.
    Coordinators only (`actor=None` is the system): it reaches every subscriber's calendar."""
    require(actor, inspection, Role.COORDINATOR)
    # No edit, solve or second publish ("v3" twice) commits while this one reads and writes.
    lock_schedule(inspection.pk)
    # One read of the draft, its rows locked (a write from outside the app waits too): the
    # check below and the rows published come from the same state.
    meetings = list(
        Meeting.objects.select_for_update(of=("self",))
        .for_inspection(inspection)
        .with_people()
        .order_by("pk")
    )
    active = [m for m in meetings if m.status != MeetingStatus.CANCELLED]
    violations, unplaced = check_draft(inspection, active)
    if violations:
        raise PublishRefused(
            "The draft breaks hard rules, so it was not published. Fix these first:",
            [v.message for v in violations[:20]],
        )
    # A family that refused an observer: publishing would send an inspector in regardless.
    refused = consent_refusals(active)
    if refused:
        raise PublishRefused(
            "A family refused an inspector joining these observations, so the timetable was not "
            "published:",
            refused[:20],
        )
    previous = latest_release(inspection)
    old = _release_rows(previous)
    rows = _drop_unpublished_cancellations(old, _draft_rows(inspection, meetings))
    if not rows:
        raise DomainError("Nothing is planned yet: run the planner before publishing.")
    existing = {m.pk for m in meetings}
    live = {m.pk for m in active}
    # A meeting released before but now unplaced keeps its published slot until it is re-placed;
    # deleted or cancelled meanwhile, it is cancelled in that slot.
    kept = {pk: old[pk] for pk in old if pk not in rows}
    for pk, row in kept.items():
        if pk not in live and row["status"] != MeetingStatus.CANCELLED:
            row = {**row, "status": MeetingStatus.CANCELLED}
            row["fingerprint"] = _fingerprint(row)
        rows[pk] = row
    clashes = _double_bookings(inspection, rows)
    if clashes:
        raise PublishRefused(
            "Publishing would book a room or someone twice, so it was not published. A meeting "
            "no longer placed keeps its published slot; re-place or cancel it first:",
            clashes[:20],
        )
    changelog = diff_rows(old, rows)
    changelog["unplaced"] = [m.title for m in unplaced]
    number = (
        Release.objects.filter(inspection=inspection).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    release = Release.objects.create(
        inspection=inspection,
        number=number,
        published_at=timezone.now(),
        published_by=actor if actor is not None and actor.is_authenticated else None,
        notes=notes,
        changelog=changelog,
    )
    ReleaseMeeting.objects.bulk_create(
        [
            ReleaseMeeting(
                release=release,
                meeting_id=pk if pk in existing else None,
                sequence=_next_sequence(old.get(pk), row),
                **{
                    k: v
                    for k, v in row.items()
                    if k not in ("sequence", "meeting_id", "release_id")
                },
            )
            for pk, row in rows.items()
        ]
    )
    # Change notices and invitations, once the release is there for a worker to read; robust:
    # a broker that refuses the job is logged, and never un-publishes a committed release.
    transaction.on_commit(
        partial(release_published.send, sender=Release, release_pk=release.pk), robust=True
    )
    return release


def _double_bookings(inspection: Inspection, rows: dict[int, dict[str, Any]]) -> list[str]:
    """A room, inspector or person in two live rows at once, in plain English.

    Checks the rows a release would hold (kept slots included), as stored: rooms by venue and
    name, people by ref.
    """
    held: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    names: dict[tuple[str, ...], str] = {}
    for row in rows.values():
        if row["status"] == MeetingStatus.CANCELLED:
            continue
        key: tuple[str, ...]
        if row["mode"] == Mode.IN_PERSON and row["room"]:
            key = ("room", row["venue"], row["room"])
            held[key].append(row)
            names[key] = _where(row)
        for a in (*row["inspectors"], *row["attendees"]):
            key = (a["kind"], a["ref"])
            held[key].append(row)
            names[key] = f"Inspector {a['name']}" if a["kind"] == "inspector" else a["name"]
    out = []
    for key, booked in held.items():
        verb = "is booked for" if key[0] == "room" else "is in"  # as the planner's checks say
        booked.sort(key=lambda r: (r["start"], r["meeting_pk"]))
        for i, a in enumerate(booked):
            for b in booked[i + 1 :]:
                if b["start"] >= a["end"]:
                    break
                at = when(inspection, b["start"])
                out.append(f"{names[key]} {verb} '{a['title']}' and '{b['title']}' at once ({at}).")
    return out


def _next_sequence(old: dict[str, Any] | None, row: dict[str, Any]) -> int:
    if old is None:
        return 0
    return int(old["sequence"]) + (0 if old["fingerprint"] == row["fingerprint"] else 1)


# -- what other apps read --------------------------------------------------------------------
def _attendee_tuple(items: list[dict[str, str]]) -> tuple[Attendee, ...]:
    return tuple(Attendee(a["ref"], a["name"], a["role"], a["kind"]) for a in items)


def _snapshot(row: dict[str, Any], sequence: int, release: int) -> MeetingSnapshot:
    # Rows (stored release columns or the draft) hold plain strings: they become enums here, once.
    return MeetingSnapshot(
        uid=row["uid"],
        meeting_id=row["meeting_pk"],
        sequence=sequence,
        status=SnapshotStatus(row["status"]),
        title=row["title"],
        meeting_type=row["meeting_type"],
        purpose=row["purpose"],
        start=row["start"],
        end=row["end"],
        mode=SnapshotMode(row["mode"]),
        venue=row["venue"],
        venue_address=row["venue_address"],
        room=row["room"],
        teams_url=row["teams_url"],
        inspectors=_attendee_tuple(row["inspectors"]),
        attendees=_attendee_tuple(row["attendees"]),
        child_ids=tuple(row["child_ids"]),
        family_count=row["family_count"],
        what_to_bring=row["what_to_bring"],
        release=release,
        chair=row.get("chair", ""),
    )


def latest_release_meetings(
    inspection: Inspection, on: dt.date | None = None
) -> list[MeetingSnapshot]:
    """Every meeting of the latest release (cancelled ones included), or those starting on the
    London date `on`, by start. Two queries; a day's read only that day's rows."""
    release = latest_release(inspection)
    if release is None:
        return []
    rows = _release_rows(release, **_starting_on(on))
    return [
        _snapshot(row, row["sequence"], release.number)
        for row in sorted(rows.values(), key=lambda r: (r["start"], r["meeting_pk"]))
    ]


def _starting_on(on: dt.date | None) -> dict[str, dt.datetime]:
    if on is None:
        return {}
    start, end = local_day_bounds(on)
    return {"start__gte": start, "start__lt": end}


def draft_meetings(inspection: Inspection, on: dt.date | None = None) -> list[MeetingSnapshot]:
    """The draft as snapshots (release 0), or those starting on the London date `on`; sequence
    is what publishing now would give."""
    release = latest_release(inspection)
    if on is None:
        draft, old = _draft_rows(inspection), _release_rows(release)
    else:
        day = Meeting.objects.for_inspection(inspection).with_slot().starting_on(on)
        draft = _draft_rows(inspection, day.with_people())
        # their last published rows, wherever those were: a moved meeting's sequence goes up
        old = _release_rows(release, meeting_pk__in=list(draft))
    rows = _drop_unpublished_cancellations(old, draft)
    return [
        _snapshot(row, _next_sequence(old.get(pk), row), 0)
        for pk, row in sorted(rows.items(), key=lambda kv: (kv[1]["start"], kv[0]))
    ]


def draft_changes(inspection: Inspection) -> dict[str, Any]:
    """What publishing now would put in the changelog (the plan page marks these)."""
    old = _release_rows(latest_release(inspection))
    rows = _drop_unpublished_cancellations(old, _draft_rows(inspection))
    log = diff_rows(old, rows)
    # Published but no longer placed in the draft: publishing keeps their last slot.
    log["unplaced"] = [
        {"meeting_id": pk, "title": row["title"], "from": _slot(row)}
        for pk, row in old.items()
        if pk not in rows
    ]
    return log
