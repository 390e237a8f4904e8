"""Forms of the KIT pages: the notes of a KIT, an action agreed at it, closing or reopening one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from evidence.forms import PersonField, choice
from inspections.forms import GovForm, day_number_field
from inspections.models import Inspection
from scheduling.forms import ClockTimeField

TEXT_MAX = 4000
ACTION_MAX = 2000


def long_text(*, label: str, max_length: int = TEXT_MAX, required: bool = False) -> Any:
    """Free text in a textarea, bounded; its refusals name the field."""
    return forms.CharField(
        required=required,
        max_length=max_length,
        label=label,
        strip=True,
        widget=forms.Textarea,
        error_messages={
            "required": f"Enter {label.lower()}",
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


class KitNotesForm(GovForm):
    themes = long_text(label="Emerging themes")
    strengths = long_text(label="Strengths")
    worries = long_text(label="Worries")
    requests_made = long_text(label="Requests made")


class KitActionForm(GovForm):
    """An action agreed at a KIT: what, who owns it, and when it is due (day and time)."""

    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspection = inspection
        self.fields["text"] = long_text(label="Action", max_length=ACTION_MAX, required=True)
        self.fields["owner"] = PersonField(inspection.people.order_by("full_name"), label="Owner")
        self.fields["due_day"] = day_number_field(inspection, label="Due day", required=False)
        self.fields["due_time"] = ClockTimeField(label="Due time", required=False)

    @property
    def owners(self) -> Any:
        return self.fields["owner"].people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("due_time") and not data.get("due_day") and "due_day" not in self.errors:
            self.add_error("due_day", "Due day: enter the day as well as the time")
        return data

    def due_at(self) -> dt.datetime | None:
        """In UTC: the day's given time, or the end of that working day."""
        day = self.cleaned_data.get("due_day")
        if not day:
            return None
        return self.inspection.calendar.due_at(day, self.cleaned_data.get("due_time"))


class KitActionStatusForm(GovForm):
    status = choice([("closed", "Closed"), ("open", "Open")], label="Status", required=True)
