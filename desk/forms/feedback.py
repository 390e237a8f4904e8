"""The feedback form after a contact with inspectors: who attended, themes heard (and their
tags), strengths, worries, follow-ups, and the lines of enquiry it touched."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from desk.forms.kits import long_text
from desk.models import ContactFeedback, LineOfEnquiry
from desk.services.feedback import MAX_TAG_LENGTH, MAX_TAGS, TEXT_FIELDS, clean_tags
from inspections.forms import GovForm, day_number_field
from inspections.models import Inspection

ASCII_ID = re.compile(r"[0-9]{1,10}")


class TagsField(forms.CharField):
    """Short theme tags separated by commas, semicolons or new lines."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=1000, **kwargs)
        label = str(self.label)
        self.error_messages = {
            **self.error_messages,
            "max_length": f"{label} must be 1000 characters or fewer",
            "too_many": f"{label}: enter {MAX_TAGS} tags or fewer",
            "too_long": f"{label}: each tag must be {MAX_TAG_LENGTH} characters or fewer",
        }

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().clean(value) or ""
        tags = clean_tags(re.split(r"[,;\n]+", text))
        if len(tags) > MAX_TAGS:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        if any(len(t) > MAX_TAG_LENGTH for t in tags):
            raise ValidationError(self.error_messages["too_long"], code="too_long")
        return tags


class LinesField(forms.Field):
    """Ticked lines of enquiry of this inspection (by id); anything else is refused."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, lines: Any, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, **kwargs)
        self.lines = lines
        self.error_messages = {
            **self.error_messages,
            "invalid": f"{label}: choose lines from the list",
        }

    def to_python(self, value: Any) -> list[LineOfEnquiry]:
        items = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(items) > 500:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in items:
            text = str(item).strip()
            if not ASCII_ID.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(text))
        found = {line.pk: line for line in self.lines.filter(pk__in=ids)}
        if len(found) != len(set(ids)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [found[i] for i in dict.fromkeys(ids)]


class FeedbackForm(GovForm):
    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"] = long_text(label="Who attended", max_length=1000)
        self.fields["theme_tags"] = TagsField(label="Theme tags")
        self.fields["themes"] = long_text(label="Themes heard")
        self.fields["strengths"] = long_text(label="Strengths")
        self.fields["worries"] = long_text(label="Worries")
        self.fields["follow_ups"] = long_text(label="Follow-ups")
        self.fields["lines"] = LinesField(
            LineOfEnquiry.objects.filter(inspection=inspection).order_by("ref"),
            label="Lines of enquiry",
        )

    @property
    def line_choices(self) -> Any:
        return self.fields["lines"].lines  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in TEXT_FIELDS) and not any(
            name in self.errors for name in TEXT_FIELDS
        ):
            self.add_error(
                "themes",
                "Themes heard: enter at least one of themes heard, strengths, worries or "
                "follow-ups",
            )
        return data

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments."""
        data = self.cleaned_data
        return {
            "attended": data.get("attended", ""),
            "theme_tags": data.get("theme_tags", []),
            **{name: data.get(name, "") for name in TEXT_FIELDS},
            "lines": data.get("lines", []),
        }

    @staticmethod
    def initial_for(note: ContactFeedback) -> dict[str, Any]:
        return {
            "attended": note.attended,
            "theme_tags": ", ".join(note.theme_tags),
            **{name: getattr(note, name) for name in TEXT_FIELDS},
            "lines": [line.pk for line in note.lines.all()],
        }


class RollupFilterForm(GovForm):
    """The rollup's day filter: blank is every day."""

    def __init__(self, inspection: Inspection, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"] = day_number_field(inspection, required=False)
