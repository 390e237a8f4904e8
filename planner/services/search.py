"""One search box over the inspection: meetings, people, inspectors, tasks, library documents,
Annexe A lists, venues and child IDs. One query per kind, whatever the inspection's size."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from annex_a.models import AnnexAList
from evidence.models import Audit, DeepDive, LibraryDocument
from inspections.childids import hide_child_ids
from inspections.models import Inspection, Inspector, Person, Task
from scheduling.models import Meeting, Venue

MIN_LENGTH = 2
PER_KIND = 20


@dataclass
class Hit:
    kind: str
    text: str
    detail: str
    url: str


@dataclass(frozen=True)
class Searched:
    label: str
    model: type[Model]
    fields: tuple[str, ...]
    url: Callable[[Inspection, Model], str]
    detail: Callable[[Model], str] = lambda obj: ""
    finds_children: bool = False  # its hits are child IDs: only for those who see them all


def _child_url(inspection: Inspection, obj: Model) -> str:
    return reverse("evidence:child", args=[inspection.slug, obj.child_id])  # type: ignore[attr-defined]


SEARCHED: tuple[Searched, ...] = (
    Searched(
        "Meeting",
        Meeting,
        ("title", "purpose"),
        lambda i, o: reverse("scheduling:meeting", args=[i.slug, o.pk]),
        lambda o: o.get_status_display(),  # type: ignore[attr-defined]
    ),
    Searched(
        "Person",
        Person,
        ("full_name", "email", "team", "job_title", "organisation"),
        lambda i, o: reverse("inspections:people", args=[i.slug]) + f"#person-{o.pk}",
        lambda o: o.job_title,  # type: ignore[attr-defined]
    ),
    Searched(
        "Inspector",
        Inspector,
        ("full_name", "email"),
        lambda i, o: reverse("inspections:inspectors", args=[i.slug]) + f"#inspector-{o.pk}",
    ),
    Searched(
        "Task",
        Task,
        ("title", "key"),
        lambda i, o: reverse("planner:day", args=[i.slug, o.due_day]) + f"#task-{o.pk}",  # type: ignore[attr-defined]
        lambda o: o.get_status_display(),  # type: ignore[attr-defined]
    ),
    Searched(
        "Library document",
        LibraryDocument,
        ("title", "category", "ref"),
        lambda i, o: reverse("evidence:library", args=[i.slug]) + f"#document-{o.pk}",
        lambda o: o.category,  # type: ignore[attr-defined]
    ),
    Searched("Audit (child ID)", Audit, ("child_id",), _child_url, finds_children=True),
    Searched("Deep-dive child", DeepDive, ("child_id",), _child_url, finds_children=True),
    Searched(
        "Annexe A list",
        AnnexAList,
        ("name",),
        lambda i, o: o.get_absolute_url(),  # type: ignore[attr-defined]
    ),
    Searched(
        "Venue",
        Venue,
        ("name", "address"),
        lambda i, o: reverse("scheduling:rooms", args=[i.slug]) + f"#venue-{o.pk}",
        lambda o: o.address,  # type: ignore[attr-defined]
    ),
)


def _matching(searched: Searched, inspection: Inspection, query: str) -> QuerySet[Model]:
    condition = Q()
    for name in searched.fields:
        condition |= Q(**{f"{name}__icontains": query})
    manager = searched.model._default_manager
    return manager.filter(condition, inspection=inspection)[:PER_KIND]


def _found_without(searched: Searched, obj: Model, query: str, hidden: Collection[str]) -> bool:
    """Whether `obj` still matches once the hidden child IDs are gone from its fields (so
    typing a child ID finds nothing that would confirm it)."""
    wanted = query.casefold()
    return any(
        wanted in hide_child_ids(str(getattr(obj, name) or ""), hidden).casefold()
        for name in searched.fields
    )


def search(
    inspection: Inspection, query: str, *, hidden_child_ids: Collection[str] | None = None
) -> list[Hit]:
    """Hits by kind. `hidden_child_ids` (for anyone below the project team) drops the kinds
    that find children and every hit found only through one of those IDs, and hides them."""
    query = query.strip()
    if len(query) < MIN_LENGTH:
        return []
    hidden = hidden_child_ids if hidden_child_ids is not None else ()
    hits: list[Hit] = []
    for searched in SEARCHED:
        if hidden_child_ids is not None and searched.finds_children:
            continue
        for obj in _matching(searched, inspection, query):
            if hidden and not _found_without(searched, obj, query, hidden):
                continue
            hits.append(
                Hit(
                    searched.label,
                    hide_child_ids(str(obj), hidden),
                    hide_child_ids(str(searched.detail(obj) or "")[:120], hidden),
                    searched.url(inspection, obj),
                )
            )
    return hits
