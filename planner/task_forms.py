"""The form of a task added (or changed) by hand: it parses what a browser sends; the service
(inspections.services.hand_tasks) judges the day, the owner and the dependencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from inspections.forms import GovForm, WholeNumberField
from inspections.models import Inspection, PersonKind, Task
from inspections.services.hand_tasks import TITLE_MAX
from scheduling.forms import PK, ClockTimeField

DESCRIPTION_MAX = 2000
# Parse bounds only (4 digits, as day URLs): the service names the inspection's own range.
DAY_PARSE = 9999


def owner_queryset(inspection: Inspection) -> Any:
    """Who can own a task: the project team and senior leaders of the inspection."""
    return inspection.people.filter(
        kind__in=[PersonKind.PROJECT_TEAM, PersonKind.SENIOR_LEADER]
    ).order_by("full_name")


class TaskMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Tasks by primary key; anything but short ASCII digits is not a choice."""

    def clean(self, value: Any) -> Any:
        if any(not PK.fullmatch(str(v)) for v in value or []):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class HandTaskForm(GovForm):
    def __init__(self, inspection: Inspection, *args: Any, task: Task | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["title"] = forms.CharField(
            max_length=TITLE_MAX,
            error_messages={
                "required": "Title: enter what needs doing.",
                "max_length": f"Title: use {TITLE_MAX} characters or fewer.",
            },
        )
        f["owner"] = forms.ModelChoiceField(
            owner_queryset(inspection),
            to_field_name="ref",
            error_messages={
                "required": "Owner: choose who does it.",
                "invalid_choice": "Owner: choose a person of this inspection from the list.",
            },
        )
        day = WholeNumberField(min_value=-DAY_PARSE, max_value=DAY_PARSE, label="Due day")
        day.error_messages.update(
            required="Due day: enter the working day it is due, for example 3.",
            invalid="Due day: enter a whole number, for example 3 (negative before day one).",
            min_value="Due day: enter a working day of this inspection.",
            max_value="Due day: enter a working day of this inspection.",
        )
        f["due_day"] = day
        f["due_time"] = ClockTimeField(label="Due time", required=False)
        others = inspection.tasks.order_by("due_at", "key")
        if task is not None:
            others = others.exclude(pk=task.pk)
        f["depends_on"] = TaskMultipleChoiceField(
            others,
            required=False,
            error_messages={
                "invalid_choice": "Depends on: choose tasks of this inspection.",
                "invalid_pk_value": "Depends on: choose tasks of this inspection.",
                "invalid_list": "Depends on: choose tasks of this inspection.",
            },
        )
        f["description"] = forms.CharField(
            required=False,
            max_length=DESCRIPTION_MAX,
            error_messages={"max_length": f"Notes: use {DESCRIPTION_MAX} characters or fewer."},
        )

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        return {
            "title": task.title,
            "owner": task.owner.ref if task.owner else "",
            "due_day": str(task.due_day),
            "due_time": f"{task.due_time:%H:%M}" if task.due_time else "",
            "depends_on": [str(d.pk) for d in task.depends_on.all()],
            "description": task.description,
        }

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        time: dt.time | None = d["due_time"]
        return {
            "title": d["title"],
            "owner": d["owner"],
            "due_day": d["due_day"],
            "due_time": time,
            "depends_on": list(d["depends_on"]),
            "description": d["description"],
        }
