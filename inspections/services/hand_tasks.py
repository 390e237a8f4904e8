"""Tasks people add by hand: a title, an owner, a due day and time, what they wait on.

A hand-added task is a Task with an empty `template_key` and a key "hand-<n>": day sheets,
lists, feeds and exports show it as they show template tasks, and re-applying the template
leaves it (apply_template only updates or removes tasks the template made). Its date is
derived from its day number through the inspection's calendar, so it moves with day one
(`redate_hand_tasks`, which apply_template calls).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from inspections.access import require
from inspections.audit import batch
from inspections.calendar import CalendarError
from inspections.models import Inspection, Person, Role, Task
from inspections.services.errors import DomainError, InvalidFields
from inspections.workflow.template import find_cycle

HAND_PREFIX = "hand-"
# The span of days an inspection's tasks cover: from the preparation weeks before day one to
# the action plan months after the final feedback (the task list's day filter uses the same).
DAYS_BEFORE, DAYS_AFTER = 60, 250
TITLE_MAX = 255


def is_hand_added(task: Task) -> bool:
    return not task.template_key


def _next_key(inspection: Inspection) -> str:
    taken = inspection.tasks.filter(key__startswith=HAND_PREFIX).values_list("key", flat=True)
    numbers = [int(k[len(HAND_PREFIX) :]) for k in taken if k[len(HAND_PREFIX) :].isdigit()]
    return f"{HAND_PREFIX}{max(numbers, default=0) + 1}"


def _check(
    inspection: Inspection,
    *,
    title: str,
    owner: Person | None,
    due_day: int | None,
    depends_on: Sequence[Task],
    task: Task | None = None,
) -> dict[str, str]:
    """One message per field, each naming it."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Title: enter what needs doing."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Title: use {TITLE_MAX} characters or fewer."
    if owner is None:
        errors["owner"] = "Owner: choose who does it."
    elif owner.inspection_id != inspection.pk:
        errors["owner"] = "Owner: choose a person of this inspection."
    last = inspection.calendar.last_day
    first, final = -DAYS_BEFORE, last + DAYS_AFTER
    if due_day is None:
        errors["due_day"] = "Due day: enter the working day it is due, for example 3."
    elif due_day == 0 or not first <= due_day <= final:
        errors["due_day"] = (
            f"Due day: choose a working day of this inspection, from {first} to {final} "
            f"(day 1 is day one, {last} the final feedback; there is no day 0)."
        )
    if any(d.inspection_id != inspection.pk for d in depends_on):
        errors["depends_on"] = "Depends on: choose tasks of this inspection."
    elif task is not None and task.pk is not None:
        if any(d.pk == task.pk for d in depends_on):
            errors["depends_on"] = "Depends on: a task cannot wait on itself."
        else:
            graph: dict[str, Iterable[str]] = dict(_graph(inspection))
            graph[task.key] = [d.key for d in depends_on]
            cycle = find_cycle(graph)
            if cycle:
                errors["depends_on"] = (
                    f"Depends on: that would make a loop ({' → '.join(cycle)}); "
                    "a task cannot wait on a task that waits on it."
                )
    return errors


def _graph(inspection: Inspection) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {t.key: [] for t in inspection.tasks.only("key")}
    through = Task.depends_on.through.objects.filter(from_task__inspection=inspection)
    for src, dst in through.values_list("from_task__key", "to_task__key"):
        graph.setdefault(src, []).append(dst)
    return graph


def _due(inspection: Inspection, day: int, time: dt.time | None) -> tuple[dt.datetime, str]:
    calendar = inspection.calendar
    try:
        return calendar.due_at(day, time), calendar.phase_for_day(day)
    except CalendarError as exc:
        raise InvalidFields({"due_day": f"Due day: {exc}"}) from exc


@transaction.atomic
@batch()  # the task and what it waits on make one history row
def add_task(
    actor: Any,
    inspection: Inspection,
    *,
    title: str,
    owner: Person | None,
    due_day: int | None,
    due_time: dt.time | None = None,
    depends_on: Sequence[Task] = (),
    description: str = "",
) -> Task:
    """Add a task by hand (project team and above). Blank time: the end of the working day."""
    require(actor, inspection, Role.PROJECT_TEAM)
    errors = _check(inspection, title=title, owner=owner, due_day=due_day, depends_on=depends_on)
    if errors:
        raise InvalidFields(errors)
    assert owner is not None and due_day is not None
    # one writer of hand-task keys at a time: the row lock makes "hand-<n>" unique
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    due_at, phase = _due(inspection, due_day, due_time)
    task = Task.objects.create(
        inspection=inspection,
        key=_next_key(inspection),
        template_key="",
        title=title.strip(),
        description=description.strip(),
        phase=phase,
        due_day=due_day,
        due_time=due_time,
        due_at=due_at,
        owner_role=owner.role,
        owner=owner,
        owner_edited=True,
    )
    task.depends_on.set(depends_on)
    return task


def _hand_task(task: Task) -> None:
    if not is_hand_added(task):
        raise DomainError(
            f"“{task.title}” comes from the workflow template: only tasks added by hand can be "
            "edited or deleted here."
        )


@transaction.atomic
@batch()
def edit_task(
    actor: Any,
    task: Task,
    *,
    title: str,
    owner: Person | None,
    due_day: int | None,
    due_time: dt.time | None = None,
    depends_on: Sequence[Task] = (),
    description: str = "",
) -> Task:
    """Change a hand-added task (project team and above); a dependency loop is refused."""
    inspection = task.inspection
    require(actor, inspection, Role.PROJECT_TEAM)
    _hand_task(task)
    task = Task.objects.select_for_update().get(pk=task.pk)
    errors = _check(
        inspection, title=title, owner=owner, due_day=due_day, depends_on=depends_on, task=task
    )
    if errors:
        raise InvalidFields(errors)
    assert owner is not None and due_day is not None
    task.due_at, task.phase = _due(inspection, due_day, due_time)
    task.title, task.description = title.strip(), description.strip()
    task.owner, task.owner_role, task.owner_edited = owner, owner.role, True
    task.due_day, task.due_time = due_day, due_time
    task.save()
    task.depends_on.set(depends_on)
    return task


@transaction.atomic
def delete_task(actor: Any, task: Task) -> None:
    """Delete a hand-added task (project team and above); tasks waiting on it stop waiting."""
    require(actor, task.inspection, Role.PROJECT_TEAM)
    _hand_task(task)
    task.delete()


def redate_hand_tasks(inspection: Inspection, tasks: Iterable[Task]) -> int:
    """Re-derive the date and phase of the hand-added ones among `tasks` from their day
    numbers (after day one moved); returns how many changed."""
    calendar = inspection.calendar
    changed = 0
    for task in tasks:
        if not is_hand_added(task):
            continue
        try:
            due_at, phase = (
                calendar.due_at(task.due_day, task.due_time),
                calendar.phase_for_day(task.due_day),
            )
        except CalendarError:
            continue  # a day the new calendar cannot place: keep the old date, visibly
        if (task.due_at, task.phase) != (due_at, phase):
            task.due_at, task.phase = due_at, phase
            task.save(update_fields=["due_at", "phase", "updated_at"])
            changed += 1
    return changed
