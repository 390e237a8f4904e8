"""The list of audits completed in the 6 months before day one (report 7.53, 7.81)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from evidence.models import Audit, AuditQuerySet, Judgement
from evidence.services.tabular import Table, parse_date, parse_yes_no
from inspections.access import require
from inspections.audit import bulk_history
from inspections.childids import CHILD_ID_RULE, is_child_id
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.spreadsheets import too_long

COLUMNS = ["child id", "audit date", "type", "judgement", "moderated", "loop closed"]
ALIASES = {
    "child unique id": "child id",
    "child": "child id",
    "childid": "child id",
    "id": "child id",
    "date": "audit date",
    "date of audit": "audit date",
    "audit completed": "audit date",
    "audit type": "type",
    "grade": "judgement",
    "judgment": "judgement",
    "overall judgement": "judgement",
    "rating": "judgement",
    "moderation": "moderated",
    "moderated?": "moderated",
    "closing the loop": "loop closed",
    "closing the loop actions done": "loop closed",
    "closing-the-loop actions done": "loop closed",
    "closing the loop done": "loop closed",
    "actions done": "loop closed",
}
JUDGEMENTS = {
    "outstanding": Judgement.OUTSTANDING,
    "1": Judgement.OUTSTANDING,
    "good": Judgement.GOOD,
    "2": Judgement.GOOD,
    "requires improvement": Judgement.REQUIRES_IMPROVEMENT,
    "requires improvement to be good": Judgement.REQUIRES_IMPROVEMENT,
    "ri": Judgement.REQUIRES_IMPROVEMENT,
    "3": Judgement.REQUIRES_IMPROVEMENT,
    "inadequate": Judgement.INADEQUATE,
    "4": Judgement.INADEQUATE,
}
AUDIT_MONTHS = 6


def audit_ref(child_id: str, audit_date: dt.date, audit_type: str) -> str:
    """Stable: re-importing the same list updates rows instead of adding them."""
    return f"{child_id.upper()}-{audit_date.isoformat()}-{slugify(audit_type)}"[:120]


def period_start(inspection: Inspection) -> dt.date:
    day_one = inspection.day_one
    month = day_one.month - AUDIT_MONTHS
    year = day_one.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(day_one.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def parse_judgement(text: str) -> str:
    value = " ".join(text.strip().lower().replace("_", " ").split())
    if value in JUDGEMENTS:
        return JUDGEMENTS[value]
    raise ValueError(
        f"{text!r} is not a judgement (outstanding, good, requires improvement, inadequate)"
    )


def filter_audits(
    inspection: Inspection, judgement: str = "", chosen: bool | None = None, child: str = ""
) -> AuditQuerySet:
    audits = Audit.objects.for_inspection(inspection).select_related("deep_dive")
    if judgement in Judgement.values:
        audits = audits.filter(judgement=judgement)
    if chosen is True:
        audits = audits.chosen()
    elif chosen is False:
        audits = audits.filter(deep_dive__isnull=True)
    if child:
        audits = audits.filter(child_id__icontains=child.strip())
    return audits


@dataclass
class ImportResult:
    created: int
    updated: int

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} updated"


def import_audits(
    inspection: Inspection, filename: str, data: bytes, *, actor: Any = None
) -> ImportResult:
    """Check every row first; one problem anywhere and nothing is written."""
    require(actor, inspection, Role.PROJECT_TEAM)
    table = Table(filename, data, ALIASES, required=COLUMNS[:4], personal_check=True)
    start, end = period_start(inspection), inspection.day_one
    problems: list[str] = []
    parsed: dict[str, dict[str, object]] = {}
    seen: dict[str, int] = {}
    for number, row in table:
        child_id = row.get("child id", "")
        if not child_id:
            problems.append(f"{table.where(number, 'child id')}: blank")
        elif not is_child_id(child_id):
            # never echo it back: it may be a name typed in the wrong column
            problems.append(f"{table.where(number, 'child id')}: not a child ID: {CHILD_ID_RULE}")
        audit_date = None
        try:
            audit_date = parse_date(row.get("audit date", ""))
            if not start <= audit_date <= end:
                problems.append(
                    f"{table.where(number, 'audit date')}: {audit_date:%d/%m/%Y} is outside the "
                    f"6 months before day one ({start:%d/%m/%Y} to {end:%d/%m/%Y})"
                )
        except ValueError as exc:
            problems.append(f"{table.where(number, 'audit date')}: {exc}")
        audit_type = row.get("type", "")
        if not audit_type:
            problems.append(f"{table.where(number, 'type')}: blank")
        elif problem := too_long(Audit, "audit_type", audit_type):
            problems.append(f"{table.where(number, 'type')}: {problem}")
        values: dict[str, object] = {}
        try:
            values["judgement"] = parse_judgement(row.get("judgement", ""))
        except ValueError as exc:
            problems.append(f"{table.where(number, 'judgement')}: {exc}")
        for field in ("moderated", "loop closed"):
            try:
                values[field.replace(" ", "_")] = parse_yes_no(row.get(field, ""))
            except ValueError as exc:
                problems.append(f"{table.where(number, field)}: {exc}")
        if audit_date is None or not child_id or not audit_type:
            continue
        ref = audit_ref(child_id, audit_date, audit_type)
        if ref in seen:
            problems.append(f"row {number}: the same child, date and type as row {seen[ref]}")
        seen[ref] = number
        parsed[ref] = {
            "child_id": child_id.upper(),
            "audit_date": audit_date,
            "audit_type": audit_type,
            **values,
        }
    if problems:
        raise ImportFailed(
            f"{filename}: {len(problems)} problem(s); nothing was imported.", problems
        )
    if not parsed:
        raise DomainError(f"{filename}: no audits found below the header row.")
    return write_audits(inspection, parsed)


# what an import or the scenario may write (an import leaves the auditor as it was)
FIELDS = [
    "child_id",
    "audit_date",
    "audit_type",
    "judgement",
    "moderated",
    "loop_closed",
    "auditor",
]


@transaction.atomic
def write_audits(inspection: Inspection, parsed: dict[str, dict[str, object]]) -> ImportResult:
    """Upsert by ref (the scenario and imports both come here); an audit the file leaves as
    it was is not written."""
    existing = {
        a.ref: a for a in Audit.objects.for_inspection(inspection).select_related("auditor")
    }
    new, changed, matched = [], [], 0
    for ref, values in parsed.items():
        audit = existing.get(ref)
        if audit is None:
            new.append(Audit(inspection=inspection, ref=ref, **values))
            continue
        matched += 1
        if all(getattr(audit, key) == value for key, value in values.items()):
            continue
        for key, value in values.items():
            setattr(audit, key, value)
        changed.append((audit, [field for field in FIELDS if field in values]))
    bulk_create_with_history(new, Audit, batch_size=500)
    # One UPDATE an audit: bulk_update's CASE for every field and row costs more CPU than
    # the queries it saves.
    for audit, fields in changed:
        Audit.objects.filter(pk=audit.pk).update(
            **{field: getattr(audit, field) for field in fields}
        )
    bulk_history(Audit, [audit for audit, _ in changed])  # a row for each audit the file changed
    return ImportResult(len(new), matched)
