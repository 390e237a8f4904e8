"""The forms of a practice observation: adding one, and recording a family's consent. They parse
and bound what a browser sends; scheduling.observations judges the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms import ChildIdListField, GovForm, WholeNumberField, day_number_field
from inspections.models import Inspection
from scheduling.creating import MAX_DURATION, MAX_FAMILY, MIN_DURATION, TITLE_MAX
from scheduling.forms import PURPOSE_MAX, ClockTimeField, _choice, _messages
from scheduling.models import FamilyConsent, InspectorRule, Mode
from scheduling.observations import (
    OBSERVATION_RULES,
    NewObservation,
    consent_error,
    observation_types,
)


def _family_count_field() -> WholeNumberField:
    return WholeNumberField(
        min_value=0, max_value=MAX_FAMILY, label="Family members present", required=False
    )


def _consent_field() -> forms.ChoiceField:
    return _choice(FamilyConsent.choices, "Family consent: choose one of the answers.")


class _ConsentClean(GovForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        count = data.get("family_count") or 0
        if "family_count" not in self.errors and "family_consent" not in self.errors:
            consent = data.get("family_consent") or None
            error = consent_error(count, FamilyConsent(consent) if consent else None)
            if error:
                self.add_error("family_consent", error)
        return data


class ObservationForm(_ConsentClean):
    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pool = max(1, inspection.inspectors.count())
        f = self.fields
        f["meeting_type"] = forms.ModelChoiceField(
            observation_types(),
            to_field_name="key",
            error_messages=_messages("Type of observation: choose one from the list."),
        )
        f["title"] = forms.CharField(
            max_length=TITLE_MAX,
            error_messages={
                "required": "Title: enter a title, for example 'Strategy discussion: child "
                "C104233'.",
                "max_length": f"Title: use {TITLE_MAX} characters or fewer.",
            },
        )
        day = day_number_field(inspection)
        day.error_messages["required"] = (
            "Day: enter the working day it happens on; the council has fixed it."
        )
        f["day"] = day
        f["time"] = ClockTimeField(label="Start time")
        f["time"].error_messages["required"] = (
            "Start time: enter the time it starts (HH:MM); the council has fixed it."
        )
        f["duration"] = WholeNumberField(
            min_value=MIN_DURATION, max_value=MAX_DURATION, label="Duration", required=False
        )
        f["mode"] = _choice(Mode.choices, "How it happens: choose in person, Teams or a visit.")
        f["venue"] = forms.ModelChoiceField(
            inspection.venues.all(),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Venue: choose one of this inspection's venues."),
        )
        f["inspector_rule"] = _choice(
            [(r.value, r.label) for r in OBSERVATION_RULES],
            "Which inspectors: choose 'any' or name the inspector who joins.",
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
        f["chair"] = forms.ModelChoiceField(
            inspection.people.all(),
            to_field_name="ref",
            error_messages={
                **_messages("Chair: choose a person of this inspection from the list."),
                "required": "Chair: choose who chairs it; attendees are given them as the contact.",
            },
        )
        f["attendees"] = forms.ModelMultipleChoiceField(
            inspection.people.all(),
            to_field_name="ref",
            required=False,
            error_messages=_messages("Attendees: choose people of this inspection."),
        )
        f["family_count"] = _family_count_field()
        f["family_consent"] = _consent_field()
        f["child_ids"] = ChildIdListField(required=False)
        f["purpose"] = forms.CharField(
            required=False,
            max_length=PURPOSE_MAX,
            error_messages={"max_length": f"Purpose: use {PURPOSE_MAX} characters or fewer."},
        )

    def new_observation(self) -> NewObservation:
        d = self.cleaned_data
        return NewObservation(
            meeting_type=d["meeting_type"],
            title=d["title"],
            day=d["day"],
            time=d["time"],
            chair=d["chair"],
            purpose=d["purpose"],
            duration=d["duration"],
            mode=Mode(d["mode"]) if d["mode"] else None,
            venue=d["venue"],
            inspector_rule=InspectorRule(d["inspector_rule"]) if d["inspector_rule"] else None,
            inspectors=tuple(d["inspectors"]),
            inspectors_needed=d["inspectors_needed"],
            attendees=tuple(d["attendees"]),
            family_count=d["family_count"] or 0,
            family_consent=FamilyConsent(d["family_consent"]) if d["family_consent"] else None,
            child_ids=tuple(dict.fromkeys(c.upper() for c in d["child_ids"])),
        )


class ConsentForm(_ConsentClean):
    """A family's answer, recorded on the observation's page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family_count"] = _family_count_field()
        self.fields["family_consent"] = _consent_field()
