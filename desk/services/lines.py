"""Lines of enquiry: the register from the set-up meeting (and lines added on site), each with
the library documents, children, meetings, requests and feedback notes that answer it.

`lines_without_evidence` is the one rule for "no evidence yet": the register's flag and the
dashboard's panel both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from desk.models import ContactFeedback, InformationRequest, LineOfEnquiry, LineStatus
from evidence.models import LibraryDocument
from inspections.access import require
from inspections.childids import child_id_problem
from inspections.models import Inspection, Person, Role
from inspections.services.errors import DomainError, InvalidFields
from scheduling.models import Meeting

REF_PREFIX = "LOE-"


@dataclass(frozen=True)
class Evidence:
    documents: list[LibraryDocument]
    children: list[str]
    meetings: list[Meeting]
    requests: list[InformationRequest]
    feedback_notes: list[ContactFeedback]

    @property
    def is_empty(self) -> bool:
        return not (
            self.documents or self.children or self.meetings or self.requests or self.feedback_notes
        )


def lines_for(inspection: Inspection) -> QuerySet[LineOfEnquiry]:
    return LineOfEnquiry.objects.filter(inspection=inspection).select_related("owner")


def lines_without_evidence(inspection: Inspection) -> QuerySet[LineOfEnquiry]:
    """Lines nothing answers yet: no document, child, meeting, request or feedback note."""
    line = OuterRef("pk")
    through_documents = LineOfEnquiry.documents.through
    through_meetings = LineOfEnquiry.meetings.through
    through_feedback = ContactFeedback.lines.through
    return (
        lines_for(inspection)
        .filter(Q(child_ids=[]) | Q(child_ids__isnull=True))
        .exclude(Exists(through_documents.objects.filter(lineofenquiry_id=line)))
        .exclude(Exists(through_meetings.objects.filter(lineofenquiry_id=line)))
        .exclude(Exists(InformationRequest.objects.filter(line_id=line)))
        .exclude(Exists(through_feedback.objects.filter(lineofenquiry_id=line)))
    )


def evidence(line: LineOfEnquiry) -> Evidence:
    return Evidence(
        documents=list(line.documents.order_by("title")),
        children=sorted(line.child_ids or []),
        meetings=list(line.meetings.order_by("start", "title")),
        requests=list(line.information_requests.order_by("number")),  # type: ignore[attr-defined]
        feedback_notes=list(
            line.feedback_notes.select_related("meeting").order_by("created_at", "pk")  # type: ignore[attr-defined]
        ),
    )


def register(inspection: Inspection) -> list[tuple[LineOfEnquiry, Evidence, bool]]:
    """Every line with its evidence and whether it is flagged "No evidence yet"."""
    empty = set(lines_without_evidence(inspection).values_list("pk", flat=True))
    lines = lines_for(inspection).prefetch_related(
        "documents", "meetings", "information_requests", "feedback_notes__meeting"
    )
    out = []
    for line in lines:
        found = Evidence(
            documents=sorted(line.documents.all(), key=lambda d: d.title),
            children=sorted(line.child_ids or []),
            meetings=sorted(line.meetings.all(), key=lambda m: (m.start is None, m.start, m.title)),
            requests=sorted(line.information_requests.all(), key=lambda r: r.number),  # type: ignore[attr-defined]
            feedback_notes=list(line.feedback_notes.all()),  # type: ignore[attr-defined]
        )
        out.append((line, found, line.pk in empty))
    return out


def _next_ref(inspection: Inspection) -> str:
    numbers = [
        int(m.group(1))
        for ref in LineOfEnquiry.objects.filter(inspection=inspection).values_list("ref", flat=True)
        if (m := re.fullmatch(rf"{REF_PREFIX}(\d+)", ref))
    ]
    return f"{REF_PREFIX}{max(numbers, default=0) + 1}"


def _check(inspection: Inspection, title: str, owner: Person | None, status: str) -> str:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter the line of enquiry"
    if owner is not None and owner.inspection_id != inspection.pk:
        errors["owner"] = "Choose a person of this inspection"
    if status not in LineStatus.values:
        errors["status"] = "Choose a status"
    if errors:
        raise InvalidFields(errors)
    return title


@transaction.atomic
def add_line(
    inspection: Inspection,
    *,
    title: str,
    description: str = "",
    owner: Person | None = None,
    status: str = LineStatus.OPEN,
    from_setup_meeting: bool = False,
    ref: str = "",
    actor: Any = None,
) -> LineOfEnquiry:
    require(actor, inspection, Role.PROJECT_TEAM)
    title = _check(inspection, title, owner, status)
    # one at a time per inspection, so two lines added at once get different refs
    Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
    ref = ref.strip() or _next_ref(inspection)
    if LineOfEnquiry.objects.filter(inspection=inspection, ref=ref).exists():
        raise InvalidFields({"ref": f"There is already a line {ref}"})
    return LineOfEnquiry.objects.create(
        inspection=inspection,
        ref=ref,
        title=title,
        description=description.strip(),
        owner=owner,
        status=status,
        from_setup_meeting=from_setup_meeting,
    )


def edit_line(
    line: LineOfEnquiry,
    *,
    title: str,
    description: str = "",
    owner: Person | None = None,
    status: str = LineStatus.OPEN,
    actor: Any = None,
) -> LineOfEnquiry:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    line.title = _check(line.inspection, title, owner, status)
    line.description, line.owner, line.status = description.strip(), owner, status
    line.save()
    return line


def _same_inspection(line: LineOfEnquiry, obj: Any, what: str) -> None:
    if obj.inspection_id != line.inspection_id:
        raise DomainError(f"That {what} is not part of this inspection.")


def link_document(line: LineOfEnquiry, document: LibraryDocument, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    _same_inspection(line, document, "document")
    line.documents.add(document)


def unlink_document(line: LineOfEnquiry, document: LibraryDocument, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    line.documents.remove(document)


def link_meeting(line: LineOfEnquiry, meeting: Meeting, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    _same_inspection(line, meeting, "meeting")
    line.meetings.add(meeting)


def unlink_meeting(line: LineOfEnquiry, meeting: Meeting, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    line.meetings.remove(meeting)


def link_child(line: LineOfEnquiry, child_id: str, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    child_id = (child_id or "").strip()
    problem = child_id_problem(child_id)
    if problem:
        raise InvalidFields({"child_id": problem})
    if child_id not in line.child_ids:
        line.child_ids = sorted([*line.child_ids, child_id])
        line.save(update_fields=["child_ids", "updated_at"])


def unlink_child(line: LineOfEnquiry, child_id: str, *, actor: Any = None) -> None:
    require(actor, line.inspection, Role.PROJECT_TEAM)
    if child_id in line.child_ids:
        line.child_ids = [c for c in line.child_ids if c != child_id]
        line.save(update_fields=["child_ids", "updated_at"])
