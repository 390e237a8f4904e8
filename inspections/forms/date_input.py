"""The GOV.UK date input (day, month and year boxes): reading it and saying what is wrong.

Messages follow the GOV.UK design system's date input pattern and name the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.http import QueryDict

PARTS = ("day", "month", "year")
# ASCII digits only: "²".isdigit() is true, but int("²") fails.
DIGITS = re.compile(r"[0-9]{1,4}")


@dataclass
class DateInput:
    name: str
    label: str
    values: dict[str, str] = field(default_factory=dict)
    date: dt.date | None = None
    error: str = ""
    # the boxes to highlight; the first is where the error summary links
    bad: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"{self.name}-{self.bad[0] if self.bad else 'day'}"


def initial(name: str, label: str, date: dt.date | None) -> DateInput:
    values = (
        {"day": str(date.day), "month": str(date.month), "year": str(date.year)} if date else {}
    )
    return DateInput(name, label, values, date)


def read(data: QueryDict | Mapping[str, str], name: str, label: str) -> DateInput:
    values = {part: str(data.get(f"{name}-{part}", "")).strip() for part in PARTS}
    return parse(values, name, label)


def parse(values: dict[str, str], name: str, label: str) -> DateInput:
    """The three boxes' text as a date, or the GOV.UK message and the boxes to highlight."""
    values = {part: values.get(part, "").strip()[:20] for part in PARTS}
    field_ = DateInput(name, label, values)
    missing = tuple(p for p in PARTS if not values[p])
    if len(missing) == 3:
        field_.error, field_.bad = f"Enter {label.lower()}", PARTS
        return field_
    if missing:
        words = " and ".join(missing)
        field_.error, field_.bad = f"{label} must include a {words}", missing
        return field_
    not_numbers = tuple(p for p in PARTS if not DIGITS.fullmatch(values[p]))
    if not_numbers:
        field_.error, field_.bad = f"{label} must be a real date", not_numbers
        return field_
    if len(values["year"]) != 4:
        field_.error, field_.bad = "Year must include 4 numbers", ("year",)
        return field_
    try:
        field_.date = dt.date(int(values["year"]), int(values["month"]), int(values["day"]))
    except ValueError:
        bad = ("month",) if not 1 <= int(values["month"]) <= 12 else ("day",)
        field_.error, field_.bad = f"{label} must be a real date", bad
    return field_


def set_error(field_: DateInput, message: str) -> None:
    """A problem with the date as a whole (a weekend, a bank holiday): every box is wrong."""
    field_.error, field_.bad = message, PARTS
