"""Forms of the pages where people choose what the planner e-mails them."""

from __future__ import annotations

from django import forms

from inspections.forms import GovForm
from notify.models import Choice

# What each choice means, under its radio.
HINTS = {
    Choice.EVERYTHING: "The default: each as it happens, as well as the morning digest.",
    Choice.DIGEST_ONLY: "One e-mail on each working morning with the day's meetings, tasks, "
    "requests and actions; nothing else.",
    Choice.NOTHING: "No e-mails from the planner. The calendar feed and the planner's pages "
    "still show everything.",
}


class ChoiceForm(GovForm):
    choice = forms.ChoiceField(
        label="What the planner e-mails",
        choices=Choice.choices,
        error_messages={
            "required": "Select what the planner should e-mail",
            "invalid_choice": "Select everything, the morning digest only, or nothing",
        },
    )

    def options(self) -> list[tuple[str, str, str, bool]]:
        """(value, label, hint, checked) for each radio."""
        current = self["choice"].value()
        return [(c.value, c.label, HINTS[c], c.value == current) for c in Choice]


class InspectorChoiceForm(ChoiceForm):
    """The coordinator's, for an inspector (who has no login of their own)."""

    timetable_workbook = forms.BooleanField(
        required=False,
        label="Send the lead inspector's timetable workbook of the day with the morning digest",
    )
