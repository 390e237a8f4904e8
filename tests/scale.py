"""Scale an inspection in the database: ×N of its people, tasks, meetings and documents.

For query-count tests: a page that costs the same number of queries for the scenario and for
its ×4 copy does no query per row. Copies keep their links (a copied task is owned by the
copied person and depends on the copied tasks; a copied meeting has the copied attendees).
Models of other apps are copied only when they exist.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction

# In order: a model's foreign keys to earlier models point at the copies.
MODELS = [
    ("inspections", "Person"),
    ("inspections", "Task"),
    ("scheduling", "Meeting"),
    ("evidence", "LibraryDocument"),
    ("evidence", "Audit"),
]
UNIQUE_TEXT = {"ref", "key", "uid"}


def _model(app_label: str, name: str) -> type[models.Model] | None:
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _copy_model(
    cls: type[models.Model], inspection, copy: int, remap: dict[type, dict[int, int]]
) -> None:
    originals = list(_originals(cls, inspection))
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
            setattr(clone, field.attname, value)
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


def _originals(cls: type[models.Model], inspection) -> models.QuerySet:
    # copies carry "~x" in their unique text; copying them again would double each round
    qs = cls._default_manager.filter(inspection=inspection)
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
        for app_label, name in MODELS:
            cls = _model(app_label, name)
            if cls is not None:
                _copy_model(cls, inspection, copy, remap)
    for app_label, name in MODELS:
        cls = _model(app_label, name)
        if cls is not None:
            counts[name] = cls._default_manager.filter(inspection=inspection).count()
    return counts
