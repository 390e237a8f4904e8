"""Manual edits: move or rebook a meeting by hand, checked against every hard rule.

Saving a clash is refused; two people editing one meeting cannot overwrite each other
(the form carries the version it was opened at; the UPDATE only succeeds on that version).
Every write holds the inspection's schedule lock (scheduling.locks), so two people moving two
meetings into one slot at once are checked one after the other, and ends with the database's
own double-booking check (scheduling.conflicts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import F, Q

from inspections.access import require
from inspections.audit import batch, record_change
from inspections.calendar import to_utc
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import DomainError
from scheduling import solver
from scheduling.conflicts import PlanConflict, refuse_double_booking
from scheduling.locks import lock_schedule
from scheduling.models import (
    Meeting,
    MeetingStatus,
    Mode,
    Room,
    Unavailability,
    UnavailabilityReason,
)
from scheduling.problem_builder import build, current_placements, room_id
from scheduling.solver.problem import Placement, Violation

__all__ = [
    "PlanConflict",
    "Proposal",
    "StaleMeeting",
    "check_proposal",
    "inspector_by_ref",
    "mark_inspector_absent",
    "move_meeting",
    "set_status",
]

# Draft means "not placed": only the planner and edits get a meeting out of it.
BY_HAND_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED)

STALE_MESSAGE = (
    "This meeting was changed by someone else since you opened it (now version {now}, you "
    "opened version {opened}). Reload the page to see their change, then make yours again."
)


class StaleMeeting(DomainError):
    pass


@dataclass(frozen=True)
class Proposal:
    """A by-hand placement: when (aware), which room (in person), which inspectors."""

    start: dt.datetime
    room: Room | None
    inspectors: tuple[Inspector, ...]


def _placement(meeting: Meeting, proposal: Proposal, minute: int) -> Placement:
    venue = (
        proposal.room.venue.ref if proposal.room else (meeting.venue.ref if meeting.venue else None)
    )
    return Placement(
        start=minute,
        inspectors=tuple(sorted(i.ref for i in proposal.inspectors)),
        room=room_id(proposal.room.pk)
        if proposal.room and meeting.mode == Mode.IN_PERSON
        else None,
        venue=venue if meeting.mode != Mode.TEAMS else None,
    )


def check_proposal(
    meeting: Meeting, proposal: Proposal, *, attendees: Iterable[Person] | None = None
) -> list[Violation]:
    """Every hard-rule violation the proposed placement would bring (about this meeting).

    `meeting` may carry unsaved values (the admin's form): its mode and duration are checked
    as given, and so are `attendees` when given; given a status other than cancelled, a meeting
    cancelled in the database is checked as if restored.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError("A cancelled meeting cannot be placed; restore it first.")
    mid = str(meeting.pk)
    draft = (
        Meeting.objects.for_inspection(meeting.inspection)
        .filter(~Q(status=MeetingStatus.CANCELLED) | Q(pk=meeting.pk))
        .with_people()
        .order_by("pk")
    )
    built = build(meeting.inspection, draft=True, meetings=draft)
    placements = current_placements(built)
    placements[mid] = _placement(meeting, proposal, built.minute(proposal.start))
    changes: dict[str, Any] = {"mode": meeting.mode, "duration": meeting.duration}
    if attendees is not None:
        changes["attendees"] = tuple(sorted(p.ref for p in attendees))
    if meeting.status == MeetingStatus.CONFIRMED:
        # People may move a confirmed meeting by hand; only the planner may not.
        changes["locked"] = None
    problem = replace(
        built.problem,
        meetings=tuple(replace(m, **changes) if m.id == mid else m for m in built.problem.meetings),
    )
    return [v for v in solver.check(problem, placements) if mid in v.meetings]


@transaction.atomic
def move_meeting(
    meeting: Meeting,
    proposal: Proposal,
    *,
    opened_version: int,
    confirm: bool = False,
    actor: Any = None,
) -> Meeting:
    """Save a by-hand placement if it breaks no hard rule and nobody changed it meanwhile."""
    require(actor, meeting.inspection, Role.PROJECT_TEAM)
    lock_schedule(meeting.inspection_id)  # the check below then sees every committed move
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.version != opened_version:
        raise StaleMeeting(STALE_MESSAGE.format(now=current.version, opened=opened_version))
    violations = check_proposal(current, proposal)
    if violations:
        raise PlanConflict("That change breaks these rules, so it was not saved:", violations)
    end = proposal.start + dt.timedelta(minutes=current.duration)
    venue = proposal.room.venue if proposal.room else current.venue
    status = (
        MeetingStatus.CONFIRMED
        if confirm or current.status == MeetingStatus.CONFIRMED
        else MeetingStatus.PLANNED
    )
    with batch():  # the new slot and inspectors make one history row
        updated = Meeting.objects.filter(pk=current.pk, version=opened_version).update(
            start=proposal.start,
            end=end,
            room=proposal.room if current.mode == Mode.IN_PERSON else None,
            placed_venue=venue if current.mode != Mode.TEAMS else None,
            status=status,
            version=F("version") + 1,
        )
        if updated != 1:  # belt and braces: the row lock makes this unreachable on PostgreSQL
            raise StaleMeeting(STALE_MESSAGE.format(now="newer", opened=opened_version))
        current.refresh_from_db()
        current.assigned_inspectors.set(proposal.inspectors)
        record_change(current)  # the conditional UPDATE sends no signal
    refuse_double_booking()
    return current


@transaction.atomic
def set_status(
    meeting: Meeting, status: MeetingStatus, *, opened_version: int, actor: Any = None
) -> Meeting:
    """Confirm, un-confirm (planned) or cancel a meeting, with the same version check.

    Restoring a cancelled meeting brings back its last slot: refused if that slot is taken now.
    """
    require(actor, meeting.inspection, Role.PROJECT_TEAM)
    if status not in BY_HAND_STATUSES:
        raise DomainError("A meeting can only be set to planned, confirmed or cancelled by hand.")
    lock_schedule(meeting.inspection_id)
    current = Meeting.objects.select_related("room", "venue").get(pk=meeting.pk)
    if status == MeetingStatus.CONFIRMED and current.start is None:
        raise DomainError("Place the meeting before confirming it.")
    restoring = current.status == MeetingStatus.CANCELLED and status != MeetingStatus.CANCELLED
    updated = Meeting.objects.filter(pk=meeting.pk, version=opened_version).update(
        status=status
        if current.start or status == MeetingStatus.CANCELLED
        else MeetingStatus.DRAFT,
        version=F("version") + 1,
    )
    if updated != 1:
        raise StaleMeeting(STALE_MESSAGE.format(now=current.version, opened=opened_version))
    if restoring and current.start is not None:
        current.status = status
        slot = Proposal(current.start, current.room, tuple(current.assigned_inspectors.all()))
        violations = check_proposal(current, slot)
        if violations:  # raising rolls the UPDATE back
            raise PlanConflict(
                "Restoring it would put it back in its old slot, which breaks these rules, so it "
                "was not restored (move it or re-plan instead):",
                violations,
            )
    meeting.refresh_from_db()
    record_change(meeting)  # the conditional UPDATE sends no signal
    refuse_double_booking()
    return meeting


def inspector_by_ref(inspection: Inspection, ref: str) -> Inspector:
    """The inspection's inspector with this ref (for commands, which name people by ref)."""
    inspector = Inspector.objects.filter(inspection=inspection, ref=ref).first()
    if inspector is None:
        refs = ", ".join(inspection.inspectors.values_list("ref", flat=True))
        raise DomainError(f"No inspector {ref!r} in {inspection.slug}: use one of {refs}.")
    return inspector


@transaction.atomic
def mark_inspector_absent(
    inspection: Inspection,
    inspector: Inspector,
    day: int,
    reason: UnavailabilityReason = UnavailabilityReason.SICK,
    *,
    actor: Any = None,
) -> Unavailability:
    """An inspector off for a whole working day (illness, say); re-plan afterwards."""
    require(actor, inspection, Role.PROJECT_TEAM)
    if inspector.inspection_id != inspection.pk:
        raise DomainError(f"{inspector} is not on the team of {inspection.title}.")
    last = inspection.calendar.last_day
    if not 1 <= day <= last:
        raise DomainError(f"Day {day} is not a day of this inspection: give 1 to {last}.")
    date = inspection.calendar.date_for_day(day)
    lock_schedule(inspection.pk)  # not in the middle of a solve being written, or a publish
    return Unavailability.objects.create(
        inspection=inspection,
        inspector=inspector,
        reason=reason,
        start=to_utc(date, dt.time(0)),
        end=to_utc(date + dt.timedelta(days=1), dt.time(0)),
        note=f"Absent day {day}",
    )
