"""Add a meeting in the web app: a draft, unplaced, with the catalogue's defaults.

`add_meeting` takes form values as they come (strings or typed) and checks every field at once;
`MeetingInvalid` carries one message per field (each names the field) for the error summary.
Nothing is saved unless every field is right.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingStatus,
    MeetingType,
    Mode,
    Venue,
)
from scheduling.problem_builder import DAY_START, EVENING_END
from scheduling.scenario import USER_REF_PREFIX

# Letters, digits, - and _, with at least one digit: a child ID, never a name.
CHILD_ID = re.compile(r"(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
MIN_DURATION, MAX_DURATION = 10, 8 * 60
MAX_FAMILY = 60
TITLE_MAX = 200

# Form field names, in the order the form shows them (the error summary follows it).
FIELDS = (
    "meeting_type",
    "title",
    "purpose",
    "mode",
    "duration",
    "venue",
    "inspector_rule",
    "inspectors",
    "inspectors_needed",
    "attendees",
    "family_count",
    "child_ids",
    "window_days",
    "earliest",
    "latest",
    "follows",
)


class MeetingInvalid(DomainError):
    """One message per field; each starts with the field's label."""

    def __init__(self, errors: dict[str, str]):
        ordered = {k: errors[k] for k in FIELDS if k in errors}
        ordered.update({k: v for k, v in errors.items() if k not in ordered})
        super().__init__(" ".join(ordered.values()))
        self.errors = ordered


def _int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _child_ids(value: Iterable[str] | str) -> list[str]:
    items = re.split(r"[\s,;]+", value) if isinstance(value, str) else list(value)
    return [str(c).strip().upper() for c in items if str(c).strip()]


def _refs(values: Iterable[Any]) -> list[str]:
    return [v.ref if hasattr(v, "ref") else str(v) for v in values if v]


def _by_ref(model: Any, inspection: Inspection, refs: list[str]) -> tuple[list[Any], list[str]]:
    found = {o.ref: o for o in model.objects.filter(inspection=inspection, ref__in=refs)}
    return [found[r] for r in dict.fromkeys(refs) if r in found], [
        r for r in refs if r not in found
    ]


@transaction.atomic
def add_meeting(
    inspection: Inspection,
    *,
    meeting_type: MeetingType | str,
    title: str,
    duration: int | str | None = None,
    mode: str | None = None,
    purpose: str = "",
    venue: Venue | str | None = None,
    inspector_rule: str | None = None,
    inspectors: Iterable[Inspector | str] = (),
    inspectors_needed: int | str | None = None,
    attendees: Iterable[Person | str] = (),
    family_count: int | str | None = 0,
    child_ids: Iterable[str] | str = (),
    window_days: Iterable[int | str] = (),
    earliest: dt.time | str | None = None,
    latest: dt.time | str | None = None,
    follows: Iterable[Meeting | int | str] = (),
) -> Meeting:
    """Create a draft, unplaced meeting; blank duration, mode, rule and times take the type's."""
    errors: dict[str, str] = {}
    mtype = (
        meeting_type
        if isinstance(meeting_type, MeetingType)
        else MeetingType.objects.filter(key=str(meeting_type or "")).first()
    )
    if mtype is None:
        errors["meeting_type"] = "Type of meeting: choose a type from the list."

    title = (title or "").strip()
    if not title:
        errors["title"] = "Title: enter a title, for example 'Case discussion: child C104233'."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Title: use {TITLE_MAX} characters or fewer."

    mode = mode or (mtype.mode if mtype else "")
    if mode not in Mode.values:
        errors["mode"] = "How it happens: choose in person, Teams or a visit."

    minutes = _int(duration) if duration not in (None, "") else (mtype.duration if mtype else None)
    if minutes is None:
        errors["duration"] = "Duration: enter a whole number of minutes, for example 60."
    elif not MIN_DURATION <= minutes <= MAX_DURATION:
        errors["duration"] = (
            f"Duration: give between {MIN_DURATION} and {MAX_DURATION} minutes (you gave {minutes})."
        )

    place: Venue | None = None
    if isinstance(venue, Venue):
        place = venue if venue.inspection_id == inspection.pk else None
        if place is None:
            errors["venue"] = "Venue: choose one of this inspection's venues."
    elif venue:
        place = Venue.objects.filter(inspection=inspection, ref=str(venue)).first()
        if place is None:
            errors["venue"] = f"Venue: there is no venue {venue!r} in this inspection."
    if mode == Mode.VISIT and place is None and "venue" not in errors:
        errors["venue"] = "Venue: a visit happens at a venue; choose where."
    if mode == Mode.TEAMS:
        place = None

    rule = inspector_rule or (mtype.inspector_rule if mtype else "")
    named, unknown = _by_ref(Inspector, inspection, _refs(inspectors))
    if unknown:
        errors["inspectors"] = f"Inspectors: no inspector {', '.join(unknown)} in this inspection."
    needed = 0
    if rule not in InspectorRule.values:
        errors["inspector_rule"] = "Which inspectors: choose who from the inspection team attends."
    elif rule == InspectorRule.NAMED and not named and "inspectors" not in errors:
        errors["inspectors"] = "Inspectors: tick at least one inspector, or choose another option."
    elif rule == InspectorRule.NONE and named:
        errors["inspectors"] = (
            "Inspectors: a council-only meeting has no inspector; untick them or choose another "
            "option."
        )
    elif rule == InspectorRule.ANY:
        if inspectors_needed in (None, ""):
            needed = max(1, mtype.inspectors_needed) if mtype else 1
        else:
            got = _int(inspectors_needed)
            pool = inspection.inspectors.count()
            if got is None or not 1 <= got <= max(1, pool):
                errors["inspectors_needed"] = (
                    f"How many inspectors: give a number from 1 to {max(1, pool)}."
                )
            else:
                needed = got

    people, unknown = _by_ref(Person, inspection, _refs(attendees))
    if unknown:
        errors["attendees"] = f"Attendees: no person {', '.join(unknown)} in this inspection."
    elif rule == InspectorRule.NONE and not people:
        errors["attendees"] = "Attendees: a council-only meeting needs at least one attendee."

    families = _int(family_count) if family_count not in (None, "") else 0
    if families is None or not 0 <= families <= MAX_FAMILY:
        errors["family_count"] = (
            f"Children and family members: give a number from 0 to {MAX_FAMILY} (a count only)."
        )

    ids = _child_ids(child_ids)
    # Positions, not values: what was typed may be a name, and messages must not repeat it.
    bad = [str(n) for n, c in enumerate(ids, start=1) if not CHILD_ID.fullmatch(c)]
    if bad:
        errors["child_ids"] = (
            "Child IDs: use IDs only (letters, digits, - or _, with at least one digit, such as "
            "C104233), never names; "
            + (
                f"entry {bad[0]} is not an ID."
                if len(bad) == 1
                else f"entries {', '.join(bad[:5])} are not IDs."
            )
        )

    last = inspection.calendar.last_day
    days: list[int] = []
    for raw in window_days:
        n = _int(raw)
        if n is None or not 1 <= n <= last:
            errors["window_days"] = f"Days: choose working days between 1 and {last}."
            break
        days.append(n)
    days = sorted(set(days))

    start_t = _time(earliest) if earliest not in (None, "") else (mtype.earliest if mtype else None)
    end_t = _time(latest) if latest not in (None, "") else (mtype.latest if mtype else None)
    if start_t is None:
        errors["earliest"] = "Earliest start: use HH:MM, for example 09:30."
    elif start_t < DAY_START:
        errors["earliest"] = f"Earliest start: not before {DAY_START:%H:%M}."
    if end_t is None:
        errors["latest"] = "Latest end: use HH:MM, for example 17:00."
    elif end_t > EVENING_END:
        errors["latest"] = f"Latest end: not after {EVENING_END:%H:%M}."
    if start_t and end_t and "earliest" not in errors and "latest" not in errors:
        span = (end_t.hour * 60 + end_t.minute) - (start_t.hour * 60 + start_t.minute)
        if span <= 0:
            errors["latest"] = "Latest end: must be after the earliest start."
        elif minutes is not None and "duration" not in errors and minutes > span:
            errors["duration"] = (
                f"Duration: {minutes} minutes does not fit between {start_t:%H:%M} and "
                f"{end_t:%H:%M}."
            )

    earlier: list[Meeting] = []
    pks = [m.pk if isinstance(m, Meeting) else _int(m) for m in follows if m not in ("", None)]
    if pks:
        wanted = {pk for pk in pks if pk is not None}
        earlier = list(Meeting.objects.for_inspection(inspection).active().filter(pk__in=wanted))
        if None in pks or len(earlier) != len(wanted):
            errors["follows"] = "Comes after: choose a meeting of this inspection."

    if errors:
        raise MeetingInvalid(errors)
    assert mtype is not None and minutes is not None and start_t and end_t and families is not None
    fixed_time = mtype.fixed_time
    meeting = Meeting.objects.create(
        inspection=inspection,
        ref=f"{USER_REF_PREFIX}{uuid.uuid4().hex[:12]}",
        meeting_type=mtype,
        title=title,
        purpose=(purpose or "").strip() or mtype.description,
        duration=minutes,
        mode=mode,
        inspector_rule=rule,
        inspectors_needed=needed,
        family_count=families,
        child_ids=ids,
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
    meeting.required_inspectors.set(named)
    meeting.attendees.set(people)
    meeting.follows.set(earlier)
    return meeting
