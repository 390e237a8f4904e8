"""Forms for the requests log: the one-line entry, a request's edit, and the list's filter.

Inspectors, owners, meetings and library documents are typed by ref (or name) with a
datalist to pick from, so a coordinator never leaves the keyboard. Times are Europe/London.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from desk.models import DueKind, LineOfEnquiry, RequestStatus
from desk.services import requests as service
from evidence.models import LibraryDocument
from inspections.calendar import LONDON, local_date
from inspections.forms import ChildIdField, GovForm
from inspections.models import Inspection
from inspections.services.errors import InvalidFields

TIME = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})"
FORMATS = [
    re.compile(rf"(?P<year>[0-9]{{4}})-(?P<month>[0-9]{{1,2}})-(?P<day>[0-9]{{1,2}})[ T]{TIME}"),
    re.compile(rf"(?P<day>[0-9]{{1,2}})/(?P<month>[0-9]{{1,2}})/(?P<year>[0-9]{{4}}) {TIME}"),
    re.compile(rf"(?P<when>today|tomorrow) {TIME}", re.IGNORECASE),
    re.compile(TIME),
]
DATETIME_HINT = "like 2025-06-25 12:00, 25/06/2025 12:00, 12:00 (today) or tomorrow 12:00"


def parse_london(text: str, today: dt.date) -> dt.datetime | None:
    """A wall-clock time in Europe/London as an aware UTC datetime; None if it is not one."""
    text = " ".join(text.split())
    for pattern in FORMATS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        day = today
        if parts.get("year"):
            try:
                day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                return None
        elif (parts.get("when") or "").lower() == "tomorrow":
            day = today + dt.timedelta(days=1)
        hour, minute = int(parts["hour"]), int(parts["minute"])
        if hour > 23 or minute > 59:
            return None
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON).astimezone(dt.UTC)
    return None


class LondonDateTimeField(forms.CharField):
    """A date and time in Europe/London, typed: its refusal names the field, never echoes."""

    def __init__(self, *, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(label=label, max_length=40, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": f"Enter {label.lower()}, {DATETIME_HINT}",
            "invalid": f"{label} must be a date and time, {DATETIME_HINT}",
            "max_length": f"{label} must be a date and time, {DATETIME_HINT}",
        }

    def clean(self, value: Any) -> dt.datetime | None:  # type: ignore[override]
        text = super().clean(value).strip()
        if not text:
            return None
        moment = parse_london(text, local_date(timezone.now()))
        if moment is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


def _text(label: str, *, required: bool = False, max_length: int = 120, **kw: Any) -> Any:
    return forms.CharField(
        required=required,
        max_length=max_length,
        label=label,
        error_messages={
            "required": kw.pop("required_message", f"Enter {label.lower()}"),
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
        **kw,
    )


def _choice(choices: Any, label: str, **kw: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(str(v), str(t)) for v, t in choices],
        label=label,
        error_messages={
            "required": f"{label}: choose one from the list",
            "invalid_choice": f"{label}: choose one from the list",
        },
        **kw,
    )


class _Lookups(GovForm):
    """Turns typed refs into the inspection's inspector, person, meeting and document."""

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inspection = inspection

    def _resolve(self, finder: Any, name: str, *args: Any) -> Any:
        try:
            return finder(self.inspection, self.cleaned_data.get(name) or "", *args)
        except InvalidFields as exc:
            raise ValidationError(exc.errors[name]) from None

    def clean_inspector(self) -> Any:
        return self._resolve(service.inspector_by_ref, "inspector")

    def clean_owner(self) -> Any:
        return self._resolve(service.person_by_ref, "owner")

    def clean_meeting(self) -> Any:
        return self._resolve(service.meeting_by_ref, "meeting")

    def clean_document(self) -> Any:
        ref = (self.cleaned_data.get("document") or "").strip()
        if not ref:
            return None
        found = LibraryDocument.objects.filter(inspection=self.inspection, ref=ref).first()
        if found is None:
            raise ValidationError("Library document: choose a document of this inspection")
        return found


class RequestEntryForm(_Lookups):
    """The one-line entry at the top of the log: what, who asked, who answers, when due."""

    text = _text(
        "Request",
        required=True,
        max_length=service.MAX_TEXT,
        required_message="Request: enter what the inspector asked for",
    )
    inspector = _text("Inspector", required=True, required_message="Inspector: choose who asked")
    owner = _text("Owner")
    due_kind = _choice(DueKind.choices, "Due", required=False, initial=DueKind.END_OF_DAY)
    due_at = LondonDateTimeField(label="Due time")
    received_at = LondonDateTimeField(label="Received")
    child_id = ChildIdField(required=False, label="Child ID")
    meeting = _text("Meeting")

    def clean_inspector(self) -> Any:
        inspector = super().clean_inspector()
        if inspector is None:
            raise ValidationError("Inspector: choose who asked")
        return inspector

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("due_kind") or DueKind.END_OF_DAY
        if kind == DueKind.AT and not data.get("due_at") and "due_at" not in self.errors:
            self.add_error("due_at", f"Due time: enter when it is due, {DATETIME_HINT}")
        data["due_kind"] = kind
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "inspector": data["inspector"],
            "owner": data.get("owner"),
            "due_kind": data["due_kind"],
            "due_at": data.get("due_at"),
            "received_at": data.get("received_at"),
            "child_id": data.get("child_id") or "",
            "meeting": data.get("meeting"),
        }


class RequestEditForm(_Lookups):
    """A request's page: change what it says, who owns it, its status and the response."""

    text = _text(
        "Request",
        required=True,
        max_length=service.MAX_TEXT,
        required_message="Request: enter what the inspector asked for",
        widget=forms.Textarea,
    )
    inspector = _text("Inspector")
    owner = _text("Owner")
    due_at = LondonDateTimeField(label="Due", required=True)
    child_id = ChildIdField(required=False, label="Child ID")
    meeting = _text("Meeting")
    document = _text("Library document")
    status = _choice(RequestStatus.choices, "Status")
    response = _text(
        "Response", max_length=service.MAX_RESPONSE, widget=forms.Textarea, strip=False
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, inspection=inspection, **kwargs)
        lines = LineOfEnquiry.objects.filter(inspection=inspection)
        self.fields["line"] = forms.ModelChoiceField(
            queryset=lines,
            required=False,
            label="Line of enquiry",
            empty_label="None",
            error_messages={"invalid_choice": "Line of enquiry: choose one from the list"},
        )

    @classmethod
    def initial_for(cls, request: Any) -> dict[str, Any]:
        return {
            "text": request.text,
            "inspector": request.inspector.ref if request.inspector else "",
            "owner": request.owner.ref if request.owner else "",
            "due_at": f"{request.due_at.astimezone(LONDON):%Y-%m-%d %H:%M}",
            "child_id": request.child_id,
            "meeting": request.meeting.ref if request.meeting else "",
            "document": request.document.ref if request.document else "",
            "line": request.line_id,
            "status": request.status,
            "response": request.response,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "text": data["text"],
            "inspector": data.get("inspector"),
            "owner": data.get("owner"),
            "due_at": data["due_at"],
            "child_id": data.get("child_id") or "",
            "meeting": data.get("meeting"),
            "document": data.get("document"),
            "line": data.get("line"),
            "status": data["status"],
            "response": data.get("response") or "",
        }


class RequestFilterForm(GovForm):
    show = _choice(list(service.FILTERS.items()), "Show", required=False)

    def which(self) -> str:
        if self.is_valid():
            return self.cleaned_data.get("show") or "open"
        return "open"
