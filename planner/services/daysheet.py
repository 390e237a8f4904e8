"""The day-by-day task list: what is due on a working day, plus what is overdue from before."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from desk.models import InformationRequest
from desk.services.requests import for_day as requests_for_day
from inspections.calendar import LONDON, CalendarError, local_day_bounds
from inspections.models import Inspection, Task, TaskStatus
from inspections.services.errors import DomainError
from inspections.services.progress import Progress, risk_text
from planner.services.progress import progress_map
from scheduling.daysheet import snapshot_json, snapshots_for_day
from scheduling.snapshots import MeetingSnapshot


@dataclass
class SheetTask:
    task: Task
    overdue: bool
    waits_on: list[Task]
    progress: Progress | None = None
    risk: str = ""


@dataclass
class SheetRequest:
    """An inspector's request on its owner's sheet: open and due that day or overdue, or
    received that day."""

    request: InformationRequest
    overdue: bool


@dataclass
class OwnerGroup:
    label: str
    role: str
    tasks: list[SheetTask] = field(default_factory=list)
    requests: list[SheetRequest] = field(default_factory=list)


@dataclass
class DaySheet:
    inspection: Inspection
    day: int
    date: dt.date
    heading: str
    groups: list[OwnerGroup]
    snapshots: list[MeetingSnapshot]  # the day's meetings, published (or the draft)
    # The JSON carries child IDs as the meetings' do (the command is the operator's); a
    # caller for someone who may not see them turns this off.
    show_child_ids: bool = True
    # Tasks of the day left off a short list (build_daysheet's `limit`): the dashboard's.
    more_tasks: int = 0

    @property
    def meetings(self) -> list[dict[str, Any]]:
        """The day's meetings in the daysheet JSON shape."""
        return [snapshot_json(s, self.inspection.slug) for s in self.snapshots]

    @property
    def tasks(self) -> list[SheetTask]:
        return [t for g in self.groups for t in g.tasks]

    @property
    def requests(self) -> list[SheetRequest]:
        return [r for g in self.groups for r in g.requests]

    def requests_json(self) -> list[dict[str, Any]]:
        out = []
        for sr in self.requests:
            r = sr.request
            row: dict[str, Any] = {
                "number": r.label,
                "text": r.text,
                "inspector": r.inspector.ref if r.inspector else None,
                "owner": r.owner.ref if r.owner else None,
                "received": r.received_at.astimezone(LONDON).isoformat(),
                "due": r.due_at.astimezone(LONDON).isoformat(),
                "status": r.status,
                "overdue": sr.overdue,
            }
            if self.show_child_ids:
                row["child_id"] = r.child_id or None
            out.append(row)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "inspection": self.inspection.slug,
            "day": self.day,
            "date": self.date.isoformat(),
            "tasks": [
                {
                    "key": st.task.key,
                    "title": st.task.title,
                    "owner_role": st.task.owner_role,
                    "owner": st.task.owner.full_name if st.task.owner else None,
                    "due": st.task.due_at.astimezone(LONDON).isoformat(),
                    "status": st.task.status,
                    "overdue": st.overdue,
                    "depends_on": [d.key for d in st.task.depends_on.all()],
                    "waits_on": [d.key for d in st.waits_on],
                    "progress": st.progress.label if st.progress else None,
                    "risk": st.risk or None,
                    "added_by_hand": not st.task.template_key,
                }
                for st in self.tasks
            ],
            "meetings": self.meetings,
            "requests": self.requests_json(),
        }


def limit_requests(sheet: DaySheet, visible: set[int]) -> int:
    """Keep on `sheet` only the requests whose pk is in `visible` (desk.services.requests.
    requests_for: staff see their own, viewers none); returns how many were taken off."""
    hidden = 0
    for group in sheet.groups:
        kept = [r for r in group.requests if r.request.pk in visible]
        hidden += len(group.requests) - len(kept)
        group.requests = kept
    sheet.groups = [g for g in sheet.groups if g.tasks or g.requests]
    return hidden


def overdue_moment(day_start: dt.datetime, day_end: dt.datetime, now: dt.datetime) -> dt.datetime:
    """When a day's sheet asks Task.is_overdue: a past day shows what was carried into it
    (late at its start); today and the days to come show what is late now."""
    return day_start if now >= day_end else now


def day_bounds(inspection: Inspection, day: int) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight (Europe/London, in UTC) of working day `day`."""
    try:
        date = inspection.calendar.date_for_day(day)
    except CalendarError as exc:
        raise DomainError(str(exc)) from exc
    return local_day_bounds(date)


def build_daysheet(
    inspection: Inspection,
    day: int,
    role: str | None = None,
    draft: bool = False,
    now: dt.datetime | None = None,
    progress: dict[str, Progress | None] | None = None,
    limit: int | None = None,
) -> DaySheet:
    """`progress`: provider results the caller already has (the dashboard), to ask once.
    `limit`: at most that many tasks, open ones first (the dashboard's short list, so its cost
    does not grow with the inspection); `more_tasks` says how many were left off."""
    calendar = inspection.calendar
    start, end = day_bounds(inspection, day)
    date = calendar.date_for_day(day)
    tasks = inspection.tasks.for_day_sheet(start, end)
    if role:
        tasks = tasks.for_role(role)
    now = now or timezone.now()
    overdue_at = overdue_moment(start, end, now)
    if limit is None:
        task_list, more = list(tasks), 0
    else:
        task_list = list(tasks.pressing_first()[:limit])
        more = tasks.count() - len(task_list)  # asked always: the same queries at any size
    wanted = {t.progress_source for t in task_list if t.progress_source}
    known = progress or {}
    progress = {**known, **progress_map(inspection, wanted - set(known))}
    groups: dict[str, OwnerGroup] = {}
    for task in task_list:
        label = (
            f"{task.owner.full_name} ({task.get_owner_role_display()})"
            if task.owner
            else f"Unassigned ({task.get_owner_role_display()})"
        )
        group = groups.setdefault(label, OwnerGroup(label=label, role=task.owner_role))
        task_progress = progress.get(task.progress_source) if task.progress_source else None
        group.tasks.append(
            SheetTask(
                task=task,
                overdue=task.is_overdue(overdue_at),
                waits_on=[d for d in task.depends_on.all() if d.status != TaskStatus.DONE],
                progress=task_progress,
                risk=risk_text(task_progress, task.due_at, now)
                if task_progress and task.status != TaskStatus.DONE
                else "",
            )
        )
    requests = requests_for_day(inspection, start, end)
    if role:
        requests = requests.filter(owner__role=role)
    for request in requests:
        owner = request.owner
        if owner is None:
            label, owner_role = "No owner yet (requests)", ""
        else:
            owner_role = owner.role
            label = (
                f"{owner.full_name} ({owner.get_role_display()})" if owner.role else owner.full_name
            )
        group = groups.setdefault(label, OwnerGroup(label=label, role=owner_role))
        group.requests.append(SheetRequest(request, overdue=request.is_overdue(overdue_at)))
    return DaySheet(
        inspection=inspection,
        day=day,
        date=date,
        heading=calendar.describe_day(day),
        groups=sorted(groups.values(), key=lambda g: g.label),
        snapshots=snapshots_for_day(inspection, date, draft=draft),
        more_tasks=more,
    )
