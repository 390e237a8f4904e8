"""Practice observations: an existing council meeting (front door screening, a strategy
discussion, a child protection conference, a legal gateway meeting) that an inspector joins.

The council set its time long before the inspection, so an observation is always fixed: its day
and start time are required and the planner never moves it (problem_builder turns fixed_day and
fixed_time into the solver's fixed start, which check.py holds as a hard rule). The planner only
picks the inspector who joins (rule "any") or checks the one named. Its chair is the contact
attendees are given, on the meeting page and in their calendar feeds. Where a family is present,
whether they agreed to an inspector joining is recorded: still to ask, given or refused.

Consent is checked where the timetable goes out: the plan page and the releases page warn about
every observation with a family present whose consent is not "given"; publishing refuses a
timetable that sends an inspector into a meeting whose family refused (nobody may then be told
to go), and names the meetings so they can be cancelled or put right first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from inspections.access import require
from inspections.audit import batch
from inspections.childids import is_child_id
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import InvalidFields
from scheduling.creating import MAX_DURATION, MIN_DURATION
from scheduling.locks import lock_schedule
from scheduling.models import (
    FamilyConsent,
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

# An inspector joins: the planner picks one (any) or the project team names them (named).
OBSERVATION_RULES = (InspectorRule.ANY, InspectorRule.NAMED)
# With a family present, consent must be one of these (never "not needed").
WITH_FAMILY = (FamilyConsent.TO_ASK, FamilyConsent.GIVEN, FamilyConsent.REFUSED)


class ObservationInvalid(InvalidFields):
    """One message per field; each starts with the field's label."""


@dataclass(frozen=True)
class NewObservation:
    """A practice observation to add. None (or empty) takes the meeting type's default."""

    meeting_type: MeetingType
    title: str
    day: int | None
    time: dt.time | None
    chair: Person | None
    purpose: str = ""
    duration: int | None = None
    mode: Mode | None = None
    venue: Venue | None = None
    inspector_rule: InspectorRule | None = None
    inspectors: tuple[Inspector, ...] = ()
    inspectors_needed: int | None = None
    attendees: tuple[Person, ...] = ()
    family_count: int = 0
    family_consent: FamilyConsent | None = None
    child_ids: tuple[str, ...] = ()


def observation_types() -> Any:
    return MeetingType.objects.filter(group=MeetingGroup.OBSERVATION).order_by("name")


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def consent_error(family_count: int, consent: FamilyConsent | None) -> str:
    if family_count > 0 and consent not in WITH_FAMILY:
        return (
            "Family consent: a family is present, so say whether their consent is still to ask, "
            "given or refused."
        )
    return ""


def _check(inspection: Inspection, new: NewObservation) -> dict[str, str]:
    errors: dict[str, str] = {}
    mtype = new.meeting_type
    if mtype.group != MeetingGroup.OBSERVATION:
        errors["meeting_type"] = "Type of observation: choose a practice observation from the list."
    if not new.title.strip():
        errors["title"] = "Title: enter a title, for example 'Strategy discussion: child C104233'."
    last = inspection.calendar.last_day
    if new.day is None:
        errors["day"] = "Day: enter the working day it happens on; the council has fixed it."
    elif not 1 <= new.day <= last:
        errors["day"] = f"Day: choose a working day between 1 and {last}."
    minutes = new.duration if new.duration is not None else mtype.duration
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        errors["duration"] = f"Duration: give {MIN_DURATION} to {MAX_DURATION} minutes."
    if new.time is None:
        errors["time"] = "Start time: enter the time it starts (HH:MM); the council has fixed it."
    elif new.time < DAY_START or _minutes(new.time) + minutes > _minutes(EVENING_END):
        errors["time"] = (
            f"Start time: it must start at {DAY_START:%H:%M} or later and end by "
            f"{EVENING_END:%H:%M}."
        )
    mode = new.mode or mtype.mode
    if new.venue is not None and new.venue.inspection_id != inspection.pk:
        errors["venue"] = "Venue: choose one of this inspection's venues."
    elif mode == Mode.VISIT and new.venue is None:
        errors["venue"] = "Venue: a visit happens at a venue; choose where the meeting is held."
    rule = new.inspector_rule or mtype.inspector_rule
    pool = max(1, inspection.inspectors.count())
    if rule not in OBSERVATION_RULES:
        errors["inspector_rule"] = (
            "Which inspectors: an inspector joins an observation; choose 'any' or name them."
        )
    elif any(i.inspection_id != inspection.pk for i in new.inspectors):
        errors["inspectors"] = "Inspectors: choose inspectors of this inspection."
    elif rule == InspectorRule.NAMED and not new.inspectors:
        errors["inspectors"] = "Inspectors: tick the inspector who joins, or choose 'any'."
    elif rule == InspectorRule.ANY and not 1 <= (new.inspectors_needed or 1) <= pool:
        errors["inspectors_needed"] = f"How many inspectors: give a number from 1 to {pool}."
    if new.chair is None:
        errors["chair"] = "Chair: choose who chairs it; attendees are given them as the contact."
    elif new.chair.inspection_id != inspection.pk:
        errors["chair"] = "Chair: choose a person of this inspection."
    if any(p.inspection_id != inspection.pk for p in new.attendees):
        errors["attendees"] = "Attendees: choose people of this inspection."
    consent = consent_error(new.family_count, new.family_consent)
    if consent:
        errors["family_consent"] = consent
    if not all(is_child_id(c) for c in new.child_ids):
        errors["child_ids"] = "Child IDs: use IDs only, never names."
    return errors


@transaction.atomic
@batch()  # the meeting and the people in it make one history row
def add_observation(inspection: Inspection, new: NewObservation, *, actor: Any = None) -> Meeting:
    """Create a practice observation (project team and above): a draft at its fixed day and
    time, for the planner to give an inspector (and a room, in person) without moving it."""
    require(actor, inspection, Role.PROJECT_TEAM)
    errors = _check(inspection, new)
    if errors:
        raise ObservationInvalid(errors)
    assert new.day is not None and new.time is not None and new.chair is not None
    mtype = new.meeting_type
    mode = new.mode or mtype.mode
    rule = new.inspector_rule or mtype.inspector_rule
    minutes = new.duration if new.duration is not None else mtype.duration
    end = dt.datetime.combine(dt.date(2000, 1, 1), new.time) + dt.timedelta(minutes=minutes)
    lock_schedule(inspection.pk)  # one writer of the timetable at a time
    meeting = Meeting.objects.create(
        inspection=inspection,
        ref=f"{USER_REF_PREFIX}{uuid.uuid4().hex[:12]}",
        meeting_type=mtype,
        title=new.title.strip(),
        purpose=new.purpose or mtype.description,
        duration=minutes,
        mode=mode,
        inspector_rule=rule,
        inspectors_needed=(new.inspectors_needed or max(1, mtype.inspectors_needed))
        if rule == InspectorRule.ANY
        else 0,
        family_count=new.family_count,
        family_consent=new.family_consent
        if new.family_count > 0 and new.family_consent
        else FamilyConsent.NOT_NEEDED,
        child_ids=list(new.child_ids),
        window_days=[new.day],
        earliest=new.time,
        latest=end.time(),
        fixed_day=new.day,
        fixed_time=new.time,
        venue=None if mode == Mode.TEAMS else new.venue,
        equipment=list(mtype.equipment),
        chair=new.chair,
        status=MeetingStatus.DRAFT,
    )
    meeting.required_inspectors.set(new.inspectors if rule == InspectorRule.NAMED else ())
    # the chair is at their own meeting: in it, so their feed has it and the planner knows
    meeting.attendees.set({*new.attendees, new.chair})
    return meeting


@transaction.atomic
@batch()
def record_consent(
    meeting: Meeting, consent: FamilyConsent, family_count: int, *, actor: Any = None
) -> Meeting:
    """Record how many family members attend an observation and whether they agreed."""
    require(actor, meeting.inspection, Role.PROJECT_TEAM)
    error = consent_error(family_count, consent)
    if error:
        raise ObservationInvalid({"family_consent": error})
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.family_count = family_count
    meeting.family_consent = consent if family_count > 0 else FamilyConsent.NOT_NEEDED
    meeting.save(update_fields=["family_count", "family_consent", "updated_at"])
    return meeting


def _label(meeting: Meeting) -> str:
    when = f"day {meeting.fixed_day} {meeting.fixed_time:%H:%M}" if meeting.fixed_time else ""
    return f"'{meeting.title}'" + (f" ({when})" if when else "")


def _family_observations(meetings: Iterable[Meeting]) -> list[Meeting]:
    return [
        m
        for m in meetings
        if m.status != MeetingStatus.CANCELLED
        and m.meeting_type.group == MeetingGroup.OBSERVATION
        and m.family_count > 0
    ]


def consent_warnings(meetings: Iterable[Meeting]) -> list[str]:
    """A plain sentence for each live observation with a family present and no consent."""
    out = []
    for m in _family_observations(meetings):
        if m.family_consent == FamilyConsent.GIVEN:
            continue
        if m.family_consent == FamilyConsent.REFUSED:
            out.append(
                f"{_label(m)}: the family refused an inspector joining. Cancel the observation "
                "or record that no family is present; the timetable cannot be published with it."
            )
        else:
            out.append(
                f"{_label(m)}: a family is present and their consent is not recorded as given. "
                "Ask them before the inspector joins."
            )
    return out


def consent_refusals(meetings: Iterable[Meeting]) -> list[str]:
    """Live, placed observations whose family refused: publishing them is refused."""
    return [
        f"{_label(m)}: the family refused an inspector joining; cancel it or record that no "
        "family is present."
        for m in _family_observations(meetings)
        if m.family_consent == FamilyConsent.REFUSED and m.start is not None
    ]
