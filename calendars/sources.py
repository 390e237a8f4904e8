"""Adapter: where the calendars app reads meetings, releases, rooms and deadlines from.

The timetabling work (scheduling.releases) owns releases; everything here goes through these
few functions so the rest of the app sees plain snapshots and dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType

from calendars.feeds import Deadline, room_key, venue_key
from calendars.models import FeedKind
from inspections.models import Inspection, Inspector, Person, Task, TaskStatus
from scheduling.snapshots import MeetingSnapshot


@dataclass(frozen=True)
class ReleaseInfo:
    number: int
    published_at: dt.datetime


@dataclass(frozen=True)
class Subscriber:
    kind: str
    ref: str
    label: str


def _releases() -> ModuleType | None:
    try:
        from scheduling import releases
    except ModuleNotFoundError as exc:  # the timetabling work has not landed yet
        if exc.name == "scheduling.releases":
            return None
        raise
    return releases


def latest_release(inspection: Inspection) -> ReleaseInfo | None:
    mod = _releases()
    release = mod.latest_release(inspection) if mod else None
    if release is None:
        return None
    return ReleaseInfo(number=release.number, published_at=release.published_at)


def published_meetings(inspection: Inspection) -> list[MeetingSnapshot]:
    """Meetings of the latest published release, cancelled ones included."""
    mod = _releases()
    return list(mod.latest_release_meetings(inspection)) if mod else []


def draft_meetings(inspection: Inspection) -> list[MeetingSnapshot]:
    mod = _releases()
    return list(mod.draft_meetings(inspection)) if mod else []


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
    return out


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
            Subscriber(FeedKind.INSPECTOR, inspector.ref, f"{inspector.full_name} ({inspector.get_role_display()})")
        )
    for person in Person.objects.filter(inspection=inspection):
        label = f"{person.full_name} ({person.description})" if person.description else person.full_name
        out.append(Subscriber(FeedKind.PERSON, person.ref, label))
    # Rooms and venues as the plan knows them: the published release and the draft.
    rooms, venues = rooms_and_venues(published_meetings(inspection) + draft_meetings(inspection))
    out += [Subscriber(FeedKind.ROOM, k, v) for k, v in sorted(rooms.items(), key=lambda kv: kv[1])]
    out += [Subscriber(FeedKind.VENUE, k, v) for k, v in sorted(venues.items(), key=lambda kv: kv[1])]
    return out
