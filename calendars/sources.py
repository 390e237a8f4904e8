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

from django.db.models import Max

from calendars.feeds import Deadline, room_key, slug, venue_key
from calendars.models import FeedKind
from desk.models import InformationRequest
from desk.services.requests import child_ids_of_requests, short
from evidence.models import Audit, DeepDive
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
from scheduling.models import MeetingType, Room, Venue
from scheduling.snapshots import MeetingSnapshot
from scheduling.visibility import child_ids_of


@dataclass(frozen=True)
class ReleaseInfo:
    number: int
    published_at: dt.datetime


@dataclass(frozen=True)
class Subscriber:
    kind: str
    ref: str
    label: str


def latest_release(inspection: Inspection) -> ReleaseInfo | None:
    release = releases.latest_release(inspection)
    if release is None:
        return None
    return ReleaseInfo(number=release.number, published_at=release.published_at)


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


def _is_team_manager(person: Person) -> bool:
    # The people list has no "manages" link: a manager is named so in the job title, and
    # manages their own team ("Team manager", "Early help team manager", "IRO manager").
    return bool(person.team) and "manager" in person.job_title.lower()


def child_ids_known_to(
    inspection: Inspection, ref: str, meetings: Iterable[MeetingSnapshot]
) -> frozenset[str]:
    """The child IDs a person (Person.ref) may read in their feed: the children they are the
    allocated worker for, and those of workers in the team they manage.

    The worker of a child is a council person at a case meeting about that child (a meeting
    type that counts as a case: case discussions and visits, where inspectors meet the
    allocated worker), in the same release the feed shows.
    """
    case_types = set(MeetingType.objects.filter(counts_as_case=True).values_list("key", flat=True))
    workers: dict[str, set[str]] = defaultdict(set)  # child ID -> workers' refs
    for m in meetings:
        if m.meeting_type in case_types:
            for a in m.attendees:
                if a.kind == FeedKind.PERSON:
                    for child in m.child_ids:
                        workers[child].add(a.ref)
    me = Person.objects.filter(inspection=inspection, ref=ref).first()
    if me is None:
        return frozenset()
    mine = {ref}
    if _is_team_manager(me):
        mine |= set(
            Person.objects.filter(inspection=inspection, team=me.team).values_list("ref", flat=True)
        )
    return frozenset(child for child, refs in workers.items() if refs & mine)


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
