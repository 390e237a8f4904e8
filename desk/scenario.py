"""The scenario's desk part: the lines of enquiry agreed at the set-up meeting, from
seeds/scenarios/<slug>/lines-of-enquiry.toml, upserted on ref (a reload changes nothing)."""

from __future__ import annotations

from typing import Any

from desk.models import LineOfEnquiry, LineStatus
from evidence.models import LibraryDocument
from inspections.childids import is_child_id
from inspections.models import Inspection
from inspections.services.errors import DomainError
from scheduling.models import Meeting

LINES_FILE = "lines-of-enquiry.toml"


def _lookup(found: dict[str, Any], wanted: list[str], what: str, ref: str) -> list[Any]:
    missing = [w for w in wanted if w not in found]
    if missing:
        raise DomainError(f"{LINES_FILE}: line {ref} names no such {what}: {', '.join(missing)}.")
    return [found[w] for w in wanted]


def load_scenario_lines(inspection: Inspection, ctx: Any) -> str | None:
    if not (ctx.directory / LINES_FILE).exists():
        return None  # a scenario without a register
    data = ctx.read_toml(LINES_FILE)
    people = {p.ref: p for p in inspection.people.all()}
    documents = {d.ref: d for d in LibraryDocument.objects.for_inspection(inspection)}
    meetings = {m.ref: m for m in Meeting.objects.filter(inspection=inspection)}
    count = 0
    for spec in data.get("line", []):
        ref = spec["ref"]
        owner_ref = spec.get("owner")
        if owner_ref and owner_ref not in people:
            raise DomainError(f"{LINES_FILE}: line {ref} has no council person {owner_ref!r}.")
        children = list(spec.get("children", []))
        bad = [c for c in children if not is_child_id(c)]
        if bad:
            raise DomainError(f"{LINES_FILE}: line {ref}: {len(bad)} child ID(s) are not IDs.")
        status = spec.get("status", LineStatus.OPEN)
        if status not in LineStatus.values:
            raise DomainError(f"{LINES_FILE}: line {ref} has no status {status!r}.")
        values = {
            "title": spec["title"],
            "description": spec.get("description", ""),
            "owner": people.get(owner_ref) if owner_ref else None,
            "status": status,
            "from_setup_meeting": spec.get("from_setup_meeting", True),
            "child_ids": sorted(children),
        }
        line = LineOfEnquiry.objects.filter(inspection=inspection, ref=ref).first()
        if line is None:
            line = LineOfEnquiry.objects.create(inspection=inspection, ref=ref, **values)
        elif any(getattr(line, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(line, key, value)
            line.save()
        line.documents.set(_lookup(documents, spec.get("documents", []), "document", ref))
        line.meetings.set(_lookup(meetings, spec.get("meetings", []), "meeting", ref))
        count += 1
    return f"desk: {count} lines of enquiry"
