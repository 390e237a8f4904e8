"""The aftermath's rules: recording the events its tasks hang off (and re-dating those tasks),
and the factual-accuracy comment log.

The tasks live in the inspections app, which never imports this one. Two one-way paths carry
the recorded dates down to it: `record_event` hands them to `apply_template` as a parameter,
and `supply_event_dates` answers `inspections.signals.event_dates_wanted` whenever the
template is applied without them (day one moved, the scenario reloaded), so nothing
re-applying the template drops a recorded date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from aftermath.models import AftermathEvent, CommentStatus, EventKind, FactualAccuracyComment
from inspections import audit
from inspections.access import require
from inspections.calendar import CalendarError, why_not_working
from inspections.models import Inspection, Person, Role, Task
from inspections.services.errors import DomainError, InvalidFields
from inspections.services.inspections import workflow_for
from inspections.services.tasks import ApplyResult, apply_template
from inspections.workflow import EVENTS, TaskSpec

# The coordinator records the events (they move every date after them); the project team
# keeps the comment log.
RECORDS_EVENTS = Role.COORDINATOR
KEEPS_COMMENTS = Role.PROJECT_TEAM


def supply_event_dates(inspection: Inspection, **kwargs: object) -> dict[str, dt.date]:
    """Receiver of inspections.signals.event_dates_wanted: the recorded events' dates."""
    return AftermathEvent.objects.filter(inspection=inspection).event_dates()


def _check_date(inspection: Inspection, kind: str, date: dt.date) -> None:
    label = EventKind(kind).label
    reason = why_not_working(date)
    if reason:
        raise InvalidFields({"date": f"{label}: {reason}; enter a working day"})
    if date < inspection.final_day:
        raise InvalidFields(
            {
                "date": f"{label}: {date:%A %-d %B %Y} is before the final feedback "
                f"({inspection.final_day:%A %-d %B %Y})"
            }
        )


def _redate(inspection: Inspection) -> ApplyResult:
    dates = AftermathEvent.objects.filter(inspection=inspection).event_dates()
    try:
        return apply_template(inspection, workflow_for(inspection), event_dates=dates)
    except CalendarError as exc:  # a count that runs off the calendar
        raise DomainError(str(exc)) from exc


@dataclass
class EventResult:
    event: AftermathEvent | None
    moved: list[Task]  # the tasks hanging off the event, as now dated

    def __str__(self) -> str:
        dates = "; ".join(f"{t.title}: {t.due_at.date():%a %-d %b %Y}" for t in self.moved)
        return dates or "no tasks hang off this event"


def dependent_tasks(inspection: Inspection, kind: str) -> list[Task]:
    keys = [s.key for s in _specs(inspection) if s.after_event == kind]
    return list(inspection.tasks.filter(key__in=keys).order_by("due_at", "key"))


@transaction.atomic
def record_event(
    actor: Any, inspection: Inspection, kind: str, date: dt.date, notes: str = ""
) -> EventResult:
    """Record (or move) an event and re-date the tasks that hang off it, in one transaction."""
    require(actor, inspection, RECORDS_EVENTS)
    if kind not in EventKind.values:
        raise InvalidFields({"kind": f"Event {kind!r} is not one of {', '.join(EventKind.values)}"})
    _check_date(inspection, kind, date)
    # lock the inspection so two coordinators recording at once re-date in turn
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    with audit.batch():
        event, _created = AftermathEvent.objects.get_or_create(
            inspection=inspection,
            kind=kind,
            defaults={"date": date, "notes": notes, "recorded_by": _user(actor)},
        )
        if not _created and (event.date, event.notes) != (date, notes):
            event.date, event.notes, event.recorded_by = date, notes, _user(actor)
            event.save()
        _redate(inspection)
    return EventResult(event, dependent_tasks(inspection, kind))


@transaction.atomic
def clear_event(actor: Any, inspection: Inspection, kind: str) -> EventResult:
    """Forget an event recorded by mistake: its tasks go back to their provisional dates."""
    require(actor, inspection, RECORDS_EVENTS)
    with audit.batch():
        AftermathEvent.objects.filter(inspection=inspection, kind=kind).delete()
        _redate(inspection)
    return EventResult(None, dependent_tasks(inspection, kind))


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


# -- the aftermath page --------------------------------------------------------------------


def _specs(inspection: Inspection) -> list[TaskSpec]:
    return [s for s in workflow_for(inspection).tasks if s.after_event]


@dataclass
class DependentTask:
    task: Task
    working_days: int
    provisional: bool

    @property
    def offset(self) -> str:
        n = self.working_days
        if n == 0:
            return "on the day"
        days = f"{abs(n)} working day{'s' if abs(n) != 1 else ''}"
        return f"{days} {'after' if n > 0 else 'before'}"


@dataclass
class EventRow:
    kind: str
    label: str
    waiting_label: str  # "draft report", for "provisional (waiting for: draft report)"
    event: AftermathEvent | None
    tasks: list[DependentTask]


def aftermath_rows(inspection: Inspection) -> list[EventRow]:
    """Every event, recorded or not, with the tasks that hang off it and their due dates."""
    events = {e.kind: e for e in AftermathEvent.objects.filter(inspection=inspection)}
    specs = _specs(inspection)
    tasks = {t.key: t for t in inspection.tasks.filter(key__in=[s.key for s in specs])}
    rows = []
    for kind, label in EventKind.choices:
        dependent = [
            DependentTask(tasks[s.key], s.working_days, kind not in events)
            for s in specs
            if s.after_event == kind and s.key in tasks
        ]
        dependent.sort(key=lambda d: (d.task.due_at, d.task.key))
        rows.append(EventRow(kind, str(label), EVENTS[kind], events.get(kind), dependent))
    return rows


def provisional_tasks(inspection: Inspection) -> dict[str, str]:
    """Task key -> what it waits for ("draft report"), for every task still dated
    provisionally: any page listing tasks can say so."""
    recorded = set(
        AftermathEvent.objects.filter(inspection=inspection).values_list("kind", flat=True)
    )
    return {
        s.key: EVENTS[s.after_event] for s in _specs(inspection) if s.after_event not in recorded
    }


# -- the factual-accuracy comment log ------------------------------------------------------


def _comment_fields(
    inspection: Inspection,
    paragraph: str,
    point: str,
    evidence: str,
    agreed_by: Person | None,
    status: str,
) -> dict[str, Any]:
    errors = {}
    paragraph, point, evidence = paragraph.strip(), point.strip(), evidence.strip()
    if not paragraph:
        errors["paragraph"] = "Enter the draft report's paragraph"
    if not point:
        errors["point"] = "Enter the point: what is inaccurate and what it should say"
    if status not in CommentStatus.values:
        errors["status"] = f"Status: choose one of {', '.join(CommentStatus.labels)}"
    if agreed_by is not None and agreed_by.inspection_id != inspection.pk:
        errors["agreed_by"] = f"{agreed_by} is not part of this inspection"
    if errors:
        raise InvalidFields(errors)
    return {
        "paragraph": paragraph,
        "point": point,
        "evidence": evidence,
        "agreed_by": agreed_by,
        "status": status,
    }


def _stamp_sent(comment: FactualAccuracyComment) -> None:
    # sent_at is when it first went to Ofsted; going back to draft clears it
    if comment.status in (CommentStatus.DRAFT, CommentStatus.AGREED):
        comment.sent_at = None
    elif comment.sent_at is None:
        comment.sent_at = timezone.now()


@transaction.atomic
def add_comment(
    actor: Any,
    inspection: Inspection,
    *,
    paragraph: str,
    point: str,
    evidence: str = "",
    agreed_by: Person | None = None,
    status: str = CommentStatus.DRAFT,
) -> FactualAccuracyComment:
    require(actor, inspection, KEEPS_COMMENTS)
    values = _comment_fields(inspection, paragraph, point, evidence, agreed_by, status)
    comment = FactualAccuracyComment(inspection=inspection, **values)
    _stamp_sent(comment)
    comment.save()
    return comment


@transaction.atomic
def update_comment(
    actor: Any,
    comment: FactualAccuracyComment,
    *,
    paragraph: str,
    point: str,
    evidence: str = "",
    agreed_by: Person | None = None,
    status: str = CommentStatus.DRAFT,
) -> FactualAccuracyComment:
    inspection = comment.inspection
    require(actor, inspection, KEEPS_COMMENTS)
    values = _comment_fields(inspection, paragraph, point, evidence, agreed_by, status)
    comment = FactualAccuracyComment.objects.select_for_update().get(pk=comment.pk)
    for name, value in values.items():
        setattr(comment, name, value)
    _stamp_sent(comment)
    comment.save()
    return comment


@transaction.atomic
def delete_comment(actor: Any, comment: FactualAccuracyComment) -> None:
    require(actor, comment.inspection, KEEPS_COMMENTS)
    comment.delete()


def comment_for(inspection: Inspection, pk: int) -> FactualAccuracyComment:
    try:
        return FactualAccuracyComment.objects.get(inspection=inspection, pk=pk)
    except FactualAccuracyComment.DoesNotExist:
        raise DomainError(f"No factual-accuracy comment {pk} in {inspection.title}.") from None
