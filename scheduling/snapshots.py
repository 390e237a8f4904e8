"""What people outside the project team see of a meeting: a snapshot of a published release.

Feeds, attendee day sheets and messages read these, never the draft. Pure dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


# Same values as scheduling.models' MeetingStatus and Mode, so stored release rows and JSON are
# unchanged; a StrEnum is a str, so it compares, hashes and serialises as its value.
class SnapshotStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class SnapshotMode(StrEnum):
    IN_PERSON = "in_person"
    TEAMS = "teams"
    VISIT = "visit"


@dataclass(frozen=True)
class Attendee:
    ref: str  # Inspector.ref or Person.ref
    name: str
    role: str  # "Lead inspector (HMI)", "Social worker, Assessment", ...
    kind: str  # "inspector" | "person"


@dataclass(frozen=True)
class MeetingSnapshot:
    uid: str  # stable for the meeting's whole life
    meeting_id: int
    sequence: int  # rises on every published change of time, room or attendees
    status: SnapshotStatus
    title: str
    meeting_type: str  # catalogue key
    purpose: str
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    mode: SnapshotMode
    venue: str
    venue_address: str
    room: str
    teams_url: str
    inspectors: tuple[Attendee, ...]
    attendees: tuple[Attendee, ...]
    child_ids: tuple[str, ...] = ()  # IDs only, never names
    family_count: int = 0
    what_to_bring: str = ""
    release: int = 0  # version of the release this snapshot belongs to (0 = draft)
    chair: str = ""  # whom to contact: an observed meeting's chair, "Name (job), phone, email"

    @property
    def venue_id(self) -> str:
        return self.venue

    def involves(self, kind: str, ref: str) -> bool:
        """Whether this inspector or person ("inspector" | "person", and ref) attends.

        Kind and ref together: a partner imported with an inspector's ref is not that inspector.
        """
        return any(a.kind == kind and a.ref == ref for a in (*self.inspectors, *self.attendees))
