"""The meeting-type catalogue: seeds/meeting-types.toml -> MeetingType rows."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from inspections.services.errors import DomainError
from scheduling.models import InspectorRule, MeetingGroup, MeetingType, Mode

_FIELDS = {
    "key",
    "name",
    "group",
    "description",
    "duration",
    "mode",
    "inspector_rule",
    "inspectors_needed",
    "earliest",
    "latest",
    "fixed_time",
    "preferred_time",
    "frequency",
    "counts_as_case",
    "reading_minutes",
    "write_up_minutes",
    "equipment",
    "what_to_bring",
}


def parse_time(value: Any, where: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"{where}: {value!r} is not a time (use HH:MM).") from None


def catalogue_path() -> Path:
    return Path(settings.SEEDS_DIR) / "meeting-types.toml"


@transaction.atomic
def load_meeting_types(path: Path | None = None) -> int:
    """Create or update every type in the catalogue; returns how many there are."""
    path = path or catalogue_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DomainError(f"{path.name}: cannot read the meeting catalogue: {exc}") from exc
    for i, spec in enumerate(data.get("types", []), start=1):
        where = f"{path.name}, type {i} ({spec.get('key', '?')})"
        unknown = set(spec) - _FIELDS
        if unknown:
            raise DomainError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
        if spec.get("mode") not in Mode.values:
            raise DomainError(f"{where}: mode must be one of {', '.join(Mode.values)}.")
        if spec.get("inspector_rule") not in InspectorRule.values:
            raise DomainError(
                f"{where}: inspector_rule must be one of {', '.join(InspectorRule.values)}."
            )
        if spec.get("group") not in MeetingGroup.values:
            raise DomainError(f"{where}: group must be one of {', '.join(MeetingGroup.values)}.")
        values = {k: v for k, v in spec.items() if k != "key"}
        for key in ("earliest", "latest", "fixed_time", "preferred_time"):
            if key in values:
                values[key] = parse_time(values[key], f"{where}, {key}")
        values.setdefault("inspectors_needed", 1 if spec["inspector_rule"] == "any" else 0)
        values.setdefault("earliest", dt.time(8, 30))
        values.setdefault("latest", dt.time(17, 30))
        values.setdefault("fixed_time", None)
        values.setdefault("preferred_time", None)
        values.setdefault("reading_minutes", 0)
        values.setdefault("write_up_minutes", 0)
        MeetingType.objects.update_or_create(key=spec["key"], defaults=values)
    return len(data.get("types", []))
