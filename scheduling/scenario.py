"""Scenario loader: venues, rooms, travel, meetings and known absences of a scenario.

Called by planner.services.scenario.load_scenario inside its
transaction. Idempotent (update_or_create on refs) and deterministic (ctx.rng("meetings")).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from typing import Any

from django.utils.text import slugify

from inspections.calendar import to_utc
from inspections.models import Inspection, Inspector, Person, PersonKind
from inspections.services.errors import DomainError
from inspections.services.scenario import ScenarioContext
from scheduling.catalogue import load_meeting_types, parse_time
from scheduling.conflicts import refuse_double_booking
from scheduling.locks import lock_schedule
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingType,
    Mode,
    ReleaseMeeting,
    Room,
    Travel,
    Unavailability,
    Venue,
)

SCENARIO_NOTE = "[scenario] "
USER_REF_PREFIX = "user-"  # meetings people add in the app; scenario reloads leave them alone
DEEP_DIVE_PREFIX = "case-"  # the 12 deep-dive case discussions (7.82)

# Who a case discussion about a child invites, given the child ID and the allocated worker:
# the rule lives above this app (evidence.services.invitees: the auditor comes from the
# audit list), so the planner passes it in.
Invitees = Callable[[Inspection, str, Person], list[Person]]


def load_scenario_meetings(
    inspection: Inspection, ctx: ScenarioContext, *, case_invitees: Invitees | None = None
) -> str | None:
    load_meeting_types()
    try:
        venue_data = ctx.read_toml("venues.toml")
        meeting_data = ctx.read_toml("meetings.toml")
    except DomainError:
        if not (ctx.directory / "meetings.toml").exists():
            return None  # a scenario without a timetable
        raise
    # A reload may change who attends a placed meeting: one writer at a time, and no double
    # booking (PostgreSQL checks it below, before the loader's transaction commits).
    lock_schedule(inspection.pk)
    venues, rooms = _load_venues(inspection, venue_data)
    specs = _meeting_specs(inspection, ctx, meeting_data)
    if case_invitees is not None:
        _invite_to_case_discussions(inspection, specs, case_invitees)
    builder = _MeetingWriter(inspection, venues, meeting_data.get("teams_url", ""))
    written = {spec["ref"]: builder.write(spec) for spec in specs}
    for spec in specs:
        builder.link(written[spec["ref"]], spec, written)
    # Scenario meetings dropped from the seeds go too, unless a release has published them.
    (
        Meeting.objects.filter(inspection=inspection)
        .exclude(ref__in=[s["ref"] for s in specs])
        .exclude(ref__startswith=USER_REF_PREFIX)
        .exclude(pk__in=ReleaseMeeting.objects.values("meeting_pk"))
        .delete()
    )
    absences = _load_unavailability(inspection, meeting_data.get("unavailability", []))
    refuse_double_booking()
    fieldwork = sum(1 for s in specs if builder.types[s["type"]].group == "fieldwork")
    return (
        f"meetings: {len(specs)} ({fieldwork} fieldwork in weeks 2-3), "
        f"{len(venues)} venues, {rooms} rooms, {absences} known absences"
    )


# -- venues -------------------------------------------------------------------------------
def _load_venues(inspection: Inspection, data: dict[str, Any]) -> tuple[dict[str, Venue], int]:
    venues: dict[str, Venue] = {}
    towns: dict[str, str] = {}
    rooms = 0
    for spec in data.get("venues", []):
        venue, _ = Venue.objects.update_or_create(
            inspection=inspection,
            ref=spec["ref"],
            defaults={
                "name": spec["name"],
                "address": spec.get("address", ""),
                "kind": spec["kind"],
            },
        )
        venues[venue.ref] = venue
        towns[venue.ref] = spec["town"]
        for room in spec.get("rooms", []):
            Room.objects.update_or_create(
                venue=venue,
                ref=room["ref"],
                defaults={
                    "name": room["name"],
                    "capacity": room["capacity"],
                    "equipment": list(room.get("equipment", [])),
                    "inspectors_base": bool(room.get("inspectors_base", False)),
                },
            )
            rooms += 1
    town_minutes: dict[tuple[str, str], int] = {}
    for key, minutes in data.get("travel", {}).items():
        a, b = key.split(":")
        town_minutes[(a, b)] = town_minutes[(b, a)] = int(minutes)
    same = int(data.get("same_town", 10))
    refs = sorted(venues)
    for i, a in enumerate(refs):
        for b in refs[i + 1 :]:
            ta, tb = towns[a], towns[b]
            if ta == tb:
                minutes = same
            elif (ta, tb) in town_minutes:
                minutes = town_minutes[(ta, tb)]
            else:
                raise DomainError(f"venues.toml: no travel time between {ta} and {tb}.")
            Travel.objects.update_or_create(
                origin=venues[a], destination=venues[b], defaults={"minutes": minutes}
            )
    return venues, rooms


# -- meeting specs ------------------------------------------------------------------------
def _meeting_specs(
    inspection: Inspection, ctx: ScenarioContext, data: dict[str, Any]
) -> list[dict[str, Any]]:
    cal = inspection.calendar
    first, last = 1, cal.last_day
    onsite = [d for w in cal.onsite_weeks for d in cal.days_in_week(w)]
    rng = ctx.rng("meetings")
    bases: dict[str, str] = data.get("team_bases", {})
    practitioners = list(
        Person.objects.filter(inspection=inspection, kind=PersonKind.PRACTITIONER).order_by("ref")
    )
    team_of = {p.ref: p.team for p in practitioners}
    specs: list[dict[str, Any]] = []

    for raw in data.get("meetings", []):
        spec = dict(raw)
        if "day" in spec:
            day = spec.pop("day")
            spec["days"] = [cal.resolve_day(day)]
        elif "week" in spec:
            spec["days"] = cal.days_in_week(int(spec.pop("week")))
        specs.append(spec)

    kit = data.get("lead_kit", {})
    skip = {first if s == "first" else last if s == "last" else int(s) for s in kit.get("skip", [])}
    for day in range(first, last + 1):
        if day in skip:
            continue
        on_site = day in onsite
        specs.append(
            {
                "ref": f"kit-lead-d{day:02d}",
                "type": "lead_kit",
                "title": f"Lead inspector KIT with the DCS (day {day})",
                "days": [day],
                "attendees": kit.get("attendees", []),
                "mode": Mode.IN_PERSON if on_site else Mode.TEAMS,
                "venue": kit.get("onsite_venue") if on_site else None,
            }
        )
    internal = data.get("internal_kit", {})
    for day in onsite:
        for i, time in enumerate(internal.get("times", [])):
            label = "morning" if i == 0 else "afternoon"
            specs.append(
                {
                    "ref": f"kit-internal-d{day:02d}-{i + 1}",
                    "type": "internal_kit",
                    "title": f"Internal KIT, {label} (day {day})",
                    "days": [day],
                    "fixed_time": time,
                    "attendees": internal.get("attendees", []),
                }
            )

    for dive in ctx.data.get("deep_dives", []):
        worker = dive["worker"]
        specs.append(
            {
                "ref": f"{DEEP_DIVE_PREFIX}{dive['child_id']}",
                "type": "case_discussion",
                "title": f"Case discussion: child {dive['child_id']}",
                "purpose": f"Deep dive ({dive.get('plan', '').replace('_', ' ')} plan) with the allocated worker, team manager and auditor.",
                "attendees": [worker],
                "child_ids": [dive["child_id"]],
                "venue": bases.get(team_of.get(worker, "")),
            }
        )

    max_size = int(data.get("focus_groups", {}).get("max_size", 7))
    for team in ctx.data.get("teams", []):
        members = [p.ref for p in practitioners if p.team == team["name"]]
        if not members:
            continue
        groups = math.ceil(len(members) / max_size)
        for g in range(groups):
            part = members[g::groups]
            suffix = f" ({g + 1} of {groups})" if groups > 1 else ""
            specs.append(
                {
                    "ref": f"focus-{slugify(team['name'])}-{g + 1}",
                    "type": "focus_group",
                    "title": f"Focus group: {team['name']}{suffix}",
                    "attendees": part,
                    "venue": bases.get(team["name"]),
                }
            )

    tracking = data.get("case_tracking", {})
    used = {c for s in specs for c in s.get("child_ids", [])}
    pool = [p.ref for p in practitioners if p.team in set(tracking.get("teams", []))]
    for n in range(int(tracking.get("count", 0))):
        child = f"C{rng.randint(100000, 109999)}"
        while child in used:
            child = f"C{rng.randint(100000, 109999)}"
        used.add(child)
        worker = rng.choice(pool)
        on_teams = rng.random() < float(tracking.get("teams_share", 0))
        specs.append(
            {
                "ref": f"track-{n + 1:02d}",
                "type": "case_discussion",
                "title": f"Case tracking: child {child}",
                "purpose": "A child's record the inspectors track with the allocated worker.",
                "attendees": [worker],
                "child_ids": [child],
                "mode": Mode.TEAMS if on_teams else Mode.IN_PERSON,
                "venue": None if on_teams else bases.get(team_of.get(worker, "")),
            }
        )
    # Spread the team's own fieldwork over the on-site weeks, in turn per type (the data says
    # which types), so week 2 does not take everything the solver could fit into it.
    spread = set(data.get("spread_over_weeks", []))
    turn: dict[str, int] = {}
    weeks = list(cal.onsite_weeks)
    for spec in specs:
        if "days" not in spec and spec["type"] in spread and weeks:
            n = turn.get(spec["type"], 0)
            turn[spec["type"]] = n + 1
            spec["days"] = cal.days_in_week(weeks[n % len(weeks)])
        spec.setdefault("days", onsite)
    specs.extend(_debrief_specs(data, specs, team_of, bases))
    return specs


def _invite_to_case_discussions(
    inspection: Inspection, specs: list[dict[str, Any]], invitees: Invitees
) -> None:
    """Each case discussion about one child invites whom the rule says (its worker first,
    as the debriefs expect), not the worker alone."""
    people = {p.ref: p for p in Person.objects.filter(inspection=inspection)}
    for spec in specs:
        if spec["type"] != "case_discussion" or len(spec.get("child_ids", [])) != 1:
            continue
        worker = people.get(spec["attendees"][0]) if spec.get("attendees") else None
        if worker is None:
            continue
        refs = [p.ref for p in invitees(inspection, spec["child_ids"][0], worker)]
        spec["attendees"] = refs + [r for r in spec["attendees"] if r not in refs]


def _debrief_specs(
    data: dict[str, Any],
    specs: list[dict[str, Any]],
    team_of: dict[str, str],
    bases: dict[str, str],
) -> list[dict[str, Any]]:
    """A senior leader's debrief with the worker after each deep-dive case discussion (7.76)."""
    conf = data.get("debriefs")
    if not conf:
        return []
    mode = conf.get("mode", Mode.TEAMS)
    if mode not in (Mode.TEAMS, Mode.IN_PERSON):
        raise DomainError("meetings.toml, [debriefs] mode: use teams or in_person.")
    leaders: dict[str, str] = conf.get("leaders", {})
    out = []
    for case in specs:
        if not case["ref"].startswith(DEEP_DIVE_PREFIX):
            continue
        worker = case["attendees"][0]
        team = team_of.get(worker, "")
        child = case["child_ids"][0]
        out.append(
            {
                "ref": f"debrief-{child}",
                "type": conf.get("type", "staff_debrief"),
                "title": f"Debrief after the case discussion: child {child}",
                "purpose": "A senior leader debriefs the worker after the inspector's deep dive.",
                "attendees": [leaders.get(team, conf.get("default_leader", "")), worker],
                "child_ids": [child],
                "days": list(case["days"]),
                "mode": mode,
                "venue": bases.get(team) if mode == Mode.IN_PERSON else None,
                "follows": [case["ref"]],
            }
        )
    return out


class _MeetingWriter:
    def _teams_link(self, ref: str) -> str:
        """An opaque meeting link: a ref such as debrief-C104233 names a child, and a link is
        shared more widely than the meeting's child IDs are."""
        token = hashlib.sha256(f"{self.inspection.slug}:{ref}".encode()).hexdigest()[:16]
        return self.teams_url.format(ref=token)

    def __init__(self, inspection: Inspection, venues: dict[str, Venue], teams_url: str):
        self.inspection = inspection
        self.venues = venues
        self.teams_url = teams_url
        self.types = {t.key: t for t in MeetingType.objects.all()}
        self.people = {p.ref: p for p in Person.objects.filter(inspection=inspection)}
        self.inspectors = {i.ref: i for i in Inspector.objects.filter(inspection=inspection)}

    def write(self, spec: dict[str, Any]) -> Meeting:
        where = f"meetings.toml, meeting {spec['ref']}"
        mtype = self.types.get(spec["type"])
        if mtype is None:
            raise DomainError(f"{where}: unknown type {spec['type']!r}.")
        mode = spec.get("mode") or mtype.mode
        fixed_time = (
            parse_time(spec["fixed_time"], where) if spec.get("fixed_time") else mtype.fixed_time
        )
        days = [int(d) for d in spec["days"]]
        named = [self._inspector(r, where) for r in spec.get("inspectors", [])]
        rule = spec.get("inspector_rule") or mtype.inspector_rule
        if rule == InspectorRule.LEAD and not named:
            named = [i for i in self.inspectors.values() if i.is_lead]
        venue_ref = spec.get("venue")
        if venue_ref and venue_ref not in self.venues:
            raise DomainError(f"{where}: unknown venue {venue_ref!r}.")
        meeting, _ = Meeting.objects.update_or_create(
            inspection=self.inspection,
            ref=spec["ref"],
            defaults={
                "meeting_type": mtype,
                "title": spec["title"],
                "purpose": spec.get("purpose", mtype.description),
                "duration": int(spec.get("duration", mtype.duration)),
                "mode": mode,
                "inspector_rule": rule,
                "inspectors_needed": int(
                    spec.get("inspectors_needed", mtype.inspectors_needed if rule == "any" else 0)
                ),
                "family_count": int(spec.get("family_count", 0)),
                "child_ids": list(spec.get("child_ids", [])),
                "window_days": days,
                "earliest": parse_time(spec.get("earliest", mtype.earliest), where),
                "latest": parse_time(spec.get("latest", mtype.latest), where),
                "fixed_day": days[0] if fixed_time and len(days) == 1 else None,
                "fixed_time": fixed_time,
                "preferred_time": mtype.preferred_time,
                "venue": self.venues.get(venue_ref) if venue_ref else None,
                "equipment": list(spec.get("equipment", mtype.equipment)),
                "teams_url": self._teams_link(spec["ref"]) if mode == Mode.TEAMS else "",
            },
        )
        meeting.required_inspectors.set(named)
        meeting.attendees.set([self._person(r, where) for r in spec.get("attendees", [])])
        return meeting

    def link(self, meeting: Meeting, spec: dict[str, Any], written: dict[str, Meeting]) -> None:
        """`follows`: the meetings this one should come after (set once all are written)."""
        refs = spec.get("follows", [])
        unknown = [r for r in refs if r not in written]
        if unknown:
            where = f"meetings.toml, meeting {spec['ref']}"
            raise DomainError(f"{where}: follows unknown meeting(s) {', '.join(unknown)}.")
        meeting.follows.set([written[r] for r in refs])

    def _inspector(self, ref: str, where: str) -> Inspector:
        try:
            return self.inspectors[ref]
        except KeyError:
            raise DomainError(f"{where}: unknown inspector {ref!r}.") from None

    def _person(self, ref: str, where: str) -> Person:
        try:
            return self.people[ref]
        except KeyError:
            raise DomainError(f"{where}: unknown person {ref!r}.") from None


def _load_unavailability(inspection: Inspection, specs: list[dict[str, Any]]) -> int:
    Unavailability.objects.filter(inspection=inspection, note__startswith=SCENARIO_NOTE).delete()
    cal = inspection.calendar
    people = {p.ref: p for p in Person.objects.filter(inspection=inspection)}
    inspectors = {i.ref: i for i in Inspector.objects.filter(inspection=inspection)}
    count = 0
    for i, spec in enumerate(specs, start=1):
        where = f"meetings.toml, unavailability {i}"
        person = people.get(spec.get("person", ""))
        inspector = inspectors.get(spec.get("inspector", ""))
        if person is None and inspector is None:
            raise DomainError(f"{where}: name a known person or inspector.")
        start_t = parse_time(spec.get("from", "00:00"), where)
        end_t = parse_time(spec["to"], where) if "to" in spec else None
        for day in spec["days"]:
            date = cal.date_for_day(int(day))
            end = to_utc(date, end_t) if end_t else to_utc(date + dt.timedelta(days=1), dt.time(0))
            Unavailability.objects.create(
                inspection=inspection,
                person=person,
                inspector=inspector,
                start=to_utc(date, start_t),
                end=end,
                reason=spec.get("reason", "other"),
                note=SCENARIO_NOTE + spec.get("note", ""),
            )
            count += 1
    return count
