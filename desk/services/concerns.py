"""Concerns about a child: logged when an inspector refers a case back, worked through with
actions, closed with an outcome. Only the coordinator and senior leaders see them
(inspections.access.sees_concerns); every function checks again, so a command or a task
cannot go round the pages (actor None is the system: a command run by the operator)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from desk.models import Concern, ConcernAction, ConcernStatus
from desk.services.common import create_numbered, end_of_working_day
from desk.signals import concern_logged
from inspections.access import NotAllowed, sees_concerns
from inspections.audit import batch
from inspections.childids import child_id_problem
from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError, InvalidFields


def require_sees_concerns(actor: Any, inspection: Inspection) -> None:
    if actor is None:
        return
    if not sees_concerns(actor, inspection):
        raise NotAllowed("Only the coordinator and senior leaders may see concerns about a child.")


def default_response_due(raised_at: dt.datetime) -> dt.datetime:
    """A concern is answered by the end of the working day it was raised."""
    return end_of_working_day(raised_at)


def open_concerns(inspection: Inspection) -> list[Concern]:
    """The open concerns, soonest due first: the dashboard's banner and the list's top."""
    return list(
        Concern.objects.filter(inspection=inspection)
        .open()
        .select_related("raised_by")
        .order_by("response_due_at", "number")
    )


def _text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidFields({field: f"Enter {label}"})
    return value


@transaction.atomic
def log_concern(
    inspection: Inspection,
    *,
    child_id: str,
    text: str,
    raised_by: Inspector | None = None,
    raised_at: dt.datetime | None = None,
    response_due_at: dt.datetime | None = None,
    actor: Any = None,
) -> Concern:
    require_sees_concerns(actor, inspection)
    errors: dict[str, str] = {}
    child_id = (child_id or "").strip()
    problem = child_id_problem(child_id)
    if problem:
        errors["child_id"] = problem
    if not (text or "").strip():
        errors["text"] = "Enter what the inspector is worried about"
    if raised_by is not None and raised_by.inspection_id != inspection.pk:
        errors["raised_by"] = "Choose an inspector of this inspection"
    raised_at = raised_at or timezone.now()
    due = response_due_at or default_response_due(raised_at)
    if due < raised_at:
        errors["response_due_at"] = "The response is due after the concern was raised"
    if errors:
        raise InvalidFields(errors)
    # two concerns logged at once take C-n and C-n+1, never both C-n
    concern = create_numbered(
        Concern,
        inspection,
        child_id=child_id,
        raised_by=raised_by,
        raised_at=raised_at,
        text=text.strip(),
        response_due_at=due,
    )
    transaction.on_commit(
        partial(concern_logged.send, sender=Concern, concern_pk=concern.pk), robust=True
    )
    return concern


def add_action(
    concern: Concern,
    *,
    text: str,
    owner: Person | None = None,
    due_at: dt.datetime | None = None,
    actor: Any = None,
) -> ConcernAction:
    require_sees_concerns(actor, concern.inspection)
    if not concern.is_open:
        raise DomainError(f"{concern.label} is closed: reopen it before adding actions.")
    text = _text(text, "text", "the action")
    if owner is not None and owner.inspection_id != concern.inspection_id:
        raise InvalidFields({"owner": "Choose a person of this inspection"})
    return ConcernAction.objects.create(concern=concern, text=text, owner=owner, due_at=due_at)


def complete_action(
    action: ConcernAction, *, actor: Any = None, at: dt.datetime | None = None
) -> ConcernAction:
    require_sees_concerns(actor, action.concern.inspection)
    if action.done_at is None:
        action.done_at = at or timezone.now()
        action.save(update_fields=["done_at", "updated_at"])
    return action


def record_outcome(concern: Concern, *, outcome: str, actor: Any = None) -> Concern:
    require_sees_concerns(actor, concern.inspection)
    concern.outcome = _text(outcome, "outcome", "the outcome")
    concern.save(update_fields=["outcome", "updated_at"])
    return concern


@transaction.atomic
def close_concern(
    concern: Concern,
    *,
    actor: Any = None,
    outcome: str = "",
    at: dt.datetime | None = None,
) -> Concern:
    """Closed with its outcome (given now or recorded before), by whom and when: it leaves
    the dashboard."""
    require_sees_concerns(actor, concern.inspection)
    if not concern.is_open:
        raise DomainError(f"{concern.label} is already closed.")
    with batch():  # outcome and closing: one change
        if outcome.strip():
            concern.outcome = outcome.strip()
        if not concern.outcome:
            raise InvalidFields({"outcome": "Record the outcome before closing the concern"})
        concern.status = ConcernStatus.CLOSED
        concern.closed_at = at or timezone.now()
        concern.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        concern.save()
    return concern
