"""Adapter: where the calendars app reads meetings, releases, rooms and deadlines from.

The timetabling work (scheduling.releases) owns releases; everything here goes through these
few functions so the rest of the app sees plain snapshots and dataclasses (and tests can swap
them for hand-made snapshots).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Model, OuterRef, QuerySet, Subquery

from calendars.feeds import Deadline, room_key, slug, venue_key
from calendars.models import FeedKind
from desk.models import InformationRequest
from desk.services.requests import child_ids_of_requests, short
from evidence.models import Audit, DeepDive
from evidence.services.invitees import is_team_manager
from inspections.childids import hide_child_ids
from inspections.models import (
    Inspection,
    Inspector,
    Person,
    PersonKind,
    PersonRole,
    Task,
    TaskStatus,
)
from scheduling import releases
from scheduling.models import Meeting, MeetingType, Release, Room, Venue
from scheduling.snapshots import MeetingSnapshot
from scheduling.visibility import child_ids_of


@dataclass(frozen=True)
class ReleaseInfo:
    number: int
    published_at: dt.datetime
    id: int | None = None  # the Release row: a republished number is still a new release


@dataclass(frozen=True)
class Subscriber:
    kind: str
    ref: str
    label: str


def latest_release(inspection: Inspection) -> ReleaseInfo | None:
    release = releases.latest_release(inspection)
    if release is None:
        return None
    return ReleaseInfo(number=release.number, published_at=release.published_at, id=release.pk)


def published_meetings(inspection: Inspection) -> list[MeetingSnapshot]:
    """Meetings of the latest published release, cancelled ones included."""
    return list(releases.latest_release_meetings(inspection))


def draft_meetings(inspection: Inspection) -> list[MeetingSnapshot]:
    return list(releases.draft_meetings(inspection))


def meetings(inspection: Inspection, draft: bool = False) -> list[MeetingSnapshot]:
    return draft_meetings(inspection) if draft else published_meetings(inspection)


def deadlines(inspection: Inspection) -> list[Deadline]:
    tasks = Task.objects.filter(inspection=inspection).select_related("owner").order_by("due_at")
    out = []
    for task in tasks:
        owner = task.get_owner_role_display()
        if task.owner is not None:
            owner = f"{owner} ({task.owner.full_name})"
        out.append(
            Deadline(
                key=task.key,
                title=task.title,
                due_at=task.due_at,
                owner=owner,
                description=task.description,
                done=task.status == TaskStatus.DONE,
                updated_at=task.updated_at,
            )
        )
    return out + request_deadlines(inspection)


def request_deadlines(inspection: Inspection) -> list[Deadline]:
    """Open requests from inspectors, each due as "R-12 due: <short text>" with its owner.

    A feed leaves the planner for any diary the link is pasted into, so no child ID goes with
    it: the request's own and every other the inspection knows (timetable, evidence, other
    requests) is hidden in the text, as the person and building feeds hide the ones their
    subscriber may not read. A sent or closed request leaves the feed.
    """
    rows = list(
        InformationRequest.objects.filter(inspection=inspection)
        .open()
        .select_related("owner", "inspector")
        .order_by("due_at", "number")
    )
    if not rows:
        return []
    known = (
        child_ids_of(inspection)
        | child_ids_of_requests(inspection)
        | set(Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True))
        | set(DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    )
    out = []
    for r in rows:
        text = hide_child_ids(r.text, known)
        asked = f"Asked by {r.inspector.full_name}" if r.inspector else ""
        out.append(
            Deadline(
                key=f"r-{r.number}",
                title=f"{r.label} due: {short(text)}",
                due_at=r.due_at,
                owner=r.owner.full_name if r.owner else "",
                description="\n".join(bit for bit in (text, asked) if bit),
                updated_at=r.updated_at,
                kind="request",
            )
        )
    return out


def requests_changed_at(inspection: Inspection) -> dt.datetime | None:
    """The last change to any request, open or not: a request sent (and so gone from the
    feed) still moves the deadlines feed's Last-Modified on."""
    rows = InformationRequest.objects.filter(inspection=inspection)
    return rows.aggregate(at=Max("updated_at"))["at"]


@dataclass(frozen=True)
class DeadlinesState:
    """What the deadlines feed is a function of, read without building it."""

    last_modified: dt.datetime  # the feed's Last-Modified and every event's DTSTAMP
    marks: tuple[object, ...]  # changes whenever anything the feed shows may have changed


def _per_inspection(rows: QuerySet[Any], value: Any) -> Subquery:
    return Subquery(
        rows.filter(inspection=OuterRef("pk"))
        .order_by()
        .values("inspection")
        .annotate(v=value)
        .values("v")[:1]
    )


def _last_history_id(model: type[Model]) -> Subquery:
    # Every write path keeps a history row (inspections.audit), and history ids only grow: the
    # latest id moves on with each change, even two in the same instant (a frozen test clock).
    history = model.history.model._default_manager.all()  # type: ignore[attr-defined]
    return _per_inspection(history, Max("history_id"))


def deadlines_state(inspection: Inspection) -> DeadlinesState:
    """One query: the latest change to the tasks and requests (the feed's Last-Modified, as
    before: the latest task or open request edit, the inspection's when there is none, and any
    request's, since a request sent leaves the feed) and the latest change to whatever else the
    feed reads: owners' and inspectors' names, and, while a request is open, every place a
    child ID its text may name comes from (the timetable, releases, audits, deep dives)."""
    tasks = Task.objects.all()
    requests = InformationRequest.objects.all()
    latest = {
        "tasks_at": _per_inspection(tasks, Max("updated_at")),
        "tasks_n": _per_inspection(tasks, Count("pk")),
        "requests_at": _per_inspection(requests, Max("updated_at")),
        "requests_n": _per_inspection(requests, Count("pk")),
        "open_at": _per_inspection(requests.open(), Max("updated_at")),
        "open_n": _per_inspection(requests.open(), Count("pk")),
        "tasks_h": _last_history_id(Task),
        "requests_h": _last_history_id(InformationRequest),
        "people_h": _last_history_id(Person),
        "inspectors_h": _last_history_id(Inspector),
        "meetings_h": _last_history_id(Meeting),
        "audits_h": _last_history_id(Audit),
        "deep_dives_h": _last_history_id(DeepDive),
        "release_id": _per_inspection(Release.objects.all(), Max("pk")),
    }
    row = Inspection.objects.filter(pk=inspection.pk).annotate(**latest).values(*latest).get()
    stamps = [at for at in (row["tasks_at"], row["open_at"]) if at] or [inspection.updated_at]
    stamps += [at for at in [row["requests_at"]] if at]
    names = ("tasks_at", "tasks_n", "requests_at", "requests_n", "open_at", "open_n")
    marks: list[object] = [row[k] for k in names]
    marks += [row[k] for k in ("tasks_h", "requests_h", "people_h", "inspectors_h")]
    if row["open_n"]:  # the child IDs hidden in open requests' text
        marks += [row[k] for k in ("meetings_h", "audits_h", "deep_dives_h", "release_id")]
    return DeadlinesState(last_modified=max(stamps), marks=tuple(marks))


def contact(inspection: Inspection) -> str:
    """Whom building staff call about a booking: the inspection coordinator (else the first of
    the project team), by name, phone and email. Never anyone's child data."""
    team = Person.objects.filter(inspection=inspection, kind=PersonKind.PROJECT_TEAM)
    person = team.filter(role=PersonRole.COORDINATOR).first() or team.first()
    if person is None:
        return ""
    what = person.get_role_display() if person.role else person.job_title
    name = f"{person.full_name} ({what})" if what else person.full_name
    return ", ".join(bit for bit in (name, person.phone, person.email) if bit)


@dataclass(frozen=True)
class PersonScope:
    """What decides which child IDs a person's feed may carry, besides the release itself."""

    case_types: frozenset[str]  # meeting types whose attendees are a child's workers
    mine: frozenset[str]  # the person's ref and, for a team manager, their team's refs


def person_scope(inspection: Inspection, ref: str) -> PersonScope:
    """A person's scope, read in two or three small queries (no meetings): the feed cache keys
    a person's feed on it, so a change of team or job title gives them a new feed."""
    case_types = frozenset(
        MeetingType.objects.filter(counts_as_case=True).values_list("key", flat=True)
    )
    me = Person.objects.filter(inspection=inspection, ref=ref).first()
    if me is None:
        return PersonScope(case_types, frozenset())
    mine = {ref}
    if is_team_manager(me):
        mine |= set(
            Person.objects.filter(inspection=inspection, team=me.team).values_list("ref", flat=True)
        )
    return PersonScope(case_types, frozenset(mine))


def child_ids_in_scope(scope: PersonScope, meetings: Iterable[MeetingSnapshot]) -> frozenset[str]:
    """The child IDs of `meetings` the person of `scope` works with (see child_ids_known_to)."""
    workers: dict[str, set[str]] = defaultdict(set)  # child ID -> workers' refs
    for m in meetings:
        if m.meeting_type in scope.case_types:
            for a in m.attendees:
                if a.kind == FeedKind.PERSON:
                    for child in m.child_ids:
                        workers[child].add(a.ref)
    return frozenset(child for child, refs in workers.items() if refs & scope.mine)


def child_ids_known_to(
    inspection: Inspection, ref: str, meetings: Iterable[MeetingSnapshot]
) -> frozenset[str]:
    """The child IDs a person (Person.ref) may read in their feed: the children they are the
    allocated worker for, and those of workers in the team they manage.

    The worker of a child is a council person at a case meeting about that child (a meeting
    type that counts as a case: case discussions and visits, where inspectors meet the
    allocated worker), in the same release the feed shows.
    """
    return child_ids_in_scope(person_scope(inspection, ref), meetings)


def rooms_and_venues(
    snapshots: list[MeetingSnapshot],
) -> tuple[dict[str, str], dict[str, str]]:
    """Room key -> "Room, Venue" and venue key -> venue name, from the meetings given."""
    rooms: dict[str, str] = {}
    venues: dict[str, str] = {}
    for m in snapshots:
        if m.room:
            rooms.setdefault(room_key(m), f"{m.room}, {m.venue}" if m.venue else m.room)
        if m.venue:
            venues.setdefault(venue_key(m), m.venue)
    return rooms, venues


def subscribers(inspection: Inspection) -> list[Subscriber]:
    """Everyone (and everywhere) that can subscribe to a feed of this inspection."""
    out = [
        Subscriber(FeedKind.INSPECTION, "", f"Whole inspection: {inspection.title}"),
        Subscriber(FeedKind.DEADLINES, "", "Project team deadlines"),
    ]
    for inspector in Inspector.objects.filter(inspection=inspection):
        out.append(
            Subscriber(
                FeedKind.INSPECTOR,
                inspector.ref,
                f"{inspector.full_name} ({inspector.get_role_display()})",
            )
        )
    for person in Person.objects.filter(inspection=inspection):
        label = (
            f"{person.full_name} ({person.description})" if person.description else person.full_name
        )
        out.append(Subscriber(FeedKind.PERSON, person.ref, label))
    # Rooms and venues: every bookable one, plus any a release or the draft names.
    rooms, venues = rooms_and_venues(published_meetings(inspection) + draft_meetings(inspection))
    for venue in Venue.objects.for_inspection(inspection):
        venues.setdefault(slug(venue.name), venue.name)
    for room in Room.objects.for_inspection(inspection).select_related("venue"):
        rooms.setdefault(
            f"{slug(room.venue.name)}--{slug(room.name)}", f"{room.name}, {room.venue.name}"
        )
    out += [Subscriber(FeedKind.ROOM, k, v) for k, v in sorted(rooms.items(), key=lambda kv: kv[1])]
    out += [
        Subscriber(FeedKind.VENUE, k, v) for k, v in sorted(venues.items(), key=lambda kv: kv[1])
    ]
    return out
