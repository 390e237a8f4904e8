"""Forms at the scheduling pages' boundary: they parse and bound what a browser sends (ASCII
digits, days of this inspection, choices of this inspection's people), so the services get
typed values and refuse only what breaks a domain rule (a clash, a stale version)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from inspections.calendar import to_utc
from inspections.forms import ChildIdListField, GovForm, WholeNumberField, day_number_field
from inspections.models import Inspection
from scheduling.creating import MAX_DURATION, MAX_FAMILY, MIN_DURATION, TITLE_MAX, NewMeeting
from scheduling.editing import BY_HAND_STATUSES, Proposal
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingStatus,
    MeetingType,
    Mode,
    Room,
    UnavailabilityReason,
)
from scheduling.runs import MAX_TIME_LIMIT

INT32_MAX = 2**31 - 1  # seeds and versions are stored as 32-bit integers
PURPOSE_MAX = NOTES_MAX = 2000
PK = re.compile(r"[0-9]{1,10}")
CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


def _messages(message: str) -> dict[str, str]:
    """One message for every way a choice can be wrong; it never repeats what was sent."""
    keys = ("required", "invalid_choice", "invalid_pk_value", "invalid", "invalid_list")
    return dict.fromkeys(keys, message)


def _choice(choices: Any, message: str, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=list(choices), required=required, error_messages=_messages(message)
    )


class ClockTimeField(forms.Field):
    """A 24-hour HH:MM in ASCII digits (Django's TimeField takes any Unicode digit)."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": f"{label}: enter a time, for example 09:30.",
            "invalid": f"{label}: use HH:MM, for example 09:30.",
        }

    def to_python(self, value: Any) -> dt.time | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.time):
            return value
        match = CLOCK.fullmatch(str(value).strip())
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return dt.time(int(match[1]), int(match[2]))


class PkChoiceField(forms.ModelChoiceField):
    """A row by primary key: anything but a short run of ASCII digits is not a choice, so '²'
    or 5,000 digits never reach the database."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not PK.fullmatch(str(value)):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _version_field() -> WholeNumberField:
    field = WholeNumberField(min_value=1, max_value=INT32_MAX, label="Version")
    message = "Version: this form is out of date or damaged; reload the page and try again."
    field.error_messages.update(_messages(message), min_value=message, max_value=message)
    return field


class MeetingFilterForm(GovForm):
    """The meeting list's filters; a blank one means any."""

    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"] = day_number_field(inspection, required=False)
        self.fields["inspector"] = _choice(
            inspection.inspectors.values_list("ref", "full_name"),
            "Inspector: choose an inspector of this inspection from the list.",
        )
        self.fields["type"] = _choice(
            MeetingType.objects.values_list("key", "name"),
            "Type: choose a type of meeting from the list.",
        )
        self.fields["status"] = _choice(
            MeetingStatus.choices, "Status: choose a status from the list."
        )


def _meeting_type_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        MeetingType.objects.all(),
        to_field_name="key",
        error_messages=_messages("Type of meeting: choose a type from the list."),
    )


class MeetingTypeForm(GovForm):
    """Step one of a new meeting: the type whose defaults fill the form."""

    meeting_type = _meeting_type_field()


class NewMeetingForm(GovForm):
    """Everything a new meeting needs; blanks take the meeting type's defaults."""

    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = inspection.calendar.last_day
        pool = max(1, inspection.inspectors.count())
        f = self.fields
        f["meeting_type"] = _meeting_type_field()
        f["title"] = forms.CharField(
            max_length=TITLE_MAX,
            error_messages={
                "required": "Title: enter a title, for example 'Case discussion: child C104233'.",
                "max_length": f"Title: use {TITLE_MAX} characters or fewer.",
            },
        )
        f["purpose"] = forms.CharField(
            required=False,
            max_length=PURPOSE_MAX,
            error_messages={"max_length": f"Purpose: use {PURPOSE_MAX} characters or fewer."},
        )
        f["mode"] = _choice(Mode.choices, "How it happens: choose in person, Teams or a visit.")
        f["duration"] = WholeNumberField(
            min_value=MIN_DURATION, max_value=MAX_DURATION, label="Duration", required=False
        )
        f["venue"] = forms.ModelChoiceField(
            inspection.venues.all(),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Venue: choose one of this inspection's venues."),
        )
        f["inspector_rule"] = _choice(
            InspectorRule.choices, "Which inspectors: choose who from the inspection team attends."
        )
        f["inspectors"] = forms.ModelMultipleChoiceField(
            inspection.inspectors.all(),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Inspectors: choose inspectors of this inspection."),
        )
        f["inspectors_needed"] = WholeNumberField(
            min_value=1, max_value=pool, label="How many inspectors", required=False
        )
        f["attendees"] = forms.ModelMultipleChoiceField(
            inspection.people.all(),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Attendees: choose people of this inspection."),
        )
        f["family_count"] = WholeNumberField(
            min_value=0, max_value=MAX_FAMILY, label="Children and family members", required=False
        )
        f["child_ids"] = ChildIdListField(required=False)
        f["window_days"] = forms.TypedMultipleChoiceField(
            choices=[(str(d), f"Day {d}") for d in range(1, last + 1)],
            coerce=int,
            required=False,
            error_messages=_messages(f"Days: choose working days between 1 and {last}."),
        )
        f["earliest"] = ClockTimeField(label="Earliest start", required=False)
        f["latest"] = ClockTimeField(label="Latest end", required=False)
        f["follows"] = PkChoiceField(
            Meeting.objects.for_inspection(inspection).active(),
            required=False,
            error_messages=_messages("Comes after: choose a meeting of this inspection."),
        )

    @staticmethod
    def defaults(mtype: MeetingType) -> dict[str, Any]:
        """What a new meeting of this type starts with (the form shows it to change)."""
        return {
            "meeting_type": mtype.key,
            "mode": mtype.mode,
            "duration": str(mtype.duration),
            "inspector_rule": mtype.inspector_rule,
            "inspectors_needed": str(
                mtype.inspectors_needed or (1 if mtype.inspector_rule == InspectorRule.ANY else "")
            ),
            "family_count": "0",
            "earliest": f"{mtype.earliest:%H:%M}",
            "latest": f"{mtype.latest:%H:%M}",
        }

    def new_meeting(self) -> NewMeeting:
        d = self.cleaned_data
        return NewMeeting(
            meeting_type=d["meeting_type"],
            title=d["title"],
            purpose=d["purpose"],
            mode=Mode(d["mode"]) if d["mode"] else None,
            duration=d["duration"],
            venue=d["venue"],
            inspector_rule=InspectorRule(d["inspector_rule"]) if d["inspector_rule"] else None,
            inspectors=tuple(d["inspectors"]),
            inspectors_needed=d["inspectors_needed"],
            attendees=tuple(d["attendees"]),
            family_count=d["family_count"] or 0,
            child_ids=tuple(dict.fromkeys(c.upper() for c in d["child_ids"])),
            window_days=tuple(d["window_days"]),
            earliest=d["earliest"],
            latest=d["latest"],
            follows=(d["follows"],) if d["follows"] else (),
        )


class PlacementForm(GovForm):
    """A by-hand placement: day, start time, room (in person), inspectors."""

    def __init__(self, inspection: Inspection, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspection, self.meeting = inspection, meeting
        self.fields["day"] = day_number_field(inspection)
        self.fields["time"] = ClockTimeField(label="Start time")
        # Checked whatever the mode (a bad value is always refused); needed only in person.
        self.fields["room"] = PkChoiceField(
            Room.objects.filter(venue__inspection=inspection).select_related("venue"),
            required=meeting.mode == Mode.IN_PERSON,
            error_messages={
                **_messages("Room: choose a room of this inspection from the list."),
                "required": "Room: choose a room for an in-person meeting.",
            },
        )
        self.fields["inspectors"] = forms.ModelMultipleChoiceField(
            inspection.inspectors.order_by("ref"),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Inspectors: choose inspectors of this inspection."),
        )

    def proposal(self) -> Proposal:
        d = self.cleaned_data
        date = self.inspection.calendar.date_for_day(d["day"])
        room = d["room"] if self.meeting.mode == Mode.IN_PERSON else None
        return Proposal(start=to_utc(date, d["time"]), room=room, inspectors=tuple(d["inspectors"]))


class MoveMeetingForm(PlacementForm):
    """The move-or-rebook form: a placement, the version it was opened at, and confirm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"] = _version_field()
        self.fields["confirm"] = forms.BooleanField(required=False)


class MeetingStatusForm(GovForm):
    status = _choice(
        [(s.value, s.label) for s in BY_HAND_STATUSES],
        "Status: choose confirm, un-confirm, cancel or restore.",
        required=True,
    )
    version = _version_field()


class AbsenceForm(GovForm):
    """An inspector off for a whole working day of this inspection."""

    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspector"] = forms.ModelChoiceField(
            inspection.inspectors.all(),
            to_field_name="ref",
            error_messages=_messages("Inspector: choose an inspector of this inspection."),
        )
        self.fields["day"] = day_number_field(inspection)
        self.fields["reason"] = _choice(
            UnavailabilityReason.choices, "Reason: choose a reason from the list."
        )

    def reason(self) -> UnavailabilityReason:
        return UnavailabilityReason(self.cleaned_data["reason"] or UnavailabilityReason.SICK)


class PlanStartForm(GovForm):
    """Run the planner: a time limit in whole seconds and a seed (both have defaults)."""

    time_limit = WholeNumberField(
        min_value=1, max_value=int(MAX_TIME_LIMIT), label="Time limit", required=False
    )
    seed = WholeNumberField(min_value=0, max_value=INT32_MAX, label="Seed", required=False)
    fresh = forms.BooleanField(required=False)

    def values(self) -> tuple[float, int, bool]:
        d = self.cleaned_data
        limit = 10 if d["time_limit"] is None else d["time_limit"]
        return float(limit), d["seed"] or 0, d["fresh"]


class PublishForm(GovForm):
    notes = forms.CharField(
        required=False,
        max_length=NOTES_MAX,
        error_messages={"max_length": f"Notes: use {NOTES_MAX} characters or fewer."},
    )


def field_values(form: forms.Form) -> dict[str, Any]:
    """What each field shows: the submitted text (bound) or the initial value, as strings
    (lists for multiple choices), for templates that write their own GOV.UK inputs."""
    out: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            out[name] = bool(value)
        elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            out[name] = [str(v) for v in (value or [])]
        else:
            out[name] = "" if value is None else str(value)
    return out
