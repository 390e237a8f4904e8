"""Fields that accept only what makes sense: ASCII digits within bounds, child IDs, day numbers.

Why not Django's IntegerField alone: it accepts any Unicode digit ('²' passes str.isdigit()
but int('²') fails elsewhere) and any length, so '9' * 5000 costs a bignum and overflows
later. These refuse both with a message naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from inspections.childids import CHILD_ID_MAX_LENGTH, child_id_problem
from inspections.forms import date_input

ASCII_INTEGER = re.compile(r"-?[0-9]{1,10}")


class WholeNumberField(forms.IntegerField):
    """A whole number in ASCII digits, between min_value and max_value (both required)."""

    def __init__(self, *, min_value: int, max_value: int, label: str, **kwargs: Any) -> None:
        self.noun = label
        super().__init__(min_value=min_value, max_value=max_value, label=label, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": f"Enter {label.lower()}",
            "invalid": f"{label} must be a whole number, like {max(min_value, 1)}",
            "min_value": f"{label} must be {min_value} or more",
            "max_value": f"{label} must be {max_value} or less",
        }

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if not ASCII_INTEGER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class DayNumberField(WholeNumberField):
    """A working day number of one inspection (1 = day one), bounded to its days."""

    def __init__(self, *, first: int, last: int, label: str = "Day", **kwargs: Any) -> None:
        super().__init__(min_value=first, max_value=last, label=label, **kwargs)
        self.error_messages["min_value"] = f"{label} must be between {first} and {last}"
        self.error_messages["max_value"] = f"{label} must be between {first} and {last}"


def day_number_field(inspection: Any, *, label: str = "Day", **kwargs: Any) -> DayNumberField:
    """The on-site or whole-inspection day numbers: 1 to the inspection's last working day."""
    return DayNumberField(first=1, last=inspection.calendar.last_day, label=label, **kwargs)


class ChildIdField(forms.CharField):
    """One child ID (never a name): the shared rule in inspections.validators."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", CHILD_ID_MAX_LENGTH * 4)
        kwargs.setdefault("label", "Child ID")
        super().__init__(**kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            problem = child_id_problem(value)
            if problem:
                raise ValidationError(problem, code="child_id")


class ChildIdListField(forms.CharField):
    """Child IDs separated by commas, spaces or new lines; every one must be an ID."""

    widget = forms.Textarea

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 4000)
        kwargs.setdefault("label", "Child IDs")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        return [part for part in re.split(r"[\s,;]+", text or "") if part]

    def validate(self, value: list[str]) -> None:  # type: ignore[override]
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for number, item in enumerate(value, start=1):
            problem = child_id_problem(item)
            if problem:
                raise ValidationError(f"Child ID {number}: {problem[0].lower()}{problem[1:]}")

    def run_validators(self, value: Any) -> None:  # max_length applies to the raw text
        return None


class GovDateWidget(forms.Widget):
    """The GOV.UK date input's three boxes, posted as <name>-day, <name>-month, <name>-year."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: str(data.get(f"{name}-{part}", "")) for part in date_input.PARTS}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(f"{name}-{part}" not in data for part in date_input.PARTS)


class GovDateField(forms.Field):
    """A date from the GOV.UK date input, with the design system's messages.

    After cleaning, `parsed` holds the boxes' values and which of them to highlight, for the
    template (inspections/_date_input.html) and the error summary's link.
    """

    widget = GovDateWidget

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.parsed: date_input.DateInput | None = None

    def clean(self, value: Any) -> Any:
        values = value if isinstance(value, dict) else {}
        self.parsed = date_input.parse(values, "", str(self.label))
        if self.parsed.error:
            raise ValidationError(self.parsed.error, code="invalid")
        return self.parsed.date
