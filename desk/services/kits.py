"""KIT notes and actions: what was said at each keeping-in-touch meeting, what the council
agreed to do, and the agenda of the next KIT (actions still open carry onto it until closed).

Writes are the project team's (require(actor, ..., PROJECT_TEAM)); reading is for the project
team and senior leaders (`may_see_kits`). Concerns reach an agenda only for a viewer who
`sees_concerns`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from desk.models import ActionStatus, Concern, InformationRequest, KitAction, KitNote
from inspections import audit
from inspections.access import can, membership_for, require, sees_concerns
from inspections.calendar import CalendarError, local_date
from inspections.models import Inspection, Person, PersonKind, Role
from inspections.services.errors import DomainError, InvalidFields
from scheduling.models import Meeting, MeetingGroup


def may_see_kits(user: Any, inspection: Inspection) -> bool:
    """KIT notes and agendas: the project team and above, and any member who is a senior
    leader (whatever their role: many are viewers)."""
    if can(user, inspection, Role.PROJECT_TEAM):
        return True
    membership = membership_for(user, inspection)
    return bool(
        membership and membership.person and membership.person.kind == PersonKind.SENIOR_LEADER
    )


def kit_meetings(inspection: Inspection) -> Any:
    """Every KIT meeting of the inspection (lead inspector's and internal), in time order."""
    return (
        Meeting.objects.for_inspection(inspection)
        .filter(meeting_type__group=MeetingGroup.KIT)
        .order_by("start", "title", "pk")
    )


def require_kit(meeting: Meeting) -> None:
    if meeting.meeting_type.group != MeetingGroup.KIT:
        raise DomainError(
            f"“{meeting.title}” is not a keeping-in-touch meeting: only KITs have KIT notes "
            "and actions."
        )


def day_of(inspection: Inspection, meeting: Meeting) -> int | None:
    """The working day number of the meeting's London date, or None when unplaced."""
    if meeting.start is None:
        return None
    try:
        return inspection.calendar.day_for_date(local_date(meeting.start))
    except CalendarError:
        return None


@dataclass
class KitRow:
    meeting: Meeting
    day: int | None
    has_note: bool
    actions: int
    open_actions: int


@dataclass
class KitDay:
    day: int | None
    date: dt.date | None
    rows: list[KitRow] = field(default_factory=list)


def kit_days(inspection: Inspection) -> list[KitDay]:
    """The KIT list: every KIT meeting by day, with whether it has notes and its actions."""
    qs = (
        kit_meetings(inspection)
        .select_related("meeting_type")
        .prefetch_related("assigned_inspectors")
        .annotate(
            n_actions=Count("kit_actions", distinct=True),
            n_open=Count(
                "kit_actions",
                filter=Q(kit_actions__status=ActionStatus.OPEN),
                distinct=True,
            ),
        )
    )
    noted = set(KitNote.objects.filter(inspection=inspection).values_list("meeting_id", flat=True))
    days: dict[tuple[int, int], KitDay] = {}
    for m in qs:
        day = day_of(inspection, m)
        # unplaced KITs last
        key = (0, day) if day is not None else (1, 0)
        if key not in days:
            days[key] = KitDay(day, local_date(m.start) if m.start else None)
        days[key].rows.append(
            KitRow(m, day, m.pk in noted, getattr(m, "n_actions", 0), getattr(m, "n_open", 0))
        )
    return [days[k] for k in sorted(days)]


@transaction.atomic
def save_notes(
    meeting: Meeting,
    *,
    themes: str = "",
    strengths: str = "",
    worries: str = "",
    requests_made: str = "",
    actor: Any = None,
) -> KitNote:
    """The KIT's notes (one set per KIT), created or replaced."""
    require(actor, meeting.inspection, Role.PROJECT_TEAM)
    require_kit(meeting)
    with audit.batch():  # created and filled in: one change in the history
        note, _ = KitNote.objects.select_for_update().get_or_create(
            meeting=meeting, defaults={"inspection": meeting.inspection}
        )
        note.themes, note.strengths = themes.strip(), strengths.strip()
        note.worries, note.requests_made = worries.strip(), requests_made.strip()
        note.save()
    return note


@transaction.atomic
def add_action(
    meeting: Meeting,
    *,
    text: str,
    owner: Person | None = None,
    due_at: dt.datetime | None = None,
    actor: Any = None,
) -> KitAction:
    """An action agreed at the KIT: raised at the KIT's start, open until closed."""
    inspection = meeting.inspection
    require(actor, inspection, Role.PROJECT_TEAM)
    require_kit(meeting)
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = "Enter the action"
    if owner is not None and owner.inspection_id != inspection.pk:
        errors["owner"] = "Owner: choose someone in this inspection"
    if errors:
        raise InvalidFields(errors)
    if meeting.start is None:
        raise DomainError(
            f"“{meeting.title}” has no time yet: plan it first, so its actions carry onto the "
            "KITs after it."
        )
    return KitAction.objects.create(
        inspection=inspection,
        meeting=meeting,
        text=text.strip(),
        owner=owner,
        raised_at=meeting.start,
        due_at=due_at,
    )


@transaction.atomic
def close_action(
    action: KitAction, *, actor: Any = None, at: dt.datetime | None = None
) -> KitAction:
    """Close an open action: it leaves the agendas of the KITs after it."""
    require(actor, action.inspection, Role.PROJECT_TEAM)
    action = KitAction.objects.select_for_update().get(pk=action.pk)
    if not action.is_open:
        raise DomainError(f"“{action}” is already closed.")
    action.status = ActionStatus.CLOSED
    action.closed_at = at or timezone.now()
    action.closed_by = actor if actor is not None and actor.is_authenticated else None
    action.save()
    return action


@transaction.atomic
def reopen_action(action: KitAction, *, actor: Any = None) -> KitAction:
    """Open a closed action again: it carries onto the next KIT's agenda once more."""
    require(actor, action.inspection, Role.PROJECT_TEAM)
    action = KitAction.objects.select_for_update().get(pk=action.pk)
    if action.is_open:
        raise DomainError(f"“{action}” is already open.")
    action.status = ActionStatus.OPEN
    action.closed_at = None
    action.closed_by = None
    action.save()
    return action


@dataclass
class Agenda:
    meeting: Meeting
    day: int | None
    note: KitNote | None
    carried: list[KitAction]
    own: list[KitAction]
    requests: list[InformationRequest]
    # None when the viewer may not see concerns (not an empty list: the page says nothing)
    concerns: list[Concern] | None


def agenda(inspection: Inspection, kit_meeting: Meeting, viewer: Any) -> Agenda:
    """What the KIT takes up: actions carried from earlier KITs (open, raised before it), its
    own actions, the inspectors' open requests and, for those who may see them, open concerns."""
    require_kit(kit_meeting)
    if kit_meeting.inspection_id != inspection.pk:
        raise DomainError("That KIT belongs to another inspection.")
    actions = KitAction.objects.filter(inspection=inspection).select_related(
        "owner", "meeting", "closed_by"
    )
    # An unplaced KIT has no "before": every open action is still to take up.
    carried = (
        actions.carried_to(kit_meeting.start) if kit_meeting.start else actions.open()
    ).exclude(meeting=kit_meeting)
    requests = (
        InformationRequest.objects.filter(inspection=inspection)
        .open()
        .select_related("owner", "inspector")
        .order_by("due_at", "number")
    )
    concerns = None
    if sees_concerns(viewer, inspection):
        concerns = list(
            Concern.objects.filter(inspection=inspection)
            .open()
            .select_related("raised_by")
            .order_by("response_due_at", "number")
        )
    return Agenda(
        meeting=kit_meeting,
        day=day_of(inspection, kit_meeting),
        note=KitNote.objects.filter(meeting=kit_meeting).first(),
        carried=list(carried.order_by(F("due_at").asc(nulls_last=True), "raised_at", "pk")),
        own=list(actions.filter(meeting=kit_meeting).order_by("pk")),
        requests=list(requests),
        concerns=concerns,
    )
