"""The planner's forms: task filters and status, day sheets, search, new inspection, day one."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.forms import GovDateField, GovForm, WholeNumberField
from inspections.models import Inspection, InspectionType, PersonRole, TaskStatus

GROUPINGS = {"day": "Day", "owner": "Owner", "status": "Status"}
# Tasks run from the preparation weeks before day one to the action plan months after.
DAYS_BEFORE, DAYS_AFTER = 60, 250
MIN_SEARCH = 2


def role_choices() -> list[tuple[str, str]]:
    return [(v, str(label)) for v, label in PersonRole.choices if v]


def is_safe_next(target: str) -> bool:
    """A path on this site only: not //host, /\\host, a scheme or javascript:."""
    return (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and ":" not in target.split("?", 1)[0]
    )


class TaskFilterForm(GovForm):
    group = forms.ChoiceField(label="Group by", choices=GROUPINGS.items(), required=False)

    def __init__(self, data: Any, *, inspection: Inspection) -> None:
        super().__init__(data, auto_id="filter-%s")
        self.fields["status"] = forms.ChoiceField(
            label="Status",
            required=False,
            choices=[("", "Any"), ("open", "Not done"), *TaskStatus.choices],
        )
        self.fields["role"] = forms.ChoiceField(
            label="Role", required=False, choices=[("", "Any"), *role_choices()]
        )
        owners = inspection.people.filter(tasks__isnull=False).distinct().order_by("full_name")
        self.owners = list(owners)
        self.fields["owner"] = forms.ChoiceField(
            label="Owner",
            required=False,
            choices=[
                ("", "Anyone"),
                ("none", "Unassigned"),
                *((str(p.pk), p.full_name) for p in self.owners),
            ],
        )
        # day numbers of this inspection's tasks, from the preparation weeks to the action plan
        self.fields["day"] = WholeNumberField(
            label="Day",
            min_value=-DAYS_BEFORE,
            max_value=inspection.calendar.last_day + DAYS_AFTER,
            required=False,
        )


class DaySheetForm(GovForm):
    draft = forms.BooleanField(label="Draft timetable", required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["role"] = forms.ChoiceField(
            label="Role", required=False, choices=[("", "Everyone"), *role_choices()]
        )


class TaskStatusForm(GovForm):
    status = forms.ChoiceField(label="Status", choices=TaskStatus.choices)
    next = forms.CharField(label="Return to", required=False, max_length=500)
    show_owner = forms.BooleanField(required=False)
    # the day sheet the row is on, so the row comes back judged as that page judges it
    day = WholeNumberField(label="Day", min_value=-DAYS_BEFORE, max_value=9999, required=False)

    def clean_next(self) -> str:
        target = self.cleaned_data.get("next", "")
        return target if is_safe_next(target) else ""


class SearchForm(GovForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)

    q = forms.CharField(
        label="Search",
        min_length=MIN_SEARCH,
        max_length=200,
        required=True,
        error_messages={
            "required": f"Enter at least {MIN_SEARCH} characters to search for",
            "min_length": f"Enter at least {MIN_SEARCH} characters to search for",
            "max_length": "Search must be 200 characters or fewer",
        },
    )


class NewInspectionForm(GovForm):
    # blank and over-long values are the service's rules (check_new_inspection), so the page
    # and a script get the same messages; the form refuses what no rule should see (NUL bytes)
    local_authority = forms.CharField(label="Local authority", required=False, max_length=500)
    title = forms.CharField(label="Title", required=False, max_length=500)
    slug = forms.CharField(label="Slug", required=False, max_length=500)
    inspection_type = forms.ChoiceField(
        label="Inspection type",
        choices=InspectionType.choices,
        error_messages={
            "required": "Select the inspection type",
            "invalid_choice": "Select the inspection type",
        },
    )
    day_one = GovDateField(label="Day one")


class DayOneForm(GovForm):
    day_one = GovDateField(label="Day one")
    confirm = forms.ChoiceField(label="Confirm", choices=[("", ""), ("yes", "Yes")], required=False)
