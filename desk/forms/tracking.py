"""Forms of the case-tracking pages: they parse and bound what a browser sends (a child ID,
never a name; people and inspectors of this inspection), the service does the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from desk.models import TrackingKind
from inspections.forms import GovForm, WholeNumberField
from inspections.forms.fields import ChildIdField
from inspections.models import Inspection, Inspector, Person, PersonKind
from scheduling.models import Mode


def _messages(message: str) -> dict[str, str]:
    keys = ("required", "invalid_choice", "invalid_pk_value", "invalid")
    return dict.fromkeys(keys, message)


class NameChildForm(GovForm):
    child_id = ChildIdField(
        label="Child ID", error_messages={"required": "Child ID: enter the child's ID."}
    )
    kind = forms.ChoiceField(
        choices=TrackingKind.choices,
        initial=TrackingKind.TRACKING,
        error_messages=_messages("Kind: choose case tracking or a case discussion."),
    )
    inspector = forms.ModelChoiceField(
        queryset=Inspector.objects.none(),
        required=False,
        error_messages=_messages("Inspector: choose an inspector of this inspection."),
    )
    worker = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        error_messages=_messages("Allocated worker: choose a person of this inspection."),
    )
    manager = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        error_messages=_messages("Team manager: choose a person of this inspection."),
    )
    within_days = WholeNumberField(min_value=1, max_value=10, label="Within (working days)")

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = inspection.people.exclude(kind=PersonKind.PARTNER).order_by("full_name")
        self.fields["inspector"].queryset = inspection.inspectors.order_by("full_name")  # type: ignore[attr-defined]
        self.fields["worker"].queryset = council  # type: ignore[attr-defined]
        self.fields["manager"].queryset = council  # type: ignore[attr-defined]
        self.fields["within_days"].initial = 2


class FindSlotForm(GovForm):
    mode = forms.ChoiceField(
        choices=[("", "As the meeting type says (in person)"), (Mode.TEAMS, "On Teams")],
        required=False,
        error_messages=_messages("How: choose in person or Teams."),
    )


class AcceptForm(GovForm):
    token = forms.CharField(
        max_length=20_000, error_messages=_messages("Find a slot again: the proposal is missing.")
    )
