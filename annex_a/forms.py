"""The forms of the Annexe A tracker: a list's checklist and the upload of files to check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404

from annex_a.models import CHECKLIST
from inspections.forms import GovForm, WholeNumberField

MAX_ID = 9_999_999_999  # ids: positive, at most 10 digits


def number_or_404(value: object, *, last: int = MAX_ID) -> int:
    """A number from the URL (a list, a check): out of range is a page that does not exist."""
    field = WholeNumberField(min_value=1, max_value=last, label="Number")
    try:
        return int(field.clean(value))
    except ValidationError:
        raise Http404("No such page.") from None


class ChecklistForm(GovForm):
    done = forms.MultipleChoiceField(
        choices=list(CHECKLIST.items()),
        required=False,
        label="Checklist",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Checklist: tick only the steps listed"},
    )
    notes = forms.CharField(
        required=False,
        max_length=4000,
        label="Notes",
        error_messages={"max_length": "Notes must be 4000 characters or fewer"},
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """One workbook or several CSV files; at least one. Size and count are start_check's rules."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not items:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(FilesField, self).clean(item, initial) for item in items]


class UploadForm(GovForm):
    # set in __init__: a class attribute named `files` would shadow Form.files for mypy
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"] = FilesField(
            label="Workbook or CSV files",
            error_messages={
                "required": "Choose an Annexe A workbook (.xlsx) or one CSV file per list to check",
                "empty": "A selected file is empty: choose the workbook or CSV files again",
                "invalid": "A selected file could not be read: choose the workbook or CSV files",
                "missing": "Choose an Annexe A workbook (.xlsx) or one CSV file per list to check",
            },
        )
