"""Loading a scenario: the inspection, its people and tasks, then each app's own part.

`live=True` loads a second copy whose day one is the Monday of this week (on a weekend, of the
coming week; the first working day of that week when Monday is a bank holiday), so today is
one of its working days in week 1, the week of the deadlines. Tasks due before today are done,
so a newcomer sees countdowns, today's tasks and today's meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import partial

from django.db import transaction
from django.utils import timezone

from annex_a.scenario import load_scenario_annex_a
from council.scenario import load_scenario_readiness
from desk.scenario import load_scenario_lines
from evidence.scenario import load_scenario_evidence
from evidence.services.invitees import case_invitees
from inspections.audit import batch
from inspections.calendar import is_working_day, local_date, to_utc
from inspections.models import Inspection, TaskStatus
from inspections.services.scenario import (
    load_scenario_inspection,
    read_scenario,
    scenario_day_one,
)
from planner.services.progress import progress_map
from scheduling.scenario import load_scenario_meetings

# Each app's part of a scenario, in order: evidence first, since a case discussion invites
# the auditor of the child's audit (evidence.services.invitees, passed in to scheduling).
APP_LOADERS = (
    load_scenario_evidence,
    partial(
        load_scenario_meetings,
        case_invitees=lambda inspection, child_id, worker: (
            case_invitees(inspection, child_id, worker).people
        ),
    ),
    load_scenario_annex_a,
    load_scenario_lines,  # after meetings and the library: its lines link to both
    load_scenario_readiness,  # the council's standing checklist, then its state at the call
)
LIVE_SUFFIX = "-live"


@dataclass
class LoadResult:
    inspection: Inspection
    people: int
    inspectors: int
    tasks: int
    summary: list[str]


def live_day_one(today: dt.date) -> dt.date:
    """The first working day of today's week (of the coming week on a weekend)."""
    monday = today - dt.timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += dt.timedelta(days=7)
    day = monday
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@transaction.atomic
@batch()  # one history row per object loaded or changed; none when a reload changes nothing
def load_scenario(
    slug: str,
    notification: str | None = None,
    *,
    live: bool = False,
    now: dt.datetime | None = None,
) -> LoadResult:
    ctx = read_scenario(slug)
    meta = ctx.data["inspection"]
    live_spec = ctx.data.get("live", {})
    if live:
        now = now or timezone.now()
        day_one = live_day_one(local_date(now))
        target = meta["slug"] + LIVE_SUFFIX
        stale = Inspection.objects.filter(slug=target).exclude(day_one=day_one)
        # a live copy from an earlier date: start afresh, its plan and releases are old
        stale.delete()
        inspection, tasks_line = load_scenario_inspection(
            ctx,
            day_one,
            slug=target,
            title=live_spec.get("title", f"{meta['title']} (live demo)"),
        )
    else:
        inspection, tasks_line = load_scenario_inspection(ctx, scenario_day_one(ctx, notification))
    summary = [tasks_line]
    if live:
        ctx = replace(ctx, as_of=now)
    for loader in APP_LOADERS:
        outcome = loader(inspection, ctx)
        if outcome:
            summary.append(str(outcome))
    if live:
        done = _done_before_today(inspection, now or timezone.now())
        summary.append(f"live copy: day one {inspection.day_one:%A %-d %B %Y}, {done} tasks done")
    return LoadResult(
        inspection=inspection,
        people=inspection.people.count(),
        inspectors=inspection.inspectors.count(),
        tasks=inspection.tasks.count(),
        summary=summary,
    )


def _done_before_today(inspection: Inspection, now: dt.datetime) -> int:
    """The team is on track: every task due before today is done, today's are still open;
    a task whose evidence tracker is not complete stays open (late, as the evidence shows),
    so the tasks and the trackers tell one story."""
    start_of_today = to_utc(local_date(now), dt.time(0))
    tasks = inspection.tasks.filter(due_at__lt=start_of_today).exclude(status=TaskStatus.DONE)
    sources = set(tasks.exclude(progress_source="").values_list("progress_source", flat=True))
    behind = [
        source
        for source, progress in progress_map(inspection, sources).items()
        if progress is None or progress.done < progress.total
    ]
    tasks = tasks.exclude(progress_source__in=behind)
    done = 0
    for task in tasks:  # a few dozen, saved one by one so each keeps its history
        task.status, task.completed_at = TaskStatus.DONE, now
        task.save(update_fields=["status", "completed_at", "updated_at"])
        done += 1
    return done
