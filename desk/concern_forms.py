"""Forms of the concerns pages: log one, add and complete actions, record the outcome, close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from evidence.forms import PersonField
from inspections.calendar import to_utc
from inspections.forms import ChildIdField, GovForm
from inspections.models import Inspector, Person

TEXT_MAX = 4000
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


class UkTimeField(forms.CharField):
    """A UK wall-clock time (the browser's datetime-local input), stored as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        for fmt in LOCAL_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
            except ValueError:
                continue
            return to_utc(moment.date(), moment.time())
        raise ValidationError(f"{self.label}: enter a date and time like 2025-06-17 14:30")


class InspectorField(forms.Field):
    widget = forms.Select

    def __init__(self, inspectors: QuerySet[Inspector], *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, **kwargs)
        self.inspectors = inspectors

    def to_python(self, value: Any) -> Inspector | None:
        text = str(value or "").strip()
        if not text:
            return None
        found = self.inspectors.filter(pk=int(text)).first() if text.isdigit() else None
        if found is None:
            raise ValidationError(f"{self.label}: choose an inspector from the list")
        return found


def _text(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter {label.lower()}",
            "max_length": f"{label} must be {TEXT_MAX} characters or fewer",
        },
    )


class ConcernForm(GovForm):
    child_id = ChildIdField(label="Child ID")
    raised_by = forms.Field(required=False)  # replaced in __init__
    raised_at = UkTimeField(label="Raised at (UK time)")
    text = _text("What the inspector is worried about")

    def __init__(self, *args: Any, inspectors: QuerySet[Inspector], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["raised_by"] = InspectorField(inspectors, label="Raised by")
        self.inspectors = list(inspectors)


class ActionForm(GovForm):
    text = _text("Action")
    owner = forms.Field(required=False)
    due_at = UkTimeField(label="Due (UK time)")

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = PersonField(people, label="Owner")
        self.people = list(people)


class ActionDoneForm(GovForm):
    action = forms.IntegerField(min_value=1, max_value=9_999_999_999)


class OutcomeForm(GovForm):
    outcome = _text("Outcome")


class CloseForm(GovForm):
    closing_outcome = _text("Outcome", required=False)
