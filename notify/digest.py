"""The morning digest: for one working day, one short e-mail per person with something that
day, listing exactly their items (GOV.UK Notify style: a heading, then scannable lists).

- meetings of the latest published release they attend (never the draft: people only ever
  see what was published), with time, place and who, and the Teams link of those meetings;
- tasks they own that are due that day or overdue (open ones);
- requests for information they own that are due that day or overdue (open ones);
- KIT actions they own that are due that day or overdue (open ones).

Inspectors get their day's diary (their meetings), and those who asked for it (their
Preference's timetable_workbook) the day's lead inspector's timetable workbook attached. Nobody without items gets a message, nor
anyone without an e-mail address. Children appear by ID only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.template.loader import render_to_string

from calendars import lead_timetable
from desk.models import InformationRequest, KitAction
from inspections.calendar import LONDON, to_utc
from inspections.models import Inspection, Inspector, Person, Task
from notify.delivery import Outgoing, queue_message
from notify.models import Message, MessageKind, Preference
from scheduling.daysheet import snapshots_for_day
from scheduling.snapshots import MeetingSnapshot, SnapshotMode, SnapshotStatus


@dataclass
class Digest:
    day: int
    date: dt.date
    who: Person | Inspector
    meetings: list[MeetingSnapshot] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    requests: list[InformationRequest] = field(default_factory=list)
    actions: list[KitAction] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.who.email

    @property
    def is_inspector(self) -> bool:
        return isinstance(self.who, Inspector)

    @property
    def count(self) -> int:
        return len(self.meetings) + len(self.tasks) + len(self.requests) + len(self.actions)

    def dedupe_key(self, inspection: Inspection) -> str:
        kind = "inspector" if self.is_inspector else "person"
        return f"digest:{inspection.pk}:{self.day}:{kind}:{self.who.pk}"


def digests_for_day(inspection: Inspection, day: int) -> list[Digest]:
    """Everyone with an item on working day `day`, by name (people without e-mail included:
    the caller says they were left out)."""
    date = inspection.calendar.date_for_day(day)
    end = to_utc(date + dt.timedelta(days=1), dt.time(0))
    people = {p.ref: p for p in inspection.people.all()}
    owners: dict[int | None, Person] = {p.pk: p for p in people.values()}
    inspectors = {i.ref: i for i in inspection.inspectors.all()}
    digests: dict[tuple[str, int], Digest] = {}

    def digest_of(who: Person | Inspector) -> Digest:
        key = ("inspector" if isinstance(who, Inspector) else "person", who.pk)
        return digests.setdefault(key, Digest(day=day, date=date, who=who))

    for meeting in snapshots_for_day(inspection, date):
        if meeting.status == SnapshotStatus.CANCELLED:
            continue
        for a in (*meeting.inspectors, *meeting.attendees):
            who = (inspectors if a.kind == "inspector" else people).get(a.ref)
            if who is not None:
                digest_of(who).meetings.append(meeting)
    tasks = Task.objects.filter(inspection=inspection, owner__isnull=False, due_at__lt=end)
    for task in tasks.open().order_by("due_at", "key"):
        digest_of(owners[task.owner_id]).tasks.append(task)
    requests = InformationRequest.objects.filter(
        inspection=inspection, owner__isnull=False, due_at__lt=end
    )
    for request in requests.open().order_by("due_at", "number"):
        digest_of(owners[request.owner_id]).requests.append(request)
    actions = KitAction.objects.filter(inspection=inspection, owner__isnull=False, due_at__lt=end)
    for action in actions.open().order_by("due_at", "pk"):
        digest_of(owners[action.owner_id]).actions.append(action)
    return sorted(digests.values(), key=lambda d: (d.is_inspector, d.who.full_name, d.who.pk))


# --- what the e-mail says ---------------------------------------------------------------------


def _hm(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LONDON):%H:%M}"


def _due(moment: dt.datetime, date: dt.date) -> str:
    local = moment.astimezone(LONDON)
    if local.date() == date:
        return f"Due today at {local:%H:%M}"
    return f"Overdue: it was due {local:%a} {local.day} {local:%b} at {local:%H:%M}"


def _meeting_item(meeting: MeetingSnapshot, digest: Digest) -> dict[str, Any]:
    where = ", ".join(x for x in (meeting.room, meeting.venue) if x)
    if meeting.mode == SnapshotMode.TEAMS:
        where = "Microsoft Teams"
    elif meeting.mode == SnapshotMode.VISIT and meeting.venue_address:
        where = f"{where}, {meeting.venue_address}" if where else meeting.venue_address
    me = ("inspector" if digest.is_inspector else "person", digest.who.ref)
    others = [a.name for a in (*meeting.inspectors, *meeting.attendees) if (a.kind, a.ref) != me]
    lines = [f"{_hm(meeting.start)} to {_hm(meeting.end)}"]
    if where:
        lines.append(where)
    if others:
        lines.append("With " + ", ".join(others))
    if meeting.child_ids:
        lines.append("Child IDs: " + ", ".join(meeting.child_ids))
    if meeting.what_to_bring:
        lines.append("Bring: " + meeting.what_to_bring)
    # only meetings this person is invited to are listed, so the link is theirs to use
    return {"title": meeting.title, "lines": lines, "link": meeting.teams_url}


def _sections(digest: Digest) -> list[dict[str, Any]]:
    sections = [
        ("Meetings", [_meeting_item(m, digest) for m in digest.meetings]),
        (
            "Tasks",
            [{"title": t.title, "lines": [_due(t.due_at, digest.date)]} for t in digest.tasks],
        ),
        (
            "Requests for information",
            [
                {
                    "title": f"{r.label}: {r.text}",
                    "lines": [_due(r.due_at, digest.date)]
                    + ([f"Child ID: {r.child_id}"] if r.child_id else []),
                }
                for r in digest.requests
            ],
        ),
        (
            "KIT actions",
            [
                {"title": a.text, "lines": [_due(a.due_at, digest.date)] if a.due_at else []}
                for a in digest.actions
            ],
        ),
    ]
    return [{"heading": h, "items": items} for h, items in sections if items]


def _summary(digest: Digest) -> str:
    parts = [
        (len(digest.meetings), "meeting"),
        (len(digest.tasks), "task"),
        (len(digest.requests), "request"),
        (len(digest.actions), "KIT action"),
    ]
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts if n)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wants_workbook(digest: Digest) -> bool:
    """An inspector who asked for the lead inspector's timetable workbook with the digest."""
    return (
        digest.is_inspector
        and Preference.objects.filter(inspector_id=digest.who.pk, timetable_workbook=True).exists()
    )


def _timetable_workbook(inspection: Inspection, day: int) -> bytes | None:
    """The day's lead inspector's timetable (the published release), or None before one."""
    try:
        return lead_timetable.workbook(inspection, day)
    except lead_timetable.NotPublished:
        return None


def outgoing(
    inspection: Inspection,
    digest: Digest,
    workbook: Callable[[], bytes | None] | None = None,
) -> Outgoing:
    """`workbook`: the day's timetable workbook, built once for all who asked for it."""
    date = digest.date
    when = f"{date:%A} {date.day} {date:%B}"
    context = {
        "inspection": inspection,
        "digest": digest,
        "name": digest.who.full_name,
        "when": when,
        "sections": _sections(digest),
        "summary": _summary(digest),
    }
    book = None
    if _wants_workbook(digest):
        book = workbook() if workbook else _timetable_workbook(inspection, digest.day)
    return Outgoing(
        email=digest.email,
        subject=f"{inspection.title}: your day {digest.day}, {when} ({context['summary']})",
        text=render_to_string("notify/email/digest.txt", context),
        html=render_to_string("notify/email/digest.html", context),
        person=digest.who if isinstance(digest.who, Person) else None,
        inspector=digest.who if isinstance(digest.who, Inspector) else None,
        attachment_name=lead_timetable.filename(inspection, digest.day) if book else "",
        attachment_type=XLSX if book else "",
        attachment=book,
    )


def create_digests(inspection: Inspection, day: int) -> list[tuple[Message, bool]]:
    """Each digest of the day recorded as a message (True when new): idempotent by key."""

    @cache
    def workbook() -> bytes | None:
        return _timetable_workbook(inspection, day)

    return [
        queue_message(
            inspection,
            MessageKind.DIGEST,
            d.dedupe_key(inspection),
            outgoing(inspection, d, workbook),
        )
        for d in digests_for_day(inspection, day)
        if d.email
    ]
