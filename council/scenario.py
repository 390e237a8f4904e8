"""The scenario's council part: the standing readiness checklist as it stood when Ofsted
called, from seeds/scenarios/<slug>/readiness.toml, then its state on the day of the call
copied onto the inspection (the day-1 risks), as a new inspection gets it.

Review dates are calendar days before day one, so a moved day one or the live copy keeps the
same picture. The checklist is the council's, shared by its inspections: loading a scenario
sets it as the seeds say (a reload that changes nothing writes nothing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from council.models import DEFAULT_ITEMS
from council.services import readiness_items, snapshot_readiness
from inspections.models import Inspection
from inspections.services.errors import DomainError

READINESS_FILE = "readiness.toml"
KEYS = [key for key, _, _, _ in DEFAULT_ITEMS]


def load_scenario_readiness(inspection: Inspection, ctx: Any) -> str | None:
    if not (ctx.directory / READINESS_FILE).exists():
        return None  # a scenario without a checklist: the defaults, never reviewed
    specs = ctx.read_toml(READINESS_FILE).get("item", [])
    unknown = [s.get("key", "") for s in specs if s.get("key") not in KEYS]
    if unknown:
        raise DomainError(
            f"{READINESS_FILE}: no standing item {', '.join(map(repr, unknown))} "
            f"(the items are {', '.join(KEYS)})."
        )
    items = {i.key: i for i in readiness_items(inspection.local_authority)}
    for spec in specs:
        item = items[spec["key"]]
        before = spec.get("reviewed_days_before_call")
        values = {
            "owner": spec.get("owner", item.owner),
            "review_interval_days": int(spec.get("review_interval_days", 90)),
            "last_reviewed": None
            if before is None
            else inspection.day_one - dt.timedelta(days=int(before)),
            "notes": spec.get("notes", ""),
        }
        if any(getattr(item, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(item, key, value)
            item.save()
    gaps = sum(1 for row in snapshot_readiness(inspection) if not row.ready)
    return f"council: {len(items)} readiness items, {gaps} not ready on the day of the call"
