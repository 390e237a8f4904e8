"""Scale an inspection in the database: ×N of its people, inspectors, venues, rooms, tasks,
meetings and documents.

For query-count tests: a page that costs the same number of queries for the scenario and for
its ×4 copy does no query per row. Copies keep their links (a copied task is owned by the
copied person and depends on the copied tasks; a copied meeting keeps its slot, in the copied
room at the copied venue, with the copied inspectors and attendees), so a copied draft is as
free of clashes as the original and can be published. Names get a "×N" suffix so pages that
group by name (rooms and venues in calendars) show each copy apart. Models of other apps are
copied only when they exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction


@dataclass(frozen=True)
class Copied:
    app_label: str
    name: str
    inspection: str = "inspection"  # lookup from the model to its inspection
    marker: str = ""  # text lookup that carries "~x" on copies ("" = the model's own ref/key)


# In order: a model's foreign keys to earlier models point at the copies.
MODELS = [
    Copied("inspections", "Person"),
    Copied("inspections", "Inspector"),
    Copied("scheduling", "Venue"),
    Copied("scheduling", "Travel", inspection="origin__inspection", marker="origin__ref"),
    Copied("scheduling", "Room", inspection="venue__inspection"),
    Copied("inspections", "Task"),
    Copied("scheduling", "Meeting"),
    Copied("evidence", "LibraryDocument"),
    Copied("evidence", "Audit"),
]
UNIQUE_TEXT = ("ref", "key", "uid")
NAMES = {"name", "full_name"}


def _model(spec: Copied) -> type[models.Model] | None:
    try:
        return apps.get_model(spec.app_label, spec.name)
    except LookupError:
        return None


def _copy_model(
    cls: type[models.Model],
    spec: Copied,
    inspection,
    copy: int,
    remap: dict[type, dict[int, int]],
) -> None:
    originals = list(_originals(cls, spec, inspection))
    if not originals:
        return
    clones = []
    for obj in originals:
        clone = cls()
        for field in cls._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(obj, field.attname)
            if isinstance(field, models.ForeignKey) and value is not None:
                value = remap.get(field.related_model, {}).get(value, value)  # type: ignore[arg-type]
            elif field.name in UNIQUE_TEXT and isinstance(value, str):
                value = f"{value}~x{copy}"
            elif field.name in NAMES and isinstance(value, str) and value:
                value = f"{value} ×{copy}"[: field.max_length]
            setattr(clone, field.attname, value)
        if spec.name == "Inspector" and clone.role == "lead":
            clone.role = "team"  # an inspection has one lead; each copy's meetings name theirs
        if spec.name == "Meeting" and clone.inspector_rule == "lead":
            clone.inspector_rule = "named"
        clones.append(clone)
    cls._default_manager.bulk_create(clones)
    mapping = remap.setdefault(cls, {})
    for obj, clone in zip(originals, clones, strict=True):
        mapping[obj.pk] = clone.pk
    for m2m in cls._meta.many_to_many:
        through = m2m.remote_field.through  # type: ignore[attr-defined]
        source = m2m.m2m_field_name()
        target = m2m.m2m_reverse_field_name()
        target_model = m2m.related_model
        rows = through._default_manager.filter(**{f"{source}__in": [o.pk for o in originals]})
        copies = [
            through(
                **{
                    f"{source}_id": mapping[getattr(row, f"{source}_id")],
                    f"{target}_id": remap.get(target_model, {}).get(  # type: ignore[arg-type]
                        getattr(row, f"{target}_id"), getattr(row, f"{target}_id")
                    ),
                }
            )
            for row in rows
        ]
        through._default_manager.bulk_create(copies)
    if spec.name == "Meeting":
        _name_the_copied_lead(cls, inspection, originals, mapping, remap)


def _name_the_copied_lead(cls, inspection, originals, mapping, remap) -> None:
    """A copied "the lead inspector" meeting needs the copied lead, by name."""
    lead = inspection.inspectors.filter(role="lead").first()
    if lead is None:
        return
    through = cls._meta.get_field("required_inspectors").remote_field.through
    copied_lead = remap[type(lead)][lead.pk]
    through._default_manager.bulk_create(
        [
            through(meeting_id=mapping[m.pk], inspector_id=copied_lead)
            for m in originals
            if m.inspector_rule == "lead"
        ],
        ignore_conflicts=True,
    )


def _originals(cls: type[models.Model], spec: Copied, inspection) -> models.QuerySet:
    # copies carry "~x" in their unique text; copying them again would double each round
    qs = cls._default_manager.filter(**{spec.inspection: inspection})
    if spec.marker:
        return qs.exclude(**{f"{spec.marker}__contains": "~x"})
    for name in UNIQUE_TEXT:
        try:
            cls._meta.get_field(name)
        except Exception:
            continue
        return qs.exclude(**{f"{name}__contains": "~x"})
    return qs


@transaction.atomic
def multiply(inspection, factor: int = 4) -> dict[str, int]:
    """Add factor-1 copies of everything listed in MODELS; return the new count per model."""
    counts: dict[str, int] = {}
    for copy in range(2, factor + 1):
        remap: dict[type, dict[int, int]] = {}
        for spec in MODELS:
            cls = _model(spec)
            if cls is not None:
                _copy_model(cls, spec, inspection, copy, remap)
    for spec in MODELS:
        cls = _model(spec)
        if cls is not None:
            counts[spec.name] = cls._default_manager.filter(**{spec.inspection: inspection}).count()
    return counts
