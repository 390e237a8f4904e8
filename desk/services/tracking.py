"""Case tracking as it arrives (issue 12, point 2).

An inspector names a child ID for tracking or a case discussion; the coordinator records the
allocated worker and team manager, proposed at once from the Annexe A mapping (child ID ->
worker and team, from the last check). "Find a slot" asks the solver for a slot within the
request's working days, with the fewest moves to unconfirmed meetings and none to confirmed
ones, and shows every move; accepting books exactly that, with the manager's record-QA task
before the meeting and the senior leader's debrief after it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Q

from annex_a.models import ChildAllocation
from desk.models import CaseTrackingRequest, TrackingKind, TrackingStatus
from evidence.services.invitees import case_invitees
from inspections.access import require
from inspections.audit import batch
from inspections.calendar import LONDON, add_working_days, local_date, to_utc
from inspections.childids import child_id_problem
from inspections.models import Inspection, Inspector, Person, PersonKind, Role, Task
from inspections.services.errors import DomainError, InvalidFields
from scheduling import slots
from scheduling.models import Meeting, MeetingType
from scheduling.slots import NewCase, SlotProposal, StaleProposal

__all__ = [
    "Proposed",
    "StaleProposal",
    "accept",
    "find_slot",
    "name_child",
    "propose_people",
    "window_days",
]

FROM_ANNEX_A, ENTERED = "annex_a", "entered"
SALT = "desk.tracking.proposal"
TOKEN_MAX_AGE = 60 * 60 * 4  # a proposal older than that is found again
QA_LEAD = dt.timedelta(hours=1)  # the record QA is due an hour before the meeting


@dataclass(frozen=True)
class Proposed:
    """Who the mapping proposes for a child ID: the worker, their team manager, the auditor
    when the child is on the audit list (evidence.services.invitees), and why."""

    worker: Person | None
    manager: Person | None
    auditor: Person | None = None
    team: str = ""
    listed_worker: str = ""  # the name as the Annexe A list gives it
    source: str = ""  # FROM_ANNEX_A when the worker was matched, else ""


def propose_people(inspection: Inspection, child_id: str) -> Proposed:
    allocation = ChildAllocation.objects.filter(inspection=inspection, child_id=child_id).first()
    if allocation is None:
        return Proposed(None, None)
    name = allocation.worker.strip()
    worker = None
    if name:
        people = Person.objects.filter(inspection=inspection).exclude(kind=PersonKind.PARTNER)
        worker = (
            people.filter(Q(full_name__iexact=name) | Q(ref__iexact=name)).order_by("ref").first()
        )
    team = worker.team if worker is not None and worker.team else allocation.team
    invitees = case_invitees(inspection, child_id, worker, team)
    return Proposed(
        worker=worker,
        manager=invitees.manager,
        auditor=invitees.auditor,
        team=team,
        listed_worker=name,
        source=FROM_ANNEX_A if worker is not None else "",
    )


def _check_people(
    inspection: Inspection, inspector: Inspector | None, people: dict[str, Person | None]
) -> None:
    errors = {}
    if inspector is not None and inspector.inspection_id != inspection.pk:
        errors["inspector"] = "Inspector: choose an inspector of this inspection."
    for field, person in people.items():
        if person is not None and person.inspection_id != inspection.pk:
            errors[field] = f"{field.title()}: choose a person of this inspection."
    if errors:
        raise InvalidFields(errors)


@transaction.atomic
def name_child(
    actor: Any,
    inspection: Inspection,
    child_id: str,
    kind: str,
    inspector: Inspector | None,
    named_at: dt.datetime,
    within_days: int = 2,
    *,
    worker: Person | None = None,
    manager: Person | None = None,
) -> CaseTrackingRequest:
    """Record a child named for tracking. Worker and manager left blank are proposed from the
    Annexe A mapping; given ones (the coordinator's override) are kept as entered."""
    require(actor, inspection, Role.PROJECT_TEAM)
    child_id = child_id.strip()
    problem = child_id_problem(child_id)
    if problem:
        raise InvalidFields({"child_id": f"Child ID: {problem}"})
    if kind not in TrackingKind.values:
        raise InvalidFields({"kind": "Kind: choose case tracking or a case discussion."})
    if not 1 <= within_days <= 10:
        raise InvalidFields({"within_days": "Within: give 1 to 10 working days."})
    _check_people(inspection, inspector, {"worker": worker, "manager": manager})
    proposed = propose_people(inspection, child_id)
    source = ENTERED
    if worker is None and proposed.worker is not None:
        worker, source = proposed.worker, FROM_ANNEX_A
    elif worker is not None and proposed.worker is not None and worker.pk == proposed.worker.pk:
        source = FROM_ANNEX_A
    elif worker is None:
        source = ""
    if manager is None and worker is not None:
        manager = (
            proposed.manager
            if proposed.worker is not None and worker.pk == proposed.worker.pk
            else case_invitees(inspection, child_id, worker).manager
        )
    with batch():
        return CaseTrackingRequest.objects.create(
            inspection=inspection,
            child_id=child_id,
            kind=kind,
            inspector=inspector,
            named_at=named_at,
            worker=worker,
            manager=manager,
            worker_source=source,
            within_days=within_days,
        )


def window_days(tracking: CaseTrackingRequest) -> tuple[int, ...]:
    """The next `within_days` working days after the day it was named (within the inspection)."""
    cal = tracking.inspection.calendar
    named = local_date(tracking.named_at)
    days = []
    for n in range(1, tracking.within_days + 1):
        day = cal.day_for_date(add_working_days(named, n))
        if 1 <= day <= cal.last_day:
            days.append(day)
    return tuple(days)


def senior_leader_for(inspection: Inspection, worker: Person) -> Person | None:
    """Who debriefs the worker: the senior leader who debriefs the worker's team (from the
    debriefs already on the timetable), else the one who debriefs most, else any."""
    debriefs = (
        Meeting.objects.for_inspection(inspection)
        .active()
        .filter(meeting_type__key=slots.DEBRIEF_TYPE)
    )
    by_team: Counter[int] = Counter()
    overall: Counter[int] = Counter()
    for meeting in debriefs.prefetch_related("attendees"):
        people = list(meeting.attendees.all())
        leaders = [p.pk for p in people if p.kind == PersonKind.SENIOR_LEADER]
        overall.update(leaders)
        # a leader who debriefs this worker, or another worker of the same team
        if any(p.pk == worker.pk or (worker.team and p.team == worker.team) for p in people):
            by_team.update(leaders)
    for counts in (by_team, overall):
        if counts:
            best = max(sorted(counts), key=lambda pk: counts[pk])
            return Person.objects.get(pk=best)
    return (
        Person.objects.filter(inspection=inspection, kind=PersonKind.SENIOR_LEADER)
        .order_by("ref")
        .first()
    )


def _new_case(tracking: CaseTrackingRequest, mode: str, leader: Person | None) -> NewCase:
    if tracking.worker is None:
        raise InvalidFields(
            {"worker": "Allocated worker: record the child's worker before finding a slot."}
        )
    label = "Case tracking" if tracking.kind == TrackingKind.TRACKING else "Case discussion"
    return NewCase(
        title=f"{label}: child {tracking.child_id}",
        child_id=tracking.child_id,
        worker=tracking.worker,
        days=window_days(tracking),
        inspector=tracking.inspector,
        manager=tracking.manager,
        # the one invitee rule: the auditor too when the child is on the audit list
        auditor=case_invitees(
            inspection=tracking.inspection, child_id=tracking.child_id, worker=tracking.worker
        ).auditor,
        leader=leader,
        mode=mode,
    )


@dataclass
class Offer:
    """A proposal to show, and the signed token the Accept button sends back."""

    proposal: SlotProposal
    token: str
    days: tuple[int, ...]
    leader: Person | None


def find_slot(
    actor: Any,
    tracking: CaseTrackingRequest,
    *,
    mode: str = "",
    time_limit: float = 10.0,
    deterministic_time: float | None = None,
) -> Offer:
    inspection = tracking.inspection
    require(actor, inspection, Role.PROJECT_TEAM)
    if tracking.status != TrackingStatus.NAMED:
        raise DomainError(f"This request is {tracking.get_status_display().lower()} already.")
    leader = senior_leader_for(inspection, tracking.worker) if tracking.worker else None
    new = _new_case(tracking, mode, leader)
    proposal = slots.find_slot(
        inspection, new, time_limit=time_limit, deterministic_time=deterministic_time
    )
    token = signing.dumps(
        {
            "request": tracking.pk,
            "mode": mode,
            "leader": leader.pk if leader else None,
            "proposal": proposal.as_json(),
        },
        salt=SALT,
    )
    return Offer(proposal=proposal, token=token, days=new.days, leader=leader)


def _qa_task(tracking: CaseTrackingRequest, meeting: Meeting) -> Task:
    inspection = tracking.inspection
    assert meeting.start is not None
    local = (meeting.start - QA_LEAD).astimezone(LONDON)
    day = inspection.calendar.day_for_date(local.date())
    due_time = local.time().replace(second=0, microsecond=0)
    return Task.objects.create(
        inspection=inspection,
        key=f"record-qa-{meeting.pk}",
        template_key="",  # added by hand (for this meeting), not from the workflow template
        title="Team manager: quality-assure the child's record before the case meeting",
        description=(
            f"Before '{meeting.title}' at {meeting.start.astimezone(LONDON):%a %-d %b %H:%M}: "
            "check the record is up to date and the supervision notes are on file."
        ),
        phase=inspection.calendar.phase_for_day(day),
        due_day=day,
        due_time=due_time,
        due_at=to_utc(local.date(), due_time),
        owner_role="",
        owner=tracking.manager,
    )


@transaction.atomic
def accept(actor: Any, tracking: CaseTrackingRequest, token: str) -> Meeting:
    """Book the proposal the token carries, exactly as shown, or refuse it whole."""
    inspection = tracking.inspection
    require(actor, inspection, Role.PROJECT_TEAM)
    try:
        data = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise StaleProposal("This proposal is too old: find a slot again.") from None
    except signing.BadSignature:
        raise DomainError("This proposal could not be read: find a slot again.") from None
    if data.get("request") != tracking.pk:
        raise DomainError("This proposal is for another request: find a slot again.")
    current = CaseTrackingRequest.objects.select_for_update().get(pk=tracking.pk)
    if current.status != TrackingStatus.NAMED:
        raise DomainError(f"This request is {current.get_status_display().lower()} already.")
    leader = Person.objects.filter(inspection=inspection, pk=data.get("leader")).first()
    new = _new_case(current, str(data.get("mode") or ""), leader)
    with batch():
        booked = slots.book_slot(
            inspection, new, data["proposal"], actor=actor, purpose=_purpose(current)
        )
        _qa_task(current, booked.case)
        current.meeting = booked.case
        current.status = TrackingStatus.BOOKED
        current.save(update_fields=["meeting", "status", "updated_at"])
    tracking.refresh_from_db()
    return booked.case


def _purpose(tracking: CaseTrackingRequest) -> str:
    kind = MeetingType.objects.get(key=slots.CASE_TYPE).description
    return f"Named by the inspectors for {tracking.get_kind_display().lower()}. {kind}"
