"""The project team's dashboard: where we are today, what is due next, what is at risk.

Every number comes from the services the other pages use: the day sheet (today's tasks),
the evidence trackers (planner.services.progress), the task QuerySet (overdue), the
timetable's notices and the calendars' day grid (today's meetings, a lane per inspector).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone

from calendars import planview
from calendars.planview import DayGrid
from council.services import council_slug, readiness_gaps
from desk.models import Concern, LineOfEnquiry
from desk.services.concerns import open_concerns
from desk.services.lines import lines_for, lines_without_evidence
from desk.services.requests import RISK_WINDOW
from inspections.access import sees_concerns
from inspections.calendar import LONDON, local_date
from inspections.models import Inspection, Task, TaskStatus
from inspections.services.progress import Progress, risk_text
from planner.services.daysheet import DaySheet, build_daysheet
from planner.services.notices import Notice
from planner.services.progress import progress_map
from planner.services.schedule_notices import release_changes, schedule_risks
from scheduling.daysheet import snapshots_for_day
from scheduling.snapshots import MeetingSnapshot

# The evidence trackers, by the workflow template's `progress` key, in the order they fall due.
EVIDENCE_SOURCES: dict[str, str] = {
    "annex_a": "Annexe A lists",
    "audits": "Audit list",
    "library": "Library",
    "deep_dives": "Deep-dive children",
    "case_packs": "Case-record packs",
}
DEADLINE_COUNT = 5
# Today's tasks on the dashboard: the most pressing this many (the day sheet has them all), so
# a bigger inspection or a day of carried-over work does not make the page slower.
TASK_ROWS = 20


@dataclass
class Deadline:
    task: Task
    label: str  # "Library" or the task's title
    when_text: str  # "12:00 today", "17:30 Thu 19 Jun"
    progress: Progress | None
    risk: str

    @property
    def summary(self) -> str:
        bits = [self.label, self.when_text]
        if self.progress:
            bits.append(f"{self.progress.done}/{self.progress.total} {_verb(self.progress)}")
        return " · ".join(bits)


@dataclass
class Dashboard:
    inspection: Inspection
    now: dt.datetime
    stage: str  # "before", "during", "between" (a weekend or bank holiday), "after"
    headline: str
    day: int | None
    sheet: DaySheet | None
    deadlines: list[Deadline]
    evidence: list[tuple[str, Progress]]
    lanes: DayGrid | None
    risks: list[Notice]
    changes: list[Notice]
    overdue_count: int
    timetable: str = "published"  # or "draft" when nothing is published for the day
    # Open concerns about a child: only for those who see them (sees_concerns), the first item.
    concerns: list[Concern] = field(default_factory=list)
    # Lines of enquiry nothing answers yet (desk.services.lines, the register's rule too).
    lines_without_evidence: list[LineOfEnquiry] = field(default_factory=list)
    lines_total: int = 0


def _verb(progress: Progress) -> str:
    # "287 of 315 uploaded" -> "uploaded"; a label without a verb falls back to "done".
    words = progress.label.split()
    return words[-1] if len(words) >= 4 and words[1] == "of" else "done"


def when_text(moment: dt.datetime, now: dt.datetime) -> str:
    local, today = moment.astimezone(LONDON), local_date(now)
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return f"{clock} today"
    if local.date() == today + dt.timedelta(days=1):
        return f"{clock} tomorrow"
    return f"{clock} {local:%a} {local.day} {local:%b}"


def _stage(inspection: Inspection, now: dt.datetime) -> tuple[str, str, int | None]:
    calendar, today = inspection.calendar, local_date(now)
    if today < calendar.day_one:
        days = (calendar.day_one - today).days
        return (
            "before",
            (
                f"Before the inspection · day one is {calendar.day_one:%A} "
                f"{calendar.day_one.day} {calendar.day_one:%B %Y} (in {days} day{'s' if days != 1 else ''})"
            ),
            None,
        )
    if today > calendar.last_day_date:
        return (
            "after",
            (
                f"After the inspection · final feedback was {calendar.last_day_date:%A} "
                f"{calendar.last_day_date.day} {calendar.last_day_date:%B %Y}"
            ),
            None,
        )
    day = inspection.day_number_today(now)
    if day is None:
        # a weekend or bank holiday inside the three weeks: name the next working day
        upcoming = next(d for d in calendar.dates if d > today)
        number = calendar.day_for_date(upcoming)
        return (
            "between",
            (
                f"Not a working day · day {number} of {calendar.last_day} is {upcoming:%A} "
                f"{upcoming.day} {upcoming:%B}"
            ),
            None,
        )
    return "during", calendar.describe_day(day), day


def meeting_grid(
    inspection: Inspection, date: dt.date, snapshots: list[MeetingSnapshot]
) -> DayGrid | None:
    """A day's meetings on a lane per inspector: the calendars' one day-grid builder."""
    if not snapshots:
        return None
    url = planview.meeting_url_maker(inspection.slug)
    return planview.day_grid(planview.items(snapshots, url), date, [])


def _deadlines(inspection: Inspection, now: dt.datetime) -> list[Task]:
    return list(
        inspection.tasks.open()
        .filter(due_at__gte=now)
        .select_related("owner")
        .order_by("due_at", "key")[:DEADLINE_COUNT]
    )


def request_risks(inspection: Inspection, now: dt.datetime) -> list[Notice]:
    """Inspectors' requests due within two hours or overdue (the QuerySet's at_risk rule).
    Who asked, who answers and when: the text stays on the log (viewers see counts only)."""
    rows = (
        inspection.information_requests.at_risk(now, RISK_WINDOW)
        .select_related("inspector", "owner")
        .order_by("due_at", "number")
    )
    out = []
    for r in rows:
        state = "overdue since" if r.due_at < now else "due"
        who = f" from {r.inspector.full_name}" if r.inspector else ""
        owner = f" ({r.owner.full_name})" if r.owner else " (no owner)"
        out.append(
            Notice(
                text=f"Request {r.label}{who} {state} {when_text(r.due_at, now)}{owner}",
                url=reverse("desk:request", args=[inspection.slug, r.number]),
                kind="request",
                when=r.due_at,
            )
        )
    return out


def build_dashboard(
    inspection: Inspection, now: dt.datetime | None = None, *, viewer: Any = None
) -> Dashboard:
    """`viewer` is the signed-in user: open concerns are theirs only if sees_concerns."""
    now = now or timezone.now()
    stage, headline, day = _stage(inspection, now)
    upcoming = _deadlines(inspection, now)
    # every tracker asked once, for the deadlines, the bars and today's day sheet alike
    progress = progress_map(
        inspection, set(EVIDENCE_SOURCES) | {t.progress_source for t in upcoming}
    )
    sheet = (
        build_daysheet(inspection, day, now=now, progress=progress, limit=TASK_ROWS)
        if day
        else None
    )
    deadlines = []
    for task in upcoming:
        p = progress.get(task.progress_source) if task.progress_source else None
        deadlines.append(
            Deadline(
                task=task,
                label=EVIDENCE_SOURCES.get(task.progress_source, task.title),
                when_text=when_text(task.due_at, now),
                progress=p,
                risk=risk_text(p, task.due_at, now) if p else "",
            )
        )
    evidence = [(label, p) for key, label in EVIDENCE_SOURCES.items() if (p := progress.get(key))]

    overdue = inspection.tasks.overdue_at(now)
    overdue_list = list(overdue.select_related("owner").order_by("due_at")[:5])
    overdue_count = overdue.count()
    risks = [
        Notice(
            text=f"Overdue since {when_text(t.due_at, now)}: {t.title}"
            + (f" ({t.owner.full_name})" if t.owner else ""),
            kind="overdue",
            when=t.due_at,
        )
        for t in overdue_list
    ]
    seen_sources: set[str] = set()
    for d in deadlines:
        # one line per tracker: its earliest deadline at risk
        if d.risk and d.task.progress_source not in seen_sources:
            seen_sources.add(d.task.progress_source)
            text = d.risk[:1].upper() + d.risk[1:]
            risks.append(Notice(text=text, kind="evidence", when=d.task.due_at))
    risks += schedule_risks(inspection)
    risks += request_risks(inspection, now)
    if stage != "after":
        # readiness on the day of the call: an item not ready then is a risk from day 1
        risks += [
            Notice(
                text=f"Not ready on the day of the call: {g.title}"
                + (f" ({g.owner})" if g.owner else "")
                + (f": {g.gap}" if g.gap else ""),
                kind="readiness",
                url=reverse("council:readiness", args=[council_slug(inspection.local_authority)]),
            )
            for g in readiness_gaps(inspection, local_date(now))
        ]

    changed = (
        inspection.tasks.exclude(status=TaskStatus.TODO)
        .select_related("completed_by")
        .order_by("-updated_at")[:6]
    )
    changes = [
        Notice(
            text=f"{t.title}: {t.get_status_display().lower()}"
            + (f" by {t.completed_by.get_username()}" if t.completed_by else ""),
            kind="task",
            when=t.updated_at,
        )
        for t in changed
    ]
    changes = release_changes(inspection, now) + changes

    meetings = sheet.snapshots if sheet else []
    timetable = "published"
    if sheet and not meetings:
        # nothing published for today yet: the draft is the team's best picture
        meetings = snapshots_for_day(inspection, sheet.date, draft=True)
        timetable = "draft" if meetings else "published"

    return Dashboard(
        inspection=inspection,
        now=now,
        stage=stage,
        headline=headline,
        day=day,
        sheet=sheet,
        deadlines=deadlines,
        evidence=evidence,
        lanes=meeting_grid(inspection, sheet.date, meetings) if sheet else None,
        timetable=timetable,
        risks=risks,
        changes=changes,
        overdue_count=overdue_count,
        concerns=open_concerns(inspection) if sees_concerns(viewer, inspection) else [],
        lines_without_evidence=list(lines_without_evidence(inspection)),
        lines_total=lines_for(inspection).count(),
    )
