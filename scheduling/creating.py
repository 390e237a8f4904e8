"""Add a meeting in the web app: a draft, unplaced, with the catalogue's defaults.

`add_meeting` takes a `NewMeeting` of typed values (the new-meeting form parses and bounds
what a browser sends). It checks the domain rules that need the values together (a visit
needs a venue, the window must fit the meeting) and raises `MeetingInvalid`, one message per
field, each naming it. Nothing is saved unless every rule holds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from inspections.access import require
from inspections.audit import batch
from inspections.childids import is_child_id
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import InvalidFields
from scheduling.locks import lock_schedule
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingGroup,
    MeetingStatus,
    MeetingType,
    Mode,
    Venue,
)
from scheduling.problem_builder import DAY_START, EVENING_END
from scheduling.scenario import USER_REF_PREFIX

# Bounds the form enforces (a meeting of 3 minutes or 10 hours is a typo).
MIN_DURATION, MAX_DURATION = 5, 600
MAX_FAMILY = 50
TITLE_MAX = 200


class MeetingInvalid(InvalidFields):
    """One message per field; each starts with the field's label."""


@dataclass(frozen=True)
class NewMeeting:
    """A meeting to add. None (or empty) takes the meeting type's default."""

    meeting_type: MeetingType
    title: str
    purpose: str = ""
    mode: Mode | None = None
    duration: int | None = None
    venue: Venue | None = None
    inspector_rule: InspectorRule | None = None
    inspectors: tuple[Inspector, ...] = ()
    inspectors_needed: int | None = None
    attendees: tuple[Person, ...] = ()
    family_count: int = 0
    child_ids: tuple[str, ...] = ()
    window_days: tuple[int, ...] = ()
    earliest: dt.time | None = None
    latest: dt.time | None = None
    follows: tuple[Meeting, ...] = ()


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _live(meeting: Meeting) -> bool:
    return meeting.status != MeetingStatus.CANCELLED


def _check_people(inspection: Inspection, new: NewMeeting, rule: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if any(i.inspection_id != inspection.pk for i in new.inspectors):
        errors["inspectors"] = "Inspectors: choose inspectors of this inspection."
    elif rule == InspectorRule.NAMED and not new.inspectors:
        errors["inspectors"] = "Inspectors: tick at least one inspector, or choose another option."
    elif rule == InspectorRule.NONE and new.inspectors:
        errors["inspectors"] = (
            "Inspectors: a council-only meeting has no inspector; untick them or choose another "
            "option."
        )
    if rule == InspectorRule.ANY and new.inspectors_needed is not None:
        pool = max(1, inspection.inspectors.count())
        if not 1 <= new.inspectors_needed <= pool:
            errors["inspectors_needed"] = f"How many inspectors: give a number from 1 to {pool}."
    if any(p.inspection_id != inspection.pk for p in new.attendees):
        errors["attendees"] = "Attendees: choose people of this inspection."
    elif rule == InspectorRule.NONE and not new.attendees:
        errors["attendees"] = "Attendees: a council-only meeting needs at least one attendee."
    return errors


def _check_window(
    inspection: Inspection, new: NewMeeting, minutes: int, start: dt.time, end: dt.time
) -> dict[str, str]:
    errors: dict[str, str] = {}
    last = inspection.calendar.last_day
    if any(not 1 <= d <= last for d in new.window_days):
        errors["window_days"] = f"Days: choose working days between 1 and {last}."
    if start < DAY_START:
        errors["earliest"] = f"Earliest start: not before {DAY_START:%H:%M}."
    if end > EVENING_END:
        errors["latest"] = f"Latest end: not after {EVENING_END:%H:%M}."
    if not errors.keys() & {"earliest", "latest"}:
        span = _minutes(end) - _minutes(start)
        if span <= 0:
            errors["latest"] = "Latest end: must be after the earliest start."
        elif minutes > span:
            errors["duration"] = (
                f"Duration: {minutes} minutes does not fit between {start:%H:%M} and {end:%H:%M}."
            )
    return errors


@transaction.atomic
@batch()  # the meeting and the people in it make one history row
def add_meeting(inspection: Inspection, new: NewMeeting, *, actor: Any = None) -> Meeting:
    """Create a draft, unplaced meeting; blank duration, mode, rule and times take the type's."""
    require(actor, inspection, Role.PROJECT_TEAM)
    mtype = new.meeting_type
    mode = new.mode or mtype.mode
    rule = new.inspector_rule or mtype.inspector_rule
    minutes = new.duration if new.duration is not None else mtype.duration
    start_t = new.earliest or mtype.earliest
    end_t = new.latest or mtype.latest

    errors: dict[str, str] = {}
    if mtype.group == MeetingGroup.OBSERVATION:
        # it needs a fixed day and time and a chair: scheduling.observations.add_observation
        errors["meeting_type"] = (
            "Type of meeting: add a practice observation on its own page (it needs its fixed "
            "day and time and its chair)."
        )
    place = new.venue
    if place is not None and place.inspection_id != inspection.pk:
        errors["venue"] = "Venue: choose one of this inspection's venues."
    elif mode == Mode.VISIT and place is None:
        errors["venue"] = "Venue: a visit happens at a venue; choose where."
    if mode == Mode.TEAMS:
        place = None
    errors.update(_check_people(inspection, new, rule))
    # A name typed where an ID belongs must never be stored (the form says which entry).
    if not all(is_child_id(c) for c in new.child_ids):
        errors["child_ids"] = "Child IDs: use IDs only, never names."
    errors.update(_check_window(inspection, new, minutes, start_t, end_t))
    if any(m.inspection_id != inspection.pk or not _live(m) for m in new.follows):
        errors["follows"] = "Comes after: choose a meeting of this inspection."
    if errors:
        raise MeetingInvalid(errors)

    lock_schedule(inspection.pk)  # one writer of the timetable at a time
    needed = 0
    if rule == InspectorRule.ANY:
        needed = new.inspectors_needed or max(1, mtype.inspectors_needed)
    days = sorted(set(new.window_days))
    fixed_time = mtype.fixed_time
    meeting = Meeting.objects.create(
        inspection=inspection,
        ref=f"{USER_REF_PREFIX}{uuid.uuid4().hex[:12]}",
        meeting_type=mtype,
        title=new.title,
        purpose=new.purpose or mtype.description,
        duration=minutes,
        mode=mode,
        inspector_rule=rule,
        inspectors_needed=needed,
        family_count=new.family_count,
        child_ids=list(new.child_ids),
        window_days=days,
        earliest=start_t,
        latest=end_t,
        fixed_day=days[0] if fixed_time and len(days) == 1 else None,
        fixed_time=fixed_time if len(days) == 1 else None,
        preferred_time=mtype.preferred_time,
        venue=place,
        equipment=list(mtype.equipment),
        status=MeetingStatus.DRAFT,
    )
    meeting.required_inspectors.set(new.inspectors)
    meeting.attendees.set(new.attendees)
    meeting.follows.set(new.follows)
    return meeting
