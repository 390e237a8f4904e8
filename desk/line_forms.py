"""Forms of the lines-of-enquiry pages: a line, and what links evidence to it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from desk.models import LineStatus
from evidence.forms import PersonField, choice
from inspections.forms import ChildIdField, GovForm
from inspections.models import Person

ID_MAX = 9_999_999_999


class LineForm(GovForm):
    title = forms.CharField(
        label="Line of enquiry",
        max_length=200,
        error_messages={
            "required": "Enter the line of enquiry",
            "max_length": "Line of enquiry must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description", required=False, max_length=4000, widget=forms.Textarea
    )
    owner = forms.Field(required=False)
    status = choice(LineStatus.choices, label="Status", required=True)

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = PersonField(people, label="Owner")
        self.people = list(people)


class LinkForm(GovForm):
    """Link or unlink one piece of evidence: a document or a meeting (by id), or a child ID.
    Each kind has its own field, so the page's three link forms have distinct ids."""

    KINDS = (("document", "Document"), ("meeting", "Meeting"), ("child", "Child"))

    kind = choice(KINDS, label="Kind", required=True)
    action = choice((("link", "Link"), ("unlink", "Unlink")), label="Action", required=True)
    document = forms.IntegerField(
        label="Library document",
        required=False,
        min_value=1,
        max_value=ID_MAX,
        error_messages={"invalid": "Library document: choose one from the list"},
    )
    meeting = forms.IntegerField(
        label="Meeting",
        required=False,
        min_value=1,
        max_value=ID_MAX,
        error_messages={"invalid": "Meeting: choose one from the list"},
    )
    child_id = ChildIdField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        field = {"document": "document", "meeting": "meeting", "child": "child_id"}.get(kind or "")
        if field and not data.get(field) and field not in self.errors:
            noun = {"document": "a library document", "meeting": "a meeting"}.get(
                field, "a child ID"
            )
            self.add_error(field, f"Choose {noun}" if field != "child_id" else "Enter a child ID")
        return data
