"""The coordinators' audit log: every change to an inspection's meetings, releases, tasks,
people, inspectors, members, evidence, Annexe A lists and feed links, newest first, filtered by
kind, user and day, a page at a time or all of it as a workbook.

One query finds a page of (history id, date, kind) across every kind's history table (a UNION,
ordered and sliced in the database); then each kind on the page is described in a few queries
(inspections.history.describe), so a page costs the same whatever the size of the trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Model, QuerySet, Value

from annex_a.models import AnnexAList
from calendars.models import FeedToken
from desk.models import Concern, ConcernAction
from evidence.models import Audit, CasePackPart, DeepDive, LibraryDocument
from inspections.calendar import to_utc
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.history import SYSTEM, Change, describe
from inspections.models import Inspection, Inspector, Membership, Person, Task
from scheduling.models import Meeting, Release

PER_PAGE = 50
EXPORT_CHUNK = 500


@dataclass(frozen=True)
class Kind:
    key: str  # in the ?kind= filter
    label: str  # in the filter's list
    model: type[Model]


KINDS: tuple[Kind, ...] = (
    Kind("meeting", "Meetings", Meeting),
    Kind("release", "Releases", Release),
    Kind("task", "Tasks", Task),
    Kind("person", "People", Person),
    Kind("inspector", "Inspectors", Inspector),
    Kind("member", "Members", Membership),
    Kind("library", "Library documents", LibraryDocument),
    Kind("audit", "Audits", Audit),
    Kind("deep_dive", "Deep dives", DeepDive),
    Kind("pack_part", "Case-record pack parts", CasePackPart),
    Kind("annex_a", "Annexe A lists", AnnexAList),
    Kind("feed_link", "Feed links", FeedToken),
)
# Concerns about a child: on the log page only for those who see them (sees_concerns: the
# filter's `concerns`), never in the workbook (the concerns export is their only export).
CONCERN_KINDS: tuple[Kind, ...] = (
    Kind("concern", "Concerns about a child", Concern),
    Kind("concern_action", "Concern actions", ConcernAction),
)
BY_KEY = {k.key: k for k in (*KINDS, *CONCERN_KINDS)}


@dataclass(frozen=True)
class LogFilter:
    kind: str = ""  # a Kind.key; "" for every kind
    user: int | str | None = None  # a user id, SYSTEM, or None for anyone
    day: dt.date | None = None  # a UK calendar day
    concerns: bool = False  # include concerns about a child: only for sees_concerns


def _history(kind: Kind, inspection: Inspection) -> QuerySet[Any]:
    """The kind's history rows of this inspection (deleted objects' rows included)."""
    model: Any = kind.model
    rows = model.history.model.objects
    if kind.model is CasePackPart:  # parts belong to the inspection through their deep dive
        dives = DeepDive.history.filter(inspection_id=inspection.pk).values("id")  # type: ignore[attr-defined]
        return rows.filter(deep_dive_id__in=dives)
    if kind.model is ConcernAction:  # actions belong through their concern
        concerns = Concern.history.filter(inspection_id=inspection.pk).values("id")  # type: ignore[attr-defined]
        return rows.filter(concern_id__in=concerns)
    return rows.filter(inspection_id=inspection.pk)


def _filtered(kind: Kind, inspection: Inspection, chosen: LogFilter) -> QuerySet[Any]:
    rows = _history(kind, inspection)
    if chosen.user == SYSTEM:
        rows = rows.filter(history_user_id__isnull=True)
    elif chosen.user is not None:
        rows = rows.filter(history_user_id=chosen.user)
    if chosen.day is not None:
        start = to_utc(chosen.day, dt.time(0))
        end = to_utc(chosen.day + dt.timedelta(days=1), dt.time(0))
        rows = rows.filter(history_date__gte=start, history_date__lt=end)
    return rows


def _kinds(chosen: LogFilter) -> Sequence[Kind]:
    kinds = (*KINDS, *CONCERN_KINDS) if chosen.concerns else KINDS
    if chosen.kind:
        return [k for k in kinds if k.key == chosen.kind] or [KINDS[0]]
    return kinds


def log_index(inspection: Inspection, chosen: LogFilter) -> QuerySet[Any]:
    """(history id, date, kind key) of every matching change, newest first: one query."""
    parts = [
        _filtered(kind, inspection, chosen)
        .order_by()
        .annotate(kind_key=Value(kind.key, output_field=CharField()))
        .values_list("history_id", "history_date", "kind_key")
        for kind in _kinds(chosen)
    ]
    index = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return index.order_by("-history_date", "-history_id")


def changes_for(index_rows: Sequence[tuple[int, dt.datetime, str]]) -> list[Change]:
    """The changes behind a slice of the index, in its order (a few queries per kind)."""
    by_kind: dict[str, list[int]] = {}
    for history_id, _, key in index_rows:
        by_kind.setdefault(key, []).append(history_id)
    found: dict[tuple[str, int], Change] = {}
    for key, ids in by_kind.items():
        model: Any = BY_KEY[key].model
        for change in describe(model.history.model.objects.filter(history_id__in=ids)):
            found[(key, change.history_id)] = change
    return [found[(key, hid)] for hid, _, key in index_rows if (key, hid) in found]


def log_page(
    inspection: Inspection, chosen: LogFilter, number: int
) -> tuple[Page[Any], list[Change]]:
    """One page (50 changes) of the log, and its changes; a page past the end is the last."""
    page = Paginator(log_index(inspection, chosen), PER_PAGE).get_page(number)
    return page, changes_for(list(page.object_list))


def log_changes(inspection: Inspection, chosen: LogFilter) -> Iterator[Change]:
    """Every matching change, newest first, read a chunk at a time."""
    index = log_index(inspection, chosen)
    start = 0
    while True:
        chunk = list(index[start : start + EXPORT_CHUNK])
        yield from changes_for(chunk)
        if len(chunk) < EXPORT_CHUNK:
            return
        start += EXPORT_CHUNK


def users_in_log(inspection: Inspection) -> list[tuple[int, str]]:
    """(id, username) of everyone who changed something in this inspection, by name."""
    parts = [
        _history(kind, inspection)
        .order_by()
        .filter(history_user_id__isnull=False)
        .values_list("history_user_id")
        for kind in KINDS
    ]
    ids = {row[0] for row in parts[0].union(*parts[1:])}
    if not ids:
        return []
    users = get_user_model()._default_manager.filter(pk__in=ids)
    return sorted(((u.pk, str(u)) for u in users), key=lambda pair: pair[1].lower())


# The export: one row per field changed (a change with none, a creation say, is one row).
EXPORT_COLUMNS = [
    Column("When (UK time)", 18),
    Column("Who", 20),
    Column("Kind", 18),
    Column("Object", 40, wrap=True),
    Column("Action", 12),
    Column("Reason", 20),
    Column("Field", 22),
    Column("Before", 40, wrap=True),
    Column("After", 40, wrap=True),
]


def export_rows(changes: Iterator[Change]) -> Iterator[list[object]]:
    for change in changes:
        head: list[object] = [
            change.when,
            change.who,
            change.kind,
            change.object_label,
            change.action,
            change.reason,
        ]
        if not change.fields:
            yield [*head, "", "", ""]
        for field in change.fields:
            yield [*head, field.field, field.before, field.after]


def export_log(inspection: Inspection, chosen: LogFilter, target: Any) -> None:
    chosen = replace(chosen, concerns=False)  # never in a workbook but the concerns export
    render_workbook(
        [SheetSpec("History", EXPORT_COLUMNS, export_rows(log_changes(inspection, chosen)))],
        target,
    )
