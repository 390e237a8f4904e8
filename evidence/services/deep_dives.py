"""Deep dives (report 7.82, 7.84): up to 12 children chosen from the audit list, each with a
case-record pack (the four case-record documents, and the audit form, moderation record and
closing-the-loop evidence of the audit it was chosen through) collated, quality-assured and
uploaded by day 4."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from evidence.models import (
    CASE_PACKS_DUE,
    MAX_DEEP_DIVES,
    Audit,
    CasePackPart,
    DeepDive,
    PlanType,
    pack_parts,
)
from inspections.access import require
from inspections.childids import CHILD_ID_RULE, is_child_id
from inspections.models import Inspection, Person, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting


def case_packs_due_at(inspection: Inspection) -> dt.datetime:
    day, time = CASE_PACKS_DUE
    return inspection.calendar.due_at(day, time)


@transaction.atomic
def choose_audit(
    inspection: Inspection,
    audit: Audit,
    plan_type: str,
    worker: Person | None = None,
    now: dt.datetime | None = None,
    *,
    actor: Any = None,
) -> DeepDive:
    """Mark an audit's child as chosen by inspectors and open its pack."""
    require(actor, inspection, Role.PROJECT_TEAM)
    if audit.inspection_id != inspection.pk:
        raise DomainError("That audit belongs to another inspection.")
    if not is_child_id(audit.child_id):
        # an audit saved before the shared rule: never open a pack under what may be a name
        raise DomainError(
            f"The audit of {audit.audit_date:%d/%m/%Y} does not hold a child ID "
            f"({CHILD_ID_RULE}): correct the audit list and import it again."
        )
    if plan_type not in PlanType.values:
        raise DomainError(
            f"Choose the plan that applies to {audit.child_id}: "
            f"{', '.join(str(p.label).lower() for p in PlanType)}."
        )
    # Lock the inspection so two people choosing at once cannot pass 12 between them.
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    chosen = DeepDive.objects.for_inspection(inspection)
    existing = chosen.filter(child_id=audit.child_id).select_related("audit").first()
    if existing is not None:
        raise DomainError(
            f"{audit.child_id} is already chosen (through the {existing.audit.audit_type.lower()} "
            f"audit of {existing.audit.audit_date:%d/%m/%Y})."
        )
    count = chosen.count()
    if count >= MAX_DEEP_DIVES:
        raise DomainError(
            f"Inspectors choose up to {MAX_DEEP_DIVES} children and {count} are already chosen: "
            f"unchoose one before choosing {audit.child_id}."
        )
    if worker is not None and worker.inspection_id != inspection.pk:
        raise DomainError("That worker belongs to another inspection.")
    deep_dive = DeepDive.objects.create(
        inspection=inspection,
        child_id=audit.child_id,
        audit=audit,
        plan_type=plan_type,
        worker=worker,
        chosen_at=now or timezone.now(),
    )
    bulk_create_with_history(
        [
            CasePackPart(deep_dive=deep_dive, part=part, position=i)
            for i, part in enumerate(pack_parts(deep_dive))
        ],
        CasePackPart,
    )
    return deep_dive


@transaction.atomic
def unchoose(inspection: Inspection, deep_dive: DeepDive, *, actor: Any = None) -> str:
    # it deletes the child's pack: a coordinator's call
    require(actor, inspection, Role.COORDINATOR)
    if deep_dive.inspection_id != inspection.pk:
        raise DomainError("That child belongs to another inspection.")
    child_id = deep_dive.child_id
    deep_dive.delete()  # its pack goes with it
    return child_id


@transaction.atomic
def update_pack_part(
    part: CasePackPart,
    *,
    collated: bool,
    collator: Person | None,
    quality_assured: bool,
    qa_by: Person | None,
    uploaded: bool,
    now: dt.datetime | None = None,
    actor: Any = None,
) -> CasePackPart:
    """Tick collated / quality-assured / uploaded; documents are QA'd before upload (7.84)."""
    require(actor, part.deep_dive.inspection, Role.PROJECT_TEAM)
    now = now or timezone.now()
    name = part.label.lower()
    if uploaded and not quality_assured:
        raise DomainError(f"Quality-assure the {name} before marking it uploaded.")
    if quality_assured and not collated:
        raise DomainError(f"Collate the {name} before signing off its quality assurance.")
    collator = collator or (part.collator if collated else None)
    qa_by = qa_by or (part.qa_by if quality_assured else None)
    if collated and collator is None:
        raise DomainError(f"Say who collated the {name}.")
    if quality_assured and qa_by is None:
        raise DomainError(f"Say who signed off the quality assurance of the {name}.")
    inspection_id = part.deep_dive.inspection_id
    for person in (collator, qa_by):
        if person is not None and person.inspection_id != inspection_id:
            raise DomainError("That person belongs to another inspection.")
    part.collator = collator
    part.collated_at = (part.collated_at or now) if collated else None
    part.qa_by = qa_by if quality_assured else None
    part.qa_at = (part.qa_at or now) if quality_assured else None
    part.uploaded_at = (part.uploaded_at or now) if uploaded else None
    part.save()
    return part


@dataclass(frozen=True)
class ChildMeeting:
    title: str
    start: dt.datetime | None
    url: str


def meetings_for_children(
    inspection: Inspection, child_ids: list[str]
) -> dict[str, list[ChildMeeting]]:
    """The practitioner case discussions about each child, in one query."""
    wanted = {c.upper() for c in child_ids}
    found: dict[str, list[ChildMeeting]] = {c: [] for c in wanted}
    if not wanted:
        return found
    meetings = (
        Meeting.objects.for_inspection(inspection)
        .active()
        .only("title", "start", "status", "child_ids")
    )
    # child_ids is a JSON list: SQLite cannot filter inside it, so match in Python.
    for meeting in meetings:
        ids = {str(c).upper() for c in (meeting.child_ids or [])} & wanted
        if not ids:
            continue
        item = ChildMeeting(
            title=meeting.title,
            start=meeting.start,
            url=reverse("scheduling:meeting", kwargs={"slug": inspection.slug, "pk": meeting.pk}),
        )
        for child_id in ids:
            found[child_id].append(item)
    for items in found.values():
        items.sort(
            key=lambda m: (m.start is None, m.start or dt.datetime.min.replace(tzinfo=dt.UTC))
        )
    return found


def meetings_for_child(inspection: Inspection, child_id: str) -> list[ChildMeeting]:
    return meetings_for_children(inspection, [child_id]).get(child_id.upper(), [])
