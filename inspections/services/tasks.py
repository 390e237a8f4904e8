"""Task generation from the workflow template, and the rules for changing a task."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from inspections.access import NotAllowed, can, person_for, require
from inspections.models import Inspection, Person, Role, Task, TaskStatus
from inspections.services.errors import DomainError, TaskBlocked
from inspections.services.hand_tasks import redate_hand_tasks
from inspections.signals import event_dates_wanted
from inspections.workflow import WorkflowTemplate, expand_tasks


@dataclass
class ApplyResult:
    created: int
    updated: int
    unchanged: int
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


def _owner_for_role(inspection: Inspection) -> dict[str, Person]:
    owners: dict[str, Person] = {}
    for person in inspection.people.exclude(role="").order_by("ref"):
        owners.setdefault(person.role, person)
    return owners


def recorded_event_dates(inspection: Inspection) -> dict[str, dt.date]:
    """The event dates the apps above have recorded (the aftermath's draft report, publication
    date...), asked for by signal: this app never imports them."""
    dates: dict[str, dt.date] = {}
    for _receiver, answer in event_dates_wanted.send(sender=Inspection, inspection=inspection):
        if isinstance(answer, Mapping):
            dates.update(answer)
    return dates


@transaction.atomic
def apply_template(
    inspection: Inspection,
    template: WorkflowTemplate,
    event_dates: Mapping[str, dt.date] | None = None,
) -> ApplyResult:
    """Create or update the inspection's tasks; a person's status and owner edits survive.
    Tasks that hang off an event are dated from `event_dates` (kind -> date); when None, from
    the dates the receivers of `event_dates_wanted` give, so re-applying after day one moved
    keeps them."""
    if event_dates is None:
        event_dates = recorded_event_dates(inspection)
    concrete = expand_tasks(template, inspection.calendar, event_dates)
    existing = {t.key: t for t in inspection.tasks.all()}
    owners = _owner_for_role(inspection)
    created = updated = unchanged = 0
    by_key: dict[str, Task] = {}
    fields = (
        "template_key",
        "title",
        "description",
        "phase",
        "due_day",
        "due_time",
        "due_at",
        "owner_role",
        "progress_source",
        "remind",
    )
    for spec in concrete:
        values = {
            "template_key": spec.template_key,
            "title": spec.title,
            "description": spec.description,
            "phase": spec.phase,
            "due_day": spec.day,
            "due_time": spec.time,
            "due_at": spec.due_at,
            "owner_role": spec.owner_role,
            "progress_source": spec.progress,
            "remind": list(spec.remind),
        }
        task = existing.get(spec.key)
        if task is None:
            task = Task.objects.create(
                inspection=inspection, key=spec.key, owner=owners.get(spec.owner_role), **values
            )
            created += 1
        else:
            changed = [f for f in fields if getattr(task, f) != values[f]]
            for f in changed:
                setattr(task, f, values[f])
            if not task.owner_edited and task.owner_id is None and spec.owner_role in owners:
                task.owner = owners[spec.owner_role]
                changed.append("owner")
            if changed:
                task.save(update_fields=[*changed, "updated_at"])
                updated += 1
            else:
                unchanged += 1
        by_key[spec.key] = task
    # Template tasks the template no longer produces (a per-day copy for a day the moved
    # calendar lacks) go; tasks people added by hand have no template_key and stay.
    stale = [t.pk for k, t in existing.items() if k not in by_key and t.template_key]
    removed = (
        Task.objects.filter(pk__in=stale).delete()[1].get("inspections.Task", 0) if stale else 0
    )
    # Tasks added by hand keep their day number; their date follows the calendar.
    updated += redate_hand_tasks(inspection, (t for k, t in existing.items() if k not in by_key))
    for spec in concrete:
        wanted = {by_key[k].pk for k in spec.depends_on}
        task = by_key[spec.key]
        if {t.pk for t in task.depends_on.all()} != wanted:
            task.depends_on.set(wanted)
    return ApplyResult(created, updated, unchanged, removed)


def open_dependencies(task: Task) -> list[Task]:
    return [d for d in task.depends_on.all() if d.status != TaskStatus.DONE]


def may_change_status(actor: Any, task: Task, inspection: Inspection | None = None) -> bool:
    """The project team may tick any task; staff only their own (the task's owner is the
    person their membership names); viewers none. `actor=None` is the system. Pass the
    task's `inspection` when at hand, to save a query."""
    if actor is None:
        return True
    inspection = inspection or task.inspection
    if can(actor, inspection, Role.PROJECT_TEAM):
        return True
    if not can(actor, inspection, Role.STAFF):
        return False
    person = person_for(actor, inspection)
    return person is not None and task.owner_id == person.pk


@transaction.atomic
def set_task_status(task: Task, status: str, actor: Any = None) -> Task:
    """Tick or reopen a task; `actor` (the user, None for the system) must be allowed to."""
    inspection = task.inspection
    require(actor, inspection, Role.STAFF)
    if status not in TaskStatus.values:
        raise DomainError(f"Unknown status {status!r}: use one of {', '.join(TaskStatus.values)}.")
    task = Task.objects.select_for_update().get(pk=task.pk)
    # checked on the locked row: the owner may have changed since the page was drawn
    if not may_change_status(actor, task, inspection):
        raise NotAllowed("Staff may tick only their own tasks: ask the project team.")
    if status == TaskStatus.DONE:
        waiting = open_dependencies(task)
        if waiting:
            names = "; ".join(f"{d.title} ({d.key})" for d in waiting)
            raise TaskBlocked(f"“{task.title}” can't be marked done while it waits on: {names}.")
        task.completed_at = timezone.now()
        task.completed_by = actor if actor is not None and actor.is_authenticated else None
    else:
        if task.status == TaskStatus.DONE:
            done_blocked = [b for b in task.blocks.all() if b.status == TaskStatus.DONE]
            if done_blocked:
                names = "; ".join(b.title for b in done_blocked)
                raise TaskBlocked(
                    f"“{task.title}” can't be reopened while tasks that depend on it are done: {names}."
                )
        task.completed_at = None
        task.completed_by = None
    task.status = status
    task.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    return task


@transaction.atomic
def set_task_owner(task: Task, owner: Person | None) -> Task:
    if owner is not None and owner.inspection_id != task.inspection_id:
        raise DomainError(f"{owner} is not part of this inspection.")
    task.owner = owner
    task.owner_edited = True
    task.save(update_fields=["owner", "owner_edited", "updated_at"])
    return task
