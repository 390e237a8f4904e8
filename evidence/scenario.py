"""The scenario's evidence: the library, the audit list and the 12 deep-dive children.

Data comes from seeds/scenarios/<slug>/library.toml, audits.toml and scenario.toml's
[[deep_dives]]; draws come from ctx.rng("evidence") in a fixed order, so every load writes the
same rows, upserted on stable refs.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import cycle
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from evidence.models import (
    MAX_DEEP_DIVES,
    Audit,
    CasePackPart,
    DeepDive,
    DocumentStatus,
    LibraryDocument,
    PlanType,
    pack_parts,
)
from evidence.services.audits import audit_ref, period_start, write_audits
from evidence.services.library import document_ref
from inspections.audit import bulk_history
from inspections.calendar import is_working_day, to_utc
from inspections.childids import CHILD_ID_RULE, is_child_id
from inspections.models import Inspection, Person
from inspections.services.errors import DomainError


def load_scenario_evidence(inspection: Inspection, ctx: Any) -> str | None:
    rng = ctx.rng("evidence")
    people = {p.ref: p for p in inspection.people.all()}
    documents = _load_library(inspection, ctx, rng, people)
    audits = _load_audits(inspection, ctx, rng, people)
    deep_dives = _load_deep_dives(inspection, ctx, rng, people)
    return f"evidence: {documents} library documents, {audits} audits, {deep_dives} deep dives"


def _moment(inspection: Inspection, day: int, time: str) -> dt.datetime:
    return to_utc(inspection.calendar.date_for_day(day), dt.time.fromisoformat(time))


def _working_moment(
    inspection: Inspection, rng: random.Random, last_day: int, latest: dt.datetime
) -> dt.datetime:
    """Office hours on day 1 to last_day, no later than latest."""
    day = rng.randint(1, last_day)
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    moment = to_utc(inspection.calendar.date_for_day(day), dt.time(minutes // 60, minutes % 60))
    return min(moment, latest - dt.timedelta(minutes=5))


def _months_before(day_one: dt.date, back: int) -> str:
    index = day_one.year * 12 + day_one.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1).strftime("%B %Y")


def _person(people: dict[str, Person], ref: str, source: str) -> Person:
    try:
        return people[ref]
    except KeyError:
        raise DomainError(f"{source}: no council person with ref {ref!r}.") from None


def library_titles(data: dict[str, Any], day_one: dt.date) -> list[tuple[str, str, str]]:
    """(title, category, owner ref) for every document the scenario's library lists."""
    documents: list[tuple[str, str, str]] = []
    for category in data.get("category", []):
        titles = list(category.get("titles", []))
        for series in category.get("series", []):
            if "months" in series:
                values = [
                    _months_before(day_one, back)
                    for back in range(1, series["months"] + 1, series.get("step", 1))
                ]
            else:
                values = list(series["values"])
            for value in values:
                titles.append(series["template"].format(month=value, value=value))
        owners = cycle(category["owners"])
        documents.extend((title, category["name"], next(owners)) for title in titles)
    seen: set[str] = set()
    for title, _, _ in documents:
        if title in seen:
            raise DomainError(f"library.toml: {title!r} appears twice.")
        seen.add(title)
    return documents


def _load_library(
    inspection: Inspection, ctx: Any, rng: random.Random, people: dict[str, Person]
) -> int:
    data = ctx.read_toml("library.toml")
    listed = library_titles(data, inspection.day_one)
    snapshot = data["snapshot"]
    statuses = [s for s, n in snapshot["statuses"].items() for _ in range(n)]
    if len(statuses) != len(listed) or set(statuses) - set(DocumentStatus.values):
        raise DomainError(
            f"library.toml: the snapshot's statuses cover {len(statuses)} documents "
            f"but the categories list {len(listed)}."
        )
    rng.shuffle(statuses)
    at = ctx.at_most_now(_moment(inspection, snapshot["day"], snapshot["time"]))
    notes = {
        DocumentStatus.REQUESTED: "Chased with the owner on day 2.",
        DocumentStatus.RECEIVED: "Received; waiting for quality assurance.",
    }
    existing = {d.ref: d for d in LibraryDocument.objects.for_inspection(inspection)}
    new, changed = [], []
    now = timezone.now()
    for (title, category, owner_ref), status in zip(listed, statuses, strict=True):
        values = {
            "title": title,
            "category": category,
            "owner": _person(people, owner_ref, "library.toml"),
            "status": status,
            "notes": notes.get(status, ""),  # type: ignore[call-overload]
            "status_changed_at": _working_moment(inspection, rng, snapshot["day"], at),
        }
        ref = document_ref(title)
        document = existing.get(ref)
        if document is None:
            new.append(LibraryDocument(inspection=inspection, ref=ref, **values))
        else:
            for key, value in values.items():
                setattr(document, key, value)
            document.updated_at = now
            changed.append(document)
    bulk_create_with_history(new, LibraryDocument, batch_size=500)
    LibraryDocument.objects.bulk_update(
        changed,
        ["title", "category", "owner", "status", "notes", "status_changed_at", "updated_at"],
        batch_size=500,
    )
    bulk_history(LibraryDocument, changed)  # none when a reload changes nothing
    return len(listed)


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _load_audits(
    inspection: Inspection, ctx: Any, rng: random.Random, people: dict[str, Person]
) -> int:
    spec = ctx.read_toml("audits.toml")["audits"]
    # who did each audit, in turn (no draw from rng, so the other draws stay as they were)
    auditors = cycle(
        [_person(people, r, "audits.toml") for r in spec.get("auditors", [])] or [None]
    )
    deep_dive_children = [d["child_id"] for d in ctx.data.get("deep_dives", [])]
    others = spec["count"] - len(deep_dive_children) - spec["repeat_children"]
    low, high = spec["child_numbers"]
    taken = set(deep_dive_children)
    children: list[str] = []
    while len(children) < others:
        child_id = f"{spec['child_prefix']}{rng.randint(low, high)}"
        if child_id not in taken:
            taken.add(child_id)
            children.append(child_id)
    children = deep_dive_children + children + rng.sample(children, spec["repeat_children"])
    start = period_start(inspection)
    days = [
        start + dt.timedelta(days=n)
        for n in range((inspection.day_one - start).days)
        if is_working_day(start + dt.timedelta(days=n))
    ]
    parsed: dict[str, dict[str, object]] = {}
    for child_id in children:
        while True:
            audit_date, audit_type = rng.choice(days), _weighted(rng, spec["types"])
            ref = audit_ref(child_id, audit_date, audit_type)
            if ref not in parsed:
                break
        parsed[ref] = {
            "child_id": child_id,
            "audit_date": audit_date,
            "audit_type": audit_type,
            "judgement": _weighted(rng, spec["judgements"]),
            "moderated": rng.random() < spec["moderated"],
            "loop_closed": rng.random() < spec["loop_closed"],
            "auditor": next(auditors),
        }
    # The scenario owns its audit list: drop audits a moved day one left behind.
    Audit.objects.for_inspection(inspection).exclude(ref__in=list(parsed)).delete()
    write_audits(inspection, parsed)
    return len(parsed)


def _load_deep_dives(
    inspection: Inspection, ctx: Any, rng: random.Random, people: dict[str, Person]
) -> int:
    chosen = ctx.data.get("deep_dives", [])
    if len(chosen) > MAX_DEEP_DIVES:
        raise DomainError(f"scenario.toml: {len(chosen)} deep dives; inspectors choose up to 12.")
    spec = ctx.read_toml("audits.toml")["deep_dives"]
    snapshot = ctx.at_most_now(_moment(inspection, spec["snapshot_day"], spec["snapshot_time"]))
    chosen_at = min(_moment(inspection, spec["chosen_day"], spec["chosen_time"]), snapshot)
    collators = [_person(people, r, "audits.toml") for r in spec["collators"]]
    signers = [_person(people, r, "audits.toml") for r in spec["qa_signers"]]
    audits: dict[str, Audit] = {}
    for audit in Audit.objects.for_inspection(inspection).order_by("audit_date"):
        audits.setdefault(audit.child_id, audit)
    DeepDive.objects.for_inspection(inspection).exclude(
        child_id__in=[c["child_id"] for c in chosen]
    ).delete()
    for n, entry in enumerate(chosen):
        if not is_child_id(str(entry["child_id"])):
            raise DomainError(f"scenario.toml: deep dive {n + 1}: {CHILD_ID_RULE}.")
        if entry["plan"] not in PlanType.values:
            raise DomainError(f"scenario.toml: deep dive {entry['child_id']}: unknown plan.")
        deep_dive, _ = DeepDive.objects.update_or_create(
            inspection=inspection,
            child_id=entry["child_id"],
            defaults={
                "audit": audits[entry["child_id"]],
                "plan_type": entry["plan"],
                "worker": _person(people, entry["worker"], "scenario.toml"),
                "chosen_at": chosen_at,
            },
        )
        for position, part in enumerate(pack_parts(deep_dive)):
            collated = rng.random() < spec["collated"]
            qa = collated and rng.random() < spec["quality_assured"]
            collated_at = chosen_at + dt.timedelta(minutes=rng.randint(10, 80))
            CasePackPart.objects.update_or_create(
                deep_dive=deep_dive,
                part=part,
                defaults={
                    "position": position,
                    "collator": collators[(n + position) % len(collators)] if collated else None,
                    "collated_at": collated_at if collated else None,
                    "qa_by": signers[n % len(signers)] if qa else None,
                    "qa_at": min(snapshot, collated_at + dt.timedelta(minutes=30)) if qa else None,
                    "uploaded_at": None,
                },
            )
    return len(chosen)
