"""Requests for information from the inspectors: logging one (numbered R-1, R-2, … per
inspection), its due time from its kind, changing it, sending it and its coming back.

Every function checks the actor's role again (inspections.access.require), so the pages, the
`log_request` command and any script all go through the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from desk.models import DueKind, InformationRequest, LineOfEnquiry, RequestStatus
from desk.models.requests import OPEN_REQUEST_STATUSES, InformationRequestQuerySet
from desk.services.common import create_numbered, end_of_working_day
from evidence.models import LibraryDocument
from inspections import audit
from inspections.access import can, person_for, require
from inspections.childids import child_id_problem
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import DomainError, InvalidFields
from scheduling.models import Meeting

WITHIN_24_HOURS = dt.timedelta(hours=24)
# The dashboard shows a request among its risks from this long before it is due.
RISK_WINDOW = dt.timedelta(hours=2)
MAX_TEXT = 4000
MAX_RESPONSE = 8000


def due_at_for(
    kind: str, received_at: dt.datetime, *, meeting: Meeting | None = None
) -> dt.datetime:
    """The one rule for a request's default due time, by its kind (UTC, aware).

    - by end of day: 17:00 London on the day received, if that is a working day and it came
      before 17:00; else 17:00 on the next working day (a weekend, a bank holiday, the evening);
    - within 24 hours: 24 hours after it was received;
    - before the meeting: the linked meeting's start (it must have one, and be placed).
    """
    if kind == DueKind.END_OF_DAY:
        return end_of_working_day(received_at)
    if kind == DueKind.WITHIN_24_HOURS:
        return received_at + WITHIN_24_HOURS
    if kind == DueKind.BEFORE_MEETING:
        if meeting is None:
            raise InvalidFields({"meeting": "Meeting: choose the meeting it is due before"})
        if meeting.start is None:
            raise InvalidFields(
                {"meeting": "Meeting: that meeting has no time yet, so set a due time instead"}
            )
        return meeting.start
    raise InvalidFields({"due_at": "Due: enter the date and time it is due, like 2025-06-25 12:00"})


# -- who sees which ---------------------------------------------------------------------------
def requests_for(user: Any, inspection: Inspection) -> InformationRequestQuerySet:
    """The requests a user may read: the project team all, staff those they own, viewers none
    (they see counts)."""
    rows = InformationRequest.objects.filter(inspection=inspection).select_related(
        "inspector", "owner", "meeting", "document", "line"
    )
    if can(user, inspection, Role.PROJECT_TEAM):
        return rows
    if can(user, inspection, Role.STAFF):
        person = person_for(user, inspection)
        return rows.filter(owner=person) if person is not None else rows.none()
    return rows.none()


FILTERS = {"open": "Open", "mine": "Mine", "overdue": "Overdue", "all": "All"}


def filter_requests(
    rows: InformationRequestQuerySet, which: str, *, person: Person | None, now: dt.datetime
) -> InformationRequestQuerySet:
    if which == "all":
        return rows
    if which == "mine":
        return rows.filter(owner=person) if person is not None else rows.none()
    if which == "overdue":
        return rows.overdue_at(now)
    return rows.open()


@dataclass(frozen=True)
class RequestCounts:
    total: int
    open: int
    overdue: int
    at_risk: int


def request_counts(inspection: Inspection, now: dt.datetime) -> RequestCounts:
    rows = InformationRequest.objects.filter(inspection=inspection)
    return RequestCounts(
        total=rows.count(),
        open=rows.open().count(),
        overdue=rows.overdue_at(now).count(),
        at_risk=rows.at_risk(now, RISK_WINDOW).count(),
    )


def child_ids_of_requests(inspection: Inspection) -> set[str]:
    """Every child ID a request names: pages hide them from those who may not see them."""
    return set(
        InformationRequest.objects.filter(inspection=inspection)
        .exclude(child_id="")
        .values_list("child_id", flat=True)
    )


# -- looking up what a request links to -----------------------------------------------------
def _by_ref_or_name(rows: Any, value: str) -> Any:
    text = value.strip()
    if not text:
        return None
    found = rows.filter(ref=text).first()
    if found is None:
        named = list(rows.filter(full_name__iexact=text)[:2])
        found = named[0] if len(named) == 1 else None
    return found


def inspector_by_ref(inspection: Inspection, value: str) -> Inspector | None:
    """An inspector by ref (or exact full name); None for blank; InvalidFields if unknown."""
    if not value.strip():
        return None
    found = _by_ref_or_name(Inspector.objects.filter(inspection=inspection), value)
    if found is None:
        raise InvalidFields({"inspector": "Inspector: choose an inspector of this inspection"})
    return found  # type: ignore[no-any-return]


def person_by_ref(inspection: Inspection, value: str, field: str = "owner") -> Person | None:
    if not value.strip():
        return None
    found = _by_ref_or_name(Person.objects.filter(inspection=inspection), value)
    if found is None:
        label = field.replace("_", " ").capitalize()
        raise InvalidFields({field: f"{label}: choose a person of this inspection"})
    return found  # type: ignore[no-any-return]


def meeting_by_ref(inspection: Inspection, value: str) -> Meeting | None:
    if not value.strip():
        return None
    found = Meeting.objects.filter(inspection=inspection, ref=value.strip()).first()
    if found is None:
        raise InvalidFields({"meeting": "Meeting: choose a meeting of this inspection"})
    return found


def _check_links(inspection: Inspection, values: dict[str, Any]) -> dict[str, str]:
    """Problems with what `values` links to: each must belong to this inspection."""
    errors: dict[str, str] = {}
    owners = {
        "inspector": "Inspector: choose an inspector of this inspection",
        "owner": "Owner: choose a person of this inspection",
        "meeting": "Meeting: choose a meeting of this inspection",
        "line": "Line of enquiry: choose a line of this inspection",
    }
    for name, message in owners.items():
        obj = values.get(name)
        if obj is not None and obj.inspection_id != inspection.pk:
            errors[name] = message
    document = values.get("document")
    if document is not None and document.inspection_id != inspection.pk:
        errors["document"] = "Library document: choose a document of this inspection"
    return errors


def _check_text(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if "text" in values:
        text = (values["text"] or "").strip()
        values["text"] = text
        if not text:
            errors["text"] = "Request: enter what the inspector asked for"
        elif len(text) > MAX_TEXT:
            errors["text"] = f"Request must be {MAX_TEXT} characters or fewer"
    if "response" in values and len(values["response"] or "") > MAX_RESPONSE:
        errors["response"] = f"Response must be {MAX_RESPONSE} characters or fewer"
    if values.get("child_id"):
        values["child_id"] = values["child_id"].strip()
        problem = child_id_problem(values["child_id"])
        if problem:
            errors["child_id"] = f"Child ID: {problem[0].lower()}{problem[1:]}"
    return errors


def _aware(moment: dt.datetime | None, field: str, label: str) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise InvalidFields({field: f"{label}: give the time in Europe/London"})
    return moment


# -- logging ----------------------------------------------------------------------------------
def log_request(
    actor: Any,
    inspection: Inspection,
    *,
    text: str,
    received_at: dt.datetime | None = None,
    due_kind: str = DueKind.AT,
    due_at: dt.datetime | None = None,
    inspector: Inspector | None = None,
    owner: Person | None = None,
    child_id: str = "",
    meeting: Meeting | None = None,
    document: LibraryDocument | None = None,
    line: LineOfEnquiry | None = None,
) -> InformationRequest:
    """Log one request; its number is the next R-n of the inspection. A due time given wins;
    without one the kind's default applies (`due_at_for`)."""
    require(actor, inspection, Role.PROJECT_TEAM)
    received_at = _aware(received_at, "received_at", "Received") or timezone.now()
    due_at = _aware(due_at, "due_at", "Due")
    values: dict[str, Any] = {
        "text": text,
        "child_id": child_id or "",
        "inspector": inspector,
        "owner": owner,
        "meeting": meeting,
        "document": document,
        "line": line,
    }
    errors = {**_check_text(values), **_check_links(inspection, values)}
    if due_kind not in DueKind.values:
        errors["due_kind"] = "Due: choose when it is due from the list"
    if errors:
        raise InvalidFields(errors)
    if due_at is None:
        due_at = due_at_for(due_kind, received_at, meeting=meeting)
    elif due_kind != DueKind.BEFORE_MEETING:
        due_kind = DueKind.AT
    if due_at < received_at:
        raise InvalidFields({"due_at": "Due: must be after the request was received"})
    return _create_numbered(
        inspection,
        received_at=received_at,
        due_kind=due_kind,
        due_at=due_at,
        **values,
    )


def _create_numbered(inspection: Inspection, **fields: Any) -> InformationRequest:
    return create_numbered(InformationRequest, inspection, **fields)


# -- changing ---------------------------------------------------------------------------------
EDITABLE = ("text", "inspector", "owner", "due_at", "child_id", "meeting", "document", "line")


def update_request(
    actor: Any,
    request: InformationRequest,
    *,
    status: str | None = None,
    response: str | None = None,
    at: dt.datetime | None = None,
    **changes: Any,
) -> InformationRequest:
    """Edit a request and move it on: "sent" stamps when it was sent; "closed" when closed;
    "asked again" (only once sent or closed) counts one more asking and reopens it."""
    inspection = request.inspection
    require(actor, inspection, Role.PROJECT_TEAM)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} of a request.")
    at = at or timezone.now()
    values = dict(changes)
    if response is not None:
        values["response"] = response
    errors = {**_check_text(values), **_check_links(inspection, values)}
    if status is not None and status not in RequestStatus.values:
        errors["status"] = "Status: choose one from the list"
    if "due_at" in values:
        if values["due_at"] is None:
            errors["due_at"] = "Due: enter the date and time it is due, like 2025-06-25 12:00"
        else:
            _aware(values["due_at"], "due_at", "Due")
    if errors:
        raise InvalidFields(errors)
    with transaction.atomic(), audit.batch():
        row = InformationRequest.objects.select_for_update().get(pk=request.pk)
        for name, value in values.items():
            setattr(row, name, value)
        if "due_at" in changes and row.due_at != request.due_at:
            row.due_kind = DueKind.AT
        if status is not None and status != row.status:
            _move(row, status, at)
        row.save()
    return row


def _move(row: InformationRequest, status: str, at: dt.datetime) -> None:
    if status == RequestStatus.ASKED_AGAIN:
        if row.status in OPEN_REQUEST_STATUSES:
            raise InvalidFields(
                {"status": "Status: only a request sent or closed can be asked again"}
            )
        row.times_asked += 1
        row.sent_at = None
        row.closed_at = None
    elif status == RequestStatus.SENT:
        row.sent_at = at
        row.closed_at = None
    elif status == RequestStatus.CLOSED:
        row.closed_at = at
    else:  # back to new or in hand: no longer sent or closed
        row.sent_at = None
        row.closed_at = None
    row.status = status


def mark_sent(
    actor: Any, request: InformationRequest, response: str | None = None
) -> InformationRequest:
    return update_request(actor, request, status=RequestStatus.SENT, response=response)


def ask_again(
    actor: Any, request: InformationRequest, due_at: dt.datetime | None = None
) -> InformationRequest:
    if request.is_open:
        raise InvalidFields({"status": "Status: only a request sent or closed can be asked again"})
    changes: dict[str, Any] = {"due_at": due_at} if due_at is not None else {}
    return update_request(actor, request, status=RequestStatus.ASKED_AGAIN, **changes)


def for_day(inspection: Inspection, start: dt.datetime, end: dt.datetime) -> Any:
    """A day sheet's requests: open ones due that day or before (overdue), and any received
    that day."""
    return (
        InformationRequest.objects.filter(inspection=inspection)
        .filter(
            Q(status__in=OPEN_REQUEST_STATUSES, due_at__lt=end)
            | Q(received_at__gte=start, received_at__lt=end)
        )
        .select_related("inspector", "owner")
        .order_by("due_at", "number")
    )


def short(text: str, length: int = 60) -> str:
    """One line of a request's text, for a feed title or a risk."""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"
