"""After the load: what the database and the feeds say, against what the users saw.

- Double bookings: a direct SQL query for two live meetings overlapping in one room, for one
  inspector or for one person (every inspection); the app's own hard-rule check of each draft;
  and the same overlap rule over the rows of every release.
- Lost updates: each meeting's final version, slot, room and inspectors must be the save that
  produced that version, each save the users were told succeeded must be in the chain, and no
  two saves may succeed from one version; each task ends as its owner last set it.
- Feeds: every feed of the live inspection, fetched after the load, holds exactly the latest
  release's events for its subscriber (uid, start, end, status, sequence) and names that
  release; the deadlines feed shows each task done or due as the database has it.
Needs Django set up (benchmarks.soak.__main__ does that first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from django.db import connection
from icalendar import Calendar

from benchmarks.soak.users import Move, Tick
from inspections.calendar import LONDON
from inspections.models import Inspection, Task
from scheduling.models import Meeting, MeetingStatus, Mode, PlanRun, Release, ReleaseMeeting
from scheduling.planning import check_draft

ICAL_STATUS = {"planned": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class State:
    version: int
    day: int | None
    time: str | None  # "HH:MM", UK time
    room: int | None
    inspectors: tuple[str, ...]

    def shows(self, move: Move) -> bool:
        return (self.day, self.time, self.room, self.inspectors) == (
            move.day,
            move.time,
            move.room,
            move.inspectors,
        )

    def describe(self) -> str:
        return (
            f"v{self.version} day {self.day} {self.time} room {self.room} {list(self.inspectors)}"
        )


def meeting_states(slug: str) -> dict[int, State]:
    inspection = Inspection.objects.get(slug=slug)
    cal = inspection.calendar
    out = {}
    for m in Meeting.objects.for_inspection(inspection).prefetch_related("assigned_inspectors"):
        day = time = None
        if m.start is not None:
            local = m.start.astimezone(LONDON)
            day, time = cal.day_for_date(local.date()), f"{local:%H:%M}"
        out[m.pk] = State(
            m.version,
            day,
            time,
            m.room_id if m.mode == Mode.IN_PERSON else None,
            tuple(sorted(i.ref for i in m.assigned_inspectors.all())),
        )
    return out


def task_states(slug: str) -> dict[int, str]:
    return dict(Task.objects.filter(inspection__slug=slug).values_list("pk", "status"))


# -- double bookings ----------------------------------------------------------------------------
def sql_double_bookings() -> list[str]:
    """Pairs of live meetings that overlap in time and share a room, inspector or person."""
    table = Meeting._meta.db_table
    inspectors = Meeting.assigned_inspectors.through._meta.db_table
    people = Meeting.attendees.through._meta.db_table
    queries = {
        "room": f"""
            SELECT a.id, b.id, a.room_id FROM {table} a JOIN {table} b
              ON b.id > a.id AND b.room_id = a.room_id
            WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
              AND a.start < b."end" AND b.start < a."end" ORDER BY 1, 2""",
        "inspector": f"""
            SELECT a.id, b.id, ai.inspector_id FROM {table} a
              JOIN {inspectors} ai ON ai.meeting_id = a.id
              JOIN {inspectors} bi ON bi.inspector_id = ai.inspector_id AND bi.meeting_id > a.id
              JOIN {table} b ON b.id = bi.meeting_id
            WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
              AND a.start < b."end" AND b.start < a."end" ORDER BY 1, 2""",
        "person": f"""
            SELECT a.id, b.id, ap.person_id FROM {table} a
              JOIN {people} ap ON ap.meeting_id = a.id
              JOIN {people} bp ON bp.person_id = ap.person_id AND bp.meeting_id > a.id
              JOIN {table} b ON b.id = bp.meeting_id
            WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
              AND a.start < b."end" AND b.start < a."end" ORDER BY 1, 2""",
    }
    found = []
    with connection.cursor() as cursor:
        for what, sql in queries.items():
            cursor.execute(sql)
            found += [f"{what} {key}: meetings {a} and {b}" for a, b, key in cursor.fetchall()]
    return found


def draft_violations(slug: str) -> list[str]:
    violations, _ = check_draft(Inspection.objects.get(slug=slug))
    return [f"[{v.rule}] {v.message}" for v in violations]


def _release_overlaps(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    live = [r for r in rows if r["status"] != MeetingStatus.CANCELLED]
    holders: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in live:
        if r["room"]:
            holders[f"room {r['room']}, {r['venue']}"].append(r)
        for a in r["inspectors"]:
            holders[f"inspector {a['ref']}"].append(r)
        for a in r["attendees"]:
            holders[f"person {a['ref']}"].append(r)
    out = []
    for what, held in holders.items():
        for x, y in combinations(held, 2):
            if x["start"] < y["end"] and y["start"] < x["end"]:
                out.append(f"{what}: meetings {x['meeting_pk']} and {y['meeting_pk']}")
    return out


def release_double_bookings() -> dict[str, list[str]]:
    """Every release of every inspection: overlaps among its live rows."""
    out: dict[str, list[str]] = {}
    for release in Release.objects.select_related("inspection").order_by("inspection", "number"):
        rows = list(
            ReleaseMeeting.objects.filter(release=release).values(
                "meeting_pk", "status", "start", "end", "room", "venue", "inspectors", "attendees"
            )
        )
        out[f"{release.inspection.slug} v{release.number}"] = _release_overlaps(rows)
    return out


# -- lost updates ---------------------------------------------------------------------------------
def lost_meeting_updates(
    initial: dict[int, State], final: dict[int, State], moves: Iterable[Move]
) -> list[str]:
    by_meeting: dict[int, list[Move]] = defaultdict(list)
    for move in moves:
        by_meeting[move.meeting].append(move)
    problems = []
    for pk, end in sorted(final.items()):
        start, tried = initial[pk], by_meeting.get(pk, [])
        saved = [m for m in tried if m.outcome == "ok"]
        for version, n in Counter(m.opened for m in saved).items():
            if n > 1:
                problems.append(f"meeting {pk}: {n} saves from version {version} all succeeded")
        for m in saved:
            if not start.version <= m.opened < end.version:
                problems.append(
                    f"meeting {pk}: a save from v{m.opened} succeeded, but the meeting is "
                    f"at {end.describe()}"
                )
        for version in range(start.version, end.version):
            if not any(m.opened == version and m.outcome in ("ok", "unknown") for m in tried):
                problems.append(f"meeting {pk}: v{version + 1} was written by no save")
        if end.version == start.version:
            if (end.day, end.time, end.room, end.inspectors) != (
                start.day,
                start.time,
                start.room,
                start.inspectors,
            ):
                problems.append(f"meeting {pk}: changed without a new version: {end.describe()}")
            continue
        writers = [
            m for m in tried if m.opened == end.version - 1 and m.outcome in ("ok", "unknown")
        ]
        if writers and not any(end.shows(m) for m in writers):
            last = writers[-1]
            problems.append(
                f"meeting {pk}: the database has {end.describe()}, but the save from "
                f"v{last.opened} set day {last.day} {last.time} room {last.room} "
                f"{list(last.inspectors)}"
            )
    return problems


def lost_task_updates(
    initial: dict[int, str], final: dict[int, str], ticks: Iterable[Tick]
) -> list[str]:
    by_task: dict[int, list[Tick]] = defaultdict(list)
    for tick in sorted(ticks, key=lambda t: t.started):
        by_task[tick.task].append(tick)
    problems = []
    for pk, status in sorted(final.items()):
        tried = by_task.get(pk, [])
        saved = [i for i, t in enumerate(tried) if t.outcome == "ok"]
        allowed = {tried[saved[-1]].status} if saved else {initial[pk]}
        after = tried[saved[-1] + 1 :] if saved else tried
        allowed |= {t.status for t in after if t.outcome == "unknown"}  # may have committed
        if status not in allowed:
            problems.append(
                f"task {pk}: the database says {status}, the last change its owner was told "
                f"succeeded set {sorted(allowed)}"
            )
    return problems


# -- feeds ----------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"


def _wanted(kind: str, ref: str, row: Mapping[str, Any]) -> bool:
    if kind == "inspection":
        return True
    if kind == "inspector":
        return any(a["ref"] == ref for a in row["inspectors"])
    if kind == "person":
        return any(a["ref"] == ref for a in row["attendees"])
    if kind == "room":
        return bool(row["room"]) and f"{_slug(row['venue'])}--{_slug(row['room'])}" == ref
    if kind == "venue":
        return bool(row["venue"]) and _slug(row["venue"]) == ref
    raise ValueError(kind)


def _events(body: bytes) -> tuple[Calendar, list[Any]]:
    cal = Calendar.from_ical(body)
    return cal, list(cal.walk("VEVENT"))


def _utc(value: Any) -> dt.datetime:
    return value.dt.astimezone(dt.UTC)


def feed_mismatches(slug: str, bodies: dict[tuple[str, str], bytes | None]) -> list[str]:
    """Each fetched feed against the latest release (or, for deadlines, the tasks)."""
    inspection = Inspection.objects.get(slug=slug)
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    rows = list(ReleaseMeeting.objects.filter(release=release).values()) if release else []
    tasks = {t.key: t.status for t in Task.objects.filter(inspection=inspection)}
    problems = []
    for (kind, ref), body in sorted(bodies.items()):
        name = f"{kind} {ref or '-'}"
        if body is None:
            problems.append(f"{name}: no feed")
            continue
        cal, events = _events(body)
        if kind == "deadlines":
            got = {str(e["UID"]): str(e["SUMMARY"]).startswith("Done: ") for e in events}
            want = {f"task.{slug}.{key}@ilacs-planner": s == "done" for key, s in tasks.items()}
            if got != want:
                wrong = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
                problems.append(
                    f"{name}: {len(wrong)} deadlines differ from the tasks, e.g. {wrong[:3]}"
                )
            continue
        if release is None or f"release v{release.number}" not in str(cal.get("X-WR-CALDESC", "")):
            problems.append(
                f"{name}: names {cal.get('X-WR-CALDESC')!s}, not v{release.number if release else 0}"
            )
        got_events = {
            (
                str(e["UID"]),
                _utc(e["DTSTART"]),
                _utc(e["DTEND"]),
                str(e["STATUS"]),
                int(e["SEQUENCE"]),
            )
            for e in events
        }
        want_events = {
            (r["uid"], r["start"], r["end"], ICAL_STATUS[r["status"]], r["sequence"])
            for r in rows
            if _wanted(kind, ref, r)
        }
        if got_events != want_events:
            problems.append(
                f"{name}: {len(got_events - want_events)} events not in v{release.number if release else 0}, "
                f"{len(want_events - got_events)} of its events missing"
            )
    return problems


def stale_feed_answers(published: list[tuple[int, float]], seen: list[tuple[float, int]]) -> int:
    """Feed answers older than a release whose publish had already been answered."""
    stale = 0
    for asked, version in seen:
        done = [n for n, answered in published if answered < asked]
        if done and version < max(done):
            stale += 1
    return stale


def plan_runs(slug: str) -> Counter[str]:
    return Counter(PlanRun.objects.filter(inspection__slug=slug).values_list("status", flat=True))
