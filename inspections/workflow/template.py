"""The workflow template: TOML in seeds/ -> plain objects, validated. Pure: no Django."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspections.calendar import (
    END_OF_DAY,
    InspectionCalendar,
    add_working_days,
    is_working_day,
    to_utc,
)
from inspections.workflow.reminders import DEFAULT_REMIND, ReminderError, parse_remind

PHASES = ("preparation", "week1", "onsite", "after")
OWNER_ROLES = (
    "coordinator",
    "ofsted_lead",
    "performance",
    "lcs",
    "pa",
    "it",
    "building",
    "senior_leadership",
    "dcs",
    "chief_executive",
    "portfolio_holder",
)
# How a task repeats: one copy per day in the span, keyed "<key>-d<N>".
REPEATS = ("onsite_days", "week1_days", "all_days")
# What happens after the on-site weeks, on dates Ofsted and the council set: a task with
# `after_event` is dated `working_days` after (negative: before) the event once it is recorded,
# and until then provisionally from its `day`. Kind -> what the page says it waits for.
EVENTS = {
    "draft_report_received": "draft report",
    "publication_confirmed": "publication date",
    "final_report_embargoed": "embargoed final report",
    "staff_event": "staff event date",
    "cabinet_meeting": "Cabinet meeting date",
    "full_council_meeting": "Full Council meeting date",
}

_TASK_KEYS = {
    "key",
    "title",
    "description",
    "phase",
    "day",
    "time",
    "owner_role",
    "depends_on",
    "progress",
    "repeat",
    "after_event",
    "working_days",
    "remind",
}
_TEMPLATE_KEYS = {
    "key",
    "name",
    "inspection_type",
    "weeks",
    "onsite_weeks",
    "onsite_first_day",
    "onsite_days",
    "description",
}


class WorkflowError(ValueError):
    """A template that cannot be used; the message names the source and the keys."""


@dataclass(frozen=True)
class TaskSpec:
    key: str
    title: str
    phase: str
    day: int | str
    owner_role: str
    description: str = ""
    time: dt.time | None = None
    depends_on: tuple[str, ...] = ()
    progress: str = ""
    repeat: str = ""
    after_event: str = ""
    working_days: int = 0
    # lead times of the owner's reminders (inspections.workflow.reminders)
    remind: tuple[str, ...] = DEFAULT_REMIND


@dataclass(frozen=True)
class WorkflowTemplate:
    key: str
    name: str
    inspection_type: str
    weeks: int
    onsite_weeks: tuple[int, ...]
    tasks: tuple[TaskSpec, ...] = field(default=())
    # a visit counted in on-site working days (see InspectionCalendar); 0 = whole weeks
    onsite_first_day: int = 0
    onsite_days: int = 0

    def calendar(self, day_one: dt.date) -> InspectionCalendar:
        return InspectionCalendar(
            day_one,
            weeks=self.weeks,
            onsite_weeks=self.onsite_weeks,
            onsite_first_day=self.onsite_first_day,
            onsite_days=self.onsite_days,
        )


def load_template(path: Path) -> WorkflowTemplate:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WorkflowError(f"{path.name}: not valid TOML: {exc}") from exc
    return parse_template(data, source=path.name)


def _parse_time(value: Any, where: str) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError as exc:
        raise WorkflowError(f"{where}: time {value!r} is not HH:MM") from exc


def _parse_event(raw: dict[str, Any], where: str) -> tuple[str, int]:
    after_event = str(raw.get("after_event", ""))
    if after_event and after_event not in EVENTS:
        raise WorkflowError(
            f"{where}: after_event {after_event!r} is not one of {', '.join(EVENTS)}"
        )
    working_days = raw.get("working_days", 0)
    if "working_days" in raw and not after_event:
        raise WorkflowError(f"{where}: working_days needs an after_event to count from")
    # bool is an int to Python, but `working_days = true` is a typo, not a count
    if not isinstance(working_days, int) or isinstance(working_days, bool):
        raise WorkflowError(f"{where}: working_days must be a whole number")
    if abs(working_days) > 250:
        raise WorkflowError(f"{where}: working_days {working_days} is more than a year")
    return after_event, working_days


def parse_template(data: dict[str, Any], source: str = "template") -> WorkflowTemplate:
    meta = data.get("template")
    if not isinstance(meta, dict):
        raise WorkflowError(f"{source}: missing [template] table")
    unknown = set(meta) - _TEMPLATE_KEYS
    if unknown:
        raise WorkflowError(f"{source}: [template] has unknown keys: {', '.join(sorted(unknown))}")
    unknown_top = set(data) - {"template", "task"}
    if unknown_top:
        raise WorkflowError(f"{source}: unknown sections: {', '.join(sorted(unknown_top))}")

    specs: list[TaskSpec] = []
    for index, raw in enumerate(data.get("task", []), start=1):
        where = f"{source}: task {index} ({raw.get('key', 'no key')})"
        unknown = set(raw) - _TASK_KEYS
        if unknown:
            raise WorkflowError(f"{where}: unknown keys: {', '.join(sorted(unknown))}")
        missing = [k for k in ("key", "title", "phase", "day", "owner_role") if k not in raw]
        if missing:
            raise WorkflowError(f"{where}: missing {', '.join(missing)}")
        if raw["phase"] not in PHASES:
            raise WorkflowError(
                f"{where}: phase {raw['phase']!r} is not one of {', '.join(PHASES)}"
            )
        if raw["owner_role"] not in OWNER_ROLES:
            raise WorkflowError(
                f"{where}: owner_role {raw['owner_role']!r} is not one of {', '.join(OWNER_ROLES)}"
            )
        repeat = raw.get("repeat", "")
        if repeat and repeat not in REPEATS:
            raise WorkflowError(f"{where}: repeat {repeat!r} is not one of {', '.join(REPEATS)}")
        day = raw["day"]
        if not isinstance(day, int | str) or day == 0:
            raise WorkflowError(f"{where}: day must be a non-zero number, 'last' or 'last+N'")
        after_event, working_days = _parse_event(raw, where)
        if after_event and repeat:
            raise WorkflowError(f"{where}: a repeated task cannot hang off an event")
        try:
            remind = parse_remind(raw["remind"]) if "remind" in raw else DEFAULT_REMIND
        except ReminderError as exc:
            raise WorkflowError(f"{where}: {exc}") from exc
        specs.append(
            TaskSpec(
                key=str(raw["key"]),
                title=str(raw["title"]),
                phase=raw["phase"],
                day=day,
                owner_role=raw["owner_role"],
                description=str(raw.get("description", "")).strip(),
                time=_parse_time(raw.get("time"), where),
                depends_on=tuple(raw.get("depends_on", ())),
                progress=str(raw.get("progress", "")),
                repeat=repeat,
                after_event=after_event,
                working_days=working_days,
                remind=remind,
            )
        )
    template = WorkflowTemplate(
        key=str(meta.get("key", "")),
        name=str(meta.get("name", "")),
        inspection_type=str(meta.get("inspection_type", "ilacs_standard")),
        weeks=int(meta.get("weeks", 3)),
        onsite_weeks=tuple(meta.get("onsite_weeks", (2, 3))),
        tasks=tuple(specs),
        onsite_first_day=int(meta.get("onsite_first_day", 0)),
        onsite_days=int(meta.get("onsite_days", 0)),
    )
    validate(template, source)
    return template


def validate(template: WorkflowTemplate, source: str = "template") -> None:
    seen: set[str] = set()
    dupes = []
    for spec in template.tasks:
        if spec.key in seen:
            dupes.append(spec.key)
        seen.add(spec.key)
    if dupes:
        raise WorkflowError(f"{source}: duplicate task keys: {', '.join(sorted(set(dupes)))}")
    for spec in template.tasks:
        unknown = [d for d in spec.depends_on if d not in seen]
        if unknown:
            raise WorkflowError(
                f"{source}: task {spec.key!r} depends on unknown keys: {', '.join(unknown)}"
            )
    cycle = find_cycle({s.key: s.depends_on for s in template.tasks})
    if cycle:
        raise WorkflowError(f"{source}: dependency cycle: {' -> '.join(cycle)}")


def find_cycle(graph: dict[str, Iterable[str]]) -> list[str] | None:
    """A cycle as a list of keys ending where it starts, or None."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


@dataclass(frozen=True)
class ConcreteTask:
    """A template task placed on an inspection's calendar."""

    key: str
    title: str
    phase: str
    day: int
    due_at: dt.datetime
    time: dt.time | None
    owner_role: str
    description: str
    depends_on: tuple[str, ...]
    progress: str
    template_key: str
    # the event the due date hangs off, and whether it is still waiting for it (dated
    # provisionally from the template's typical day until the event is recorded)
    after_event: str = ""
    provisional: bool = False
    remind: tuple[str, ...] = DEFAULT_REMIND

    @property
    def waiting_for(self) -> str:
        """What a provisional task waits for, as the pages say it ("draft report"), or ""."""
        return EVENTS[self.after_event] if self.provisional else ""


def event_due_date(event_date: dt.date, working_days: int) -> dt.date:
    """The date a task is due `working_days` working days after (or before) an event; a task
    due on the day of an event that fell on a weekend or bank holiday is due the next working
    day (a count of working days always lands on one)."""
    if working_days == 0 and not is_working_day(event_date):
        return add_working_days(event_date, 1)
    return add_working_days(event_date, working_days)


def _repeat_days(calendar: InspectionCalendar, repeat: str) -> list[int]:
    days = range(1, calendar.last_day + 1)
    if repeat == "onsite_days":
        return [d for d in days if calendar.is_onsite_day(d)]
    if repeat == "week1_days":
        return [d for d in days if calendar.week_for_day(d) == 1]
    return list(days)


def expand_tasks(
    template: WorkflowTemplate,
    calendar: InspectionCalendar,
    event_dates: Mapping[str, dt.date] | None = None,
) -> list[ConcreteTask]:
    """Every task of the template with its day, due moment and dependencies resolved.
    `event_dates` (event kind -> date) dates the tasks that hang off a recorded event."""
    events = event_dates or {}
    out: list[ConcreteTask] = []
    for spec in template.tasks:
        if spec.repeat:
            for day in _repeat_days(calendar, spec.repeat):
                out.append(
                    ConcreteTask(
                        key=f"{spec.key}-d{day}",
                        title=f"{spec.title} (day {day})",
                        phase=calendar.phase_for_day(day) if spec.phase != "after" else spec.phase,
                        day=day,
                        due_at=calendar.due_at(day, spec.time),
                        time=spec.time,
                        owner_role=spec.owner_role,
                        description=spec.description,
                        depends_on=spec.depends_on,
                        progress=spec.progress,
                        template_key=spec.key,
                        remind=spec.remind,
                    )
                )
        else:
            recorded = events.get(spec.after_event) if spec.after_event else None
            if recorded is not None:
                due_date = event_due_date(recorded, spec.working_days)
                day = calendar.day_for_date(due_date)
                due_at = to_utc(due_date, spec.time or END_OF_DAY)
            else:
                day = calendar.resolve_day(spec.day)
                due_at = calendar.due_at(day, spec.time)
            out.append(
                ConcreteTask(
                    key=spec.key,
                    title=spec.title,
                    phase=spec.phase,
                    day=day,
                    due_at=due_at,
                    time=spec.time,
                    owner_role=spec.owner_role,
                    description=spec.description,
                    depends_on=spec.depends_on,
                    progress=spec.progress,
                    template_key=spec.key,
                    after_event=spec.after_event,
                    provisional=bool(spec.after_event) and recorded is None,
                    remind=spec.remind,
                )
            )
    # a dependency on a repeated task means all of its copies
    copies: dict[str, list[str]] = {}
    for task in out:
        copies.setdefault(task.template_key, []).append(task.key)
    return [
        ConcreteTask(
            **{**t.__dict__, "depends_on": tuple(k for d in t.depends_on for k in copies[d])}
        )
        for t in out
    ]
