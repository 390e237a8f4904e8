"""One search box: meetings, people, inspectors, tasks, documents and child IDs.

The inspection's own models are searched directly; models of the other apps are found by
name when they exist, so the search grows as they land. One query per model searched,
whatever the size of the inspection.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Model, Q, TextField
from django.urls import NoReverseMatch, reverse

from inspections.models import Inspection
from inspections.services.integrations import has_field, model

MIN_LENGTH = 2
PER_KIND = 20

# (app, model, label, fields searched). Missing models or fields are skipped.
SEARCHED: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("scheduling", "Meeting", "Meeting", ("title", "purpose", "meeting_type")),
    (
        "inspections",
        "Person",
        "Person",
        ("full_name", "email", "team", "job_title", "organisation"),
    ),
    ("inspections", "Inspector", "Inspector", ("full_name", "email")),
    ("inspections", "Task", "Task", ("title", "key")),
    ("evidence", "LibraryDocument", "Library document", ("title", "category", "reference", "ref")),
    ("evidence", "Document", "Document", ("title", "category", "reference", "ref")),
    ("evidence", "Audit", "Audit (child ID)", ("child_id", "child_ref")),
    ("evidence", "DeepDive", "Deep-dive child", ("child_id", "child_ref")),
    ("evidence", "DeepDiveChild", "Deep-dive child", ("child_id", "child_ref")),
    ("evidence", "ChosenChild", "Deep-dive child", ("child_id", "child_ref")),
    ("annex_a", "AnnexAList", "Annexe A list", ("name",)),
    ("scheduling", "Venue", "Venue", ("name", "address")),
]


@dataclass
class Hit:
    kind: str
    text: str
    detail: str
    url: str


def _is_text(cls: type[Model], name: str) -> bool:
    if not has_field(cls, name):
        return False
    return isinstance(cls._meta.get_field(name), CharField | TextField)


def _url(obj: Model, inspection: Inspection, kind: str) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    if callable(getter):
        try:
            return str(getter())
        except NoReverseMatch:
            pass
    slug = inspection.slug
    name = type(obj).__name__
    child_id = getattr(obj, "child_id", None)
    if isinstance(child_id, str) and child_id:
        found = _reverse("evidence:child", slug=slug, child_id=child_id)
        if found:
            return found
    if name == "LibraryDocument":
        found = _reverse("evidence:library", slug=slug)
        if found:
            return found + f"#document-{obj.pk}"
    if name == "AnnexAList":
        found = _reverse("annex_a:tracker", slug=slug)
        if found:
            return found + f"#list-{getattr(obj, 'number', '')}"
    if name in ("Meeting", "Venue"):
        found = _reverse(f"scheduling:{name.lower()}", slug=slug, pk=obj.pk)
        if found:
            return found
    if name == "Task":
        return reverse("inspections:day", args=[slug, obj.due_day]) + f"#task-{obj.pk}"  # type: ignore[attr-defined]
    if name == "Person":
        return reverse("inspections:people", args=[slug]) + f"#person-{obj.pk}"
    if name == "Inspector":
        return reverse("inspections:inspectors", args=[slug]) + f"#inspector-{obj.pk}"
    return ""


def _reverse(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _detail(obj: Model) -> str:
    for attr in ("description", "get_status_display", "job_title", "category"):
        value = getattr(obj, attr, None)
        if callable(value):
            value = value()
        if value and isinstance(value, str):
            return value[:120]
    return ""


def search(inspection: Inspection, query: str) -> list[Hit]:
    query = query.strip()
    if len(query) < MIN_LENGTH:
        return []
    hits: list[Hit] = []
    seen: set[type] = set()
    for app_label, model_name, label, fields in SEARCHED:
        cls = model(app_label, model_name)
        if cls is None or cls in seen or not has_field(cls, "inspection"):
            continue
        seen.add(cls)
        usable = [f for f in fields if _is_text(cls, f)]
        if not usable:
            continue
        condition = Q()
        for f in usable:
            condition |= Q(**{f"{f}__icontains": query})
        for obj in cls._default_manager.filter(condition, inspection=inspection)[:PER_KIND]:
            hits.append(Hit(label, str(obj), _detail(obj), _url(obj, inspection, label)))
    return hits
