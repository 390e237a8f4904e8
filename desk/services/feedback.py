"""Feedback after every contact with inspectors: a short structured note by the council
attendee, or the senior leader who debriefs them, tagged with themes and lines of enquiry;
and the rollup senior leaders read, day by day, to prepare for the final feedback."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from desk.models import ContactFeedback, LineOfEnquiry
from desk.services.kits import day_of, may_see_kits
from inspections import audit
from inspections.access import NotAllowed, can, person_for
from inspections.calendar import local_date
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError, InvalidFields
from scheduling.models import InspectorRule, Meeting, MeetingStatus

MAX_TAGS = 12
MAX_TAG_LENGTH = 60
TEXT_FIELDS = ("themes", "strengths", "worries", "follow_ups")


def has_inspectors(meeting: Meeting) -> bool:
    """A contact with inspectors: its rule asks for them and it has some (named or assigned)."""
    if meeting.inspector_rule == InspectorRule.NONE:
        return False
    return meeting.assigned_inspectors.exists() or meeting.required_inspectors.exists()


def attends(user: Any, meeting: Meeting) -> bool:
    person = person_for(user, meeting.inspection)
    return person is not None and meeting.attendees.filter(pk=person.pk).exists()


def may_record(user: Any, meeting: Meeting) -> bool:
    """The project team and above, a senior leader (any role), or staff who attend it."""
    if user is None:
        return True  # the system (a command, the scenario loader)
    inspection = meeting.inspection
    if may_see_kits(user, inspection):  # project team+ or a senior leader
        return True
    return can(user, inspection, Role.STAFF) and attends(user, meeting)


def may_edit(user: Any, note: ContactFeedback) -> bool:
    """The project team may edit any note; anyone else who may record only their own."""
    if user is None or can(user, note.inspection, Role.PROJECT_TEAM):
        return True
    if not may_record(user, note.meeting):
        return False
    person = person_for(user, note.inspection)
    return person is not None and note.author_id == person.pk


def may_see_rollup(user: Any, inspection: Inspection) -> bool:
    """Senior leaders (any role) and the project team and above."""
    return may_see_kits(user, inspection)


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as the rollup groups them: trimmed, single-spaced, lower case, each once."""
    out: list[str] = []
    for tag in tags:
        tag = re.sub(r"\s+", " ", str(tag)).strip().lower()
        if tag and tag not in out:
            out.append(tag)
    return out


def _check(inspection: Inspection, values: dict[str, Any], lines: list[LineOfEnquiry]) -> None:
    errors: dict[str, str] = {}
    if not any(str(values.get(name, "")).strip() for name in TEXT_FIELDS):
        errors["themes"] = (
            "Themes heard: enter at least one of themes heard, strengths, worries or follow-ups"
        )
    tags = values.get("theme_tags", [])
    if len(tags) > MAX_TAGS:
        errors["theme_tags"] = f"Theme tags: enter {MAX_TAGS} tags or fewer"
    elif any(len(t) > MAX_TAG_LENGTH for t in tags):
        errors["theme_tags"] = f"Theme tags: each tag must be {MAX_TAG_LENGTH} characters or fewer"
    if any(line.inspection_id != inspection.pk for line in lines):
        errors["lines"] = "Lines of enquiry: choose lines of this inspection"
    if errors:
        raise InvalidFields(errors)


def why_no_feedback(meeting: Meeting) -> str:
    """Why the meeting cannot have feedback notes ("" when it can)."""
    if meeting.status == MeetingStatus.CANCELLED:
        return f"“{meeting.title}” is cancelled: there was no contact to feed back on."
    if meeting.start is None:
        return f"“{meeting.title}” has no time yet: feedback follows the meeting."
    if not has_inspectors(meeting):
        return (
            f"“{meeting.title}” has no inspector in it: feedback is for meetings with inspectors."
        )
    return ""


def _fill(note: ContactFeedback, values: dict[str, Any]) -> None:
    note.attended = str(values.get("attended", "")).strip()
    note.theme_tags = clean_tags(values.get("theme_tags", []))
    for name in TEXT_FIELDS:
        setattr(note, name, str(values.get(name, "")).strip())


@transaction.atomic
def record_feedback(
    meeting: Meeting,
    *,
    lines: Iterable[LineOfEnquiry] = (),
    actor: Any = None,
    **values: Any,
) -> ContactFeedback:
    """A new feedback note for a meeting with inspectors, by someone who may record one.
    `values`: attended, theme_tags (a list), themes, strengths, worries, follow_ups."""
    inspection = meeting.inspection
    if not may_record(actor, meeting):
        raise NotAllowed(
            "Only the project team, a senior leader or someone who attended this meeting may "
            "record feedback on it."
        )
    reason = why_no_feedback(meeting)
    if reason:
        raise DomainError(reason)
    chosen = list(lines)
    values["theme_tags"] = clean_tags(values.get("theme_tags", []))
    _check(inspection, values, chosen)
    with audit.batch():  # the note and its lines: one change
        note = ContactFeedback(
            inspection=inspection,
            meeting=meeting,
            author=person_for(actor, inspection) if actor is not None else None,
        )
        _fill(note, values)
        note.save()
        note.lines.set(chosen)
    return note


@transaction.atomic
def edit_feedback(
    note: ContactFeedback,
    *,
    lines: Iterable[LineOfEnquiry] = (),
    actor: Any = None,
    **values: Any,
) -> ContactFeedback:
    """Change a feedback note: its author, or the project team."""
    if not may_edit(actor, note):
        raise NotAllowed("Only the note's author or the project team may change it.")
    note = ContactFeedback.objects.select_for_update().get(pk=note.pk)
    chosen = list(lines)
    values["theme_tags"] = clean_tags(values.get("theme_tags", []))
    _check(note.inspection, values, chosen)
    with audit.batch():
        _fill(note, values)
        note.save()
        note.lines.set(chosen)
    return note


@dataclass
class Group:
    key: str  # the tag, or the line's ref
    label: str
    notes: list[ContactFeedback] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.notes)


@dataclass
class DayRollup:
    day: int | None
    date: dt.date | None
    notes: list[ContactFeedback]
    by_theme: list[Group]
    by_line: list[Group]


def _sorted(groups: dict[str, Group]) -> list[Group]:
    # the most-heard first, then by name: what to prepare for first
    return sorted(groups.values(), key=lambda g: (-g.count, g.key))


def rollup(inspection: Inspection, day: int | None = None) -> list[DayRollup]:
    """Feedback notes by day (the London date of the meeting), grouped within each day by
    theme tag and by line of enquiry, with counts; `day` keeps only that working day."""
    notes = (
        ContactFeedback.objects.filter(inspection=inspection)
        .select_related("meeting", "meeting__meeting_type", "author")
        .prefetch_related("lines")
        .order_by("meeting__start", "created_at", "pk")
    )
    # by the London date of the meeting; notes of meetings since taken off the timetable last
    days: dict[dt.date | None, list[ContactFeedback]] = {}
    for note in notes:
        if day is not None and day_of(inspection, note.meeting) != day:
            continue
        start = note.meeting.start
        days.setdefault(local_date(start) if start else None, []).append(note)
    out = []
    for date in sorted(days, key=lambda d: (d is None, d or dt.date.min)):
        day_notes = days[date]
        themes: dict[str, Group] = {}
        by_line: dict[str, Group] = {}
        for note in day_notes:
            for tag in note.theme_tags:
                themes.setdefault(tag, Group(tag, tag)).notes.append(note)
            for line in note.lines.all():
                by_line.setdefault(line.ref, Group(line.ref, str(line))).notes.append(note)
        out.append(
            DayRollup(
                day=day_of(inspection, day_notes[0].meeting),
                date=date,
                notes=day_notes,
                by_theme=_sorted(themes),
                by_line=_sorted(by_line),
            )
        )
    return out
