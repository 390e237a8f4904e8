"""The forms at every boundary of the evidence trackers: filters, bulk status, imports, choosing
children for deep dives and ticking their packs. Views validate here, then call one service."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from evidence.models import DocumentStatus, Judgement, PlanType
from inspections.forms import ChildIdField, GovForm, WholeNumberField
from inspections.models import Person

MAX_ID = 9_999_999_999  # ids: positive, at most 10 digits
MAX_SELECTED = 5000  # a library holds a few hundred documents
ASCII_ID = re.compile(r"[0-9]{1,10}")


def choice(
    choices: Sequence[tuple[str, Any]], *, label: str, required: bool = False, noun: str = ""
) -> Any:
    """A choice whose refusal names the field and never echoes what was sent (blank: any)."""
    return forms.ChoiceField(
        choices=[(str(value), str(text)) for value, text in choices],
        required=required,
        label=label,
        error_messages={
            "required": f"Choose {noun or label.lower()}",
            "invalid_choice": f"{label}: choose one from the list",
        },
    )


def text(*, label: str, max_length: int) -> forms.CharField:
    """Optional free text, bounded, its refusal naming the field."""
    return forms.CharField(
        required=False,
        max_length=max_length,
        label=label,
        error_messages={"max_length": f"{label} must be {max_length} characters or fewer"},
    )


def pk_or_404(value: object) -> int:
    """A primary key from the URL: a number past 10 digits is a page that does not exist."""
    field = WholeNumberField(min_value=1, max_value=MAX_ID, label="ID")
    try:
        return int(field.clean(value))
    except ValidationError:
        raise Http404("No such page.") from None


class NextField(forms.CharField):
    """Where to go back to: a path on this site, or nothing (never an error: it is hidden)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> str:
        text = value if isinstance(value, str) else ""
        safe = (
            len(text) <= 2000
            and text.startswith("/")
            and not text.startswith("//")
            and "\\" not in text
            and text.isprintable()
        )
        return text if safe else ""


class IdListField(forms.Field):
    """Ticked rows: every value a positive ASCII whole number of at most 10 digits."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, label: str, required_message: str, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": required_message,
            "invalid": f"{label}: each must be a whole number, like 12",
            "too_many": f"{label}: select at most {MAX_SELECTED}",
        }

    def to_python(self, value: Any) -> list[int]:
        items = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(items) > MAX_SELECTED:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        out = []
        for item in items:
            text = str(item).strip()
            if not ASCII_ID.fullmatch(text) or int(text) < 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            out.append(int(text))
        return out

    def validate(self, value: list[int]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class PersonField(forms.Field):
    """A person picked from a list (by id): blank is nobody; anything else must be listed."""

    widget = forms.Select

    def __init__(self, people: QuerySet[Person], *, label: str, **kwargs: Any) -> None:
        super().__init__(label=label, required=False, **kwargs)
        self.people = people
        self.error_messages = {
            **self.error_messages,
            "invalid": f"{label}: choose a person from the list",
        }

    def to_python(self, value: Any) -> Person | None:
        text = str(value or "").strip()
        if not text:
            return None
        person = None
        if ASCII_ID.fullmatch(text):
            person = self.people.filter(pk=int(text)).first()
        if person is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return person


# -- the library --------------------------------------------------------------------------


class OwnerFilterField(forms.Field):
    """Anyone (blank), nobody ("none"), or a person's id."""

    def to_python(self, value: Any) -> str | int:
        text = str(value or "").strip()
        if text in ("", "none"):
            return text
        if not ASCII_ID.fullmatch(text) or int(text) < 1:
            raise ValidationError("Owner: choose a person from the list", code="invalid")
        return int(text)


class LibraryFilterForm(GovForm):
    status = choice(DocumentStatus.choices, label="Status")
    category = text(label="Category", max_length=120)
    owner = OwnerFilterField(required=False, label="Owner")
    q = text(label="Title or notes", max_length=200)

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is left out, so the page still shows something)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name, "") for name in self.fields}

    def query(self) -> dict[str, str]:
        """The valid filters as the query string keeps them."""
        return {k: str(v) for k, v in self.filters().items() if v not in ("", None)}


class BulkStatusForm(GovForm):
    documents = IdListField(label="Documents", required_message="Select at least one document")
    new_status = choice(DocumentStatus.choices, label="New status", required=True, noun="a status")


# -- audits and deep dives ----------------------------------------------------------------


class AuditFilterForm(GovForm):
    judgement = choice(Judgement.choices, label="Judgement")
    chosen = choice([("yes", "Chosen"), ("no", "Not chosen")], label="Chosen for a deep dive")
    child = ChildIdField(required=False, label="Child ID")

    def filters(self) -> dict[str, str]:
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name, "") or "" for name in self.fields}


class ChooseAuditForm(GovForm):
    plan_type = choice(
        PlanType.choices, label="Plan", required=True, noun="the plan that applies to the child"
    )
    next = NextField()


class UnchooseForm(GovForm):
    next = NextField()


class PackPartForm(GovForm):
    collated = forms.BooleanField(required=False, label="Collated")
    quality_assured = forms.BooleanField(required=False, label="Quality-assured")
    uploaded = forms.BooleanField(required=False, label="Uploaded")

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collator"] = PersonField(people, label="Collated by")
        self.fields["qa_by"] = PersonField(people, label="Signed off by")


class ChildForm(GovForm):
    child_id = ChildIdField(label="Child ID")
