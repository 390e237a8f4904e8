"""Import inspectors, project team, practitioners and partners from CSV or Excel.

Every row is checked before anything is written; one bad row means nothing is written and the
report names each bad row and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from inspections.access import require
from inspections.audit import batch
from inspections.models import (
    Inspection,
    Inspector,
    InspectorRole,
    Person,
    PersonKind,
    PersonRole,
    Role,
)
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.spreadsheets import LIST_LIMITS, normalise_header, read_rows, too_long

COLUMNS = [
    "type",
    "name",
    "email",
    "role",
    "job title",
    "team",
    "organisation",
    "phone",
    "onsite days",
    "ref",
]
REQUIRED = ["type", "name"]
TYPES = {
    "inspector": None,
    "project team": PersonKind.PROJECT_TEAM,
    "project_team": PersonKind.PROJECT_TEAM,
    "senior leader": PersonKind.SENIOR_LEADER,
    "senior_leader": PersonKind.SENIOR_LEADER,
    "practitioner": PersonKind.PRACTITIONER,
    "partner": PersonKind.PARTNER,
}
ALIASES = {"full name": "name", "job": "job title", "organization": "organisation", "kind": "type"}
# The file's column for each model field, to name it in a problem.
COLUMN_OF = {"full_name": "name", "job_title": "job title"}
# Each row is its own update_or_create, so the cap on rows is what bounds an import's time;
# an inspection has a few hundred people.
PEOPLE_LIMITS = replace(LIST_LIMITS, max_rows=2_000)


@dataclass
class ImportResult:
    created: int
    updated: int

    def __str__(self) -> str:
        return f"{self.created} added, {self.updated} updated"


def _parse_days(text: str, last_day: int) -> list[int]:
    days: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            raise ValueError(f"{part!r} is not a day number or range like 6-15")
        start, end = int(match[1]), int(match[2] or match[1])
        if start < 1 or end < start:
            raise ValueError(f"{part!r} is not a day number or range like 6-15")
        if end > last_day:
            raise ValueError(f"{part!r} goes past the last day of the inspection ({last_day})")
        days.update(range(start, end + 1))
    return sorted(days)


def _role_value(choices: type, text: str) -> str | None:
    wanted = text.strip().lower()
    for value, label in choices.choices:  # type: ignore[attr-defined]
        if wanted in (value, str(label).lower()):
            return value
    return None


def _lengths(model: type[Inspector | Person], values: dict, where: str) -> list[str]:
    """Every text against its model column, so no row reaches the database too long for it."""
    return [
        f"{where}, field {COLUMN_OF.get(field, field)!r}: {problem}"
        for field, value in values.items()
        if isinstance(value, str) and (problem := too_long(model, field, value))
    ]


def import_people(
    inspection: Inspection, filename: str, data: bytes, *, actor: Any = None
) -> ImportResult:
    require(actor, inspection, Role.PROJECT_TEAM)  # an import overwrites people
    rows = read_rows(filename, data, PEOPLE_LIMITS)
    try:
        _, header = next(rows)
    except StopIteration:
        raise DomainError(f"{filename}: the file is empty.") from None
    names = [ALIASES.get(normalise_header(h), normalise_header(h)) for h in header]
    problems: list[str] = []
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ImportFailed(
            f"{filename}: nothing was imported.",
            [f"row 1: missing column {c!r} (columns: {', '.join(COLUMNS)})" for c in missing],
        )
    last_day = inspection.calendar.last_day
    parsed: list[tuple[str, dict]] = []
    seen_refs: dict[str, int] = {}
    # Feeds and calendars tell an inspector from a person by kind and ref together, but one ref
    # for both is still a trap (a partner given "insp-lead"): refuse it at the door.
    taken = {
        "inspector": set(
            Person.objects.filter(inspection=inspection).values_list("ref", flat=True)
        ),
        "person": set(
            Inspector.objects.filter(inspection=inspection).values_list("ref", flat=True)
        ),
    }
    for number, cells in rows:
        if not any(cells):
            continue
        row = {names[i]: cells[i] if i < len(cells) else "" for i in range(len(names))}
        where = f"{filename} row {number}"
        kind_text = row.get("type", "").strip().lower()
        if kind_text not in TYPES:
            problems.append(
                f"{where}, field 'type': {row.get('type')!r} is not one of inspector, project team, senior leader, practitioner, partner"
            )
            continue
        name = row.get("name", "").strip()
        if not name:
            problems.append(f"{where}, field 'name': blank")
        email = row.get("email", "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"{where}, field 'email': {email!r} is not an email address")
        role_text = row.get("role", "").strip()
        ref = row.get("ref", "").strip() or slugify(email or name)[:64]
        if ref in seen_refs:
            problems.append(f"{where}, field 'ref': {ref!r} repeats row {seen_refs[ref]}")
        seen_refs[ref] = number
        clash = "inspector" if kind_text == "inspector" else "person"
        if ref in taken[clash]:
            whose = "a council person's or partner's" if clash == "inspector" else "an inspector's"
            made = "" if row.get("ref", "").strip() else " (made from the email or name)"
            problems.append(
                f"{where}, field 'ref': {ref!r}{made} is already {whose} ref in this "
                "inspection; give this row a different ref"
            )
        if kind_text == "inspector":
            role = _role_value(InspectorRole, role_text or "team")
            if role is None:
                problems.append(
                    f"{where}, field 'role': {role_text!r} is not an inspector role (lead, team, schools, qa)"
                )
            try:
                days = _parse_days(row.get("onsite days", ""), last_day)
            except ValueError as exc:
                problems.append(f"{where}, field 'onsite days': {exc.args[0]}")
                days = []
            values: dict[str, Any] = {
                "ref": ref,
                "full_name": name,
                "role": role,
                "email": email,
                "phone": row.get("phone", ""),
                "onsite_days": days,
            }
            problems.extend(_lengths(Inspector, values, where))
            parsed.append(("inspector", values))
        else:
            role = _role_value(PersonRole, role_text) if role_text else ""
            if role is None:
                problems.append(f"{where}, field 'role': {role_text!r} is not a council role")
            values = {
                "ref": ref,
                "full_name": name,
                "kind": TYPES[kind_text],
                "role": role or "",
                "email": email,
                "phone": row.get("phone", ""),
                "job_title": row.get("job title", ""),
                "team": row.get("team", ""),
                "organisation": row.get("organisation", ""),
            }
            problems.extend(_lengths(Person, values, where))
            parsed.append(("person", values))
    if problems:
        raise ImportFailed(
            f"{filename}: {len(problems)} problem(s); nothing was imported.", problems
        )
    if not parsed:
        raise DomainError(f"{filename}: no people found below the header row.")
    created = updated = 0
    # batch: a row the file did not change leaves no history row
    with transaction.atomic(), batch():
        for model_name, fields in parsed:
            model = Inspector if model_name == "inspector" else Person
            key = fields.pop("ref")
            _, was_created = model.objects.update_or_create(  # type: ignore[attr-defined]
                inspection=inspection, ref=key, defaults=fields
            )
            created += was_created
            updated += not was_created
    return ImportResult(created, updated)
