"""The aftermath's forms: an event's date, and a factual-accuracy comment."""

from __future__ import annotations

from typing import Any

from django import forms

from aftermath.models import CommentStatus
from inspections.forms import GovDateField, GovForm
from inspections.models import Inspection, Person


class EventForm(GovForm):
    date = GovDateField(label="Date")
    notes = forms.CharField(label="Notes (optional)", required=False, max_length=2000)


class CommentForm(GovForm):
    paragraph = forms.CharField(
        label="Paragraph",
        max_length=20,
        error_messages={"required": "Enter the draft report's paragraph"},
    )
    point = forms.CharField(
        label="The point",
        max_length=4000,
        error_messages={"required": "Enter the point: what is inaccurate and what it should say"},
    )
    evidence = forms.CharField(label="Evidence (optional)", required=False, max_length=4000)
    agreed_by = forms.ModelChoiceField(
        label="Agreed by (optional)",
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Select who agreed it from the list"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=CommentStatus.choices,
        error_messages={"invalid_choice": "Select the comment's status"},
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agreed_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Person.objects.filter(inspection=inspection).order_by("full_name")
