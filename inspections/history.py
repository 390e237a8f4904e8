"""The audit trail's reading side: history rows (inspections.audit writes them) as plain changes
people read: when, who ("system" for a command or the scenario loader), what, and each field's
before and after (simple-history's diff_against; many-to-many fields compared here, from rows
fetched once for the whole page).

`changes_of(obj)` feeds the short History section of an object's page (`latest_changes` of a
page showing many); `describe(records)` turns any set of one model's history rows into changes
(the planner's log pages through every model and describes each page). Both cost a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from simple_history.models import HistoricalRecords

from inspections.audit import BOOKKEEPING
from inspections.calendar import LONDON

SYSTEM = "system"  # who, for a change no signed-in person made
NOTHING = "—"
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Derived from a field that is shown already.
HIDDEN = BOOKKEEPING | {"status_changed_at", "due_at"}
CHILD_ID_FIELDS = {"child_id", "child_ids"}
LONGEST = 300  # characters of one value shown


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Change:
    history_id: int
    when: dt.datetime  # aware; pages and exports show it in Europe/London
    who: str
    user_id: int | None
    kind: str  # "Meeting", "Feed link"
    object_id: Any
    object_label: str
    action: str  # Created, Changed, Deleted
    reason: str  # "shown", "revoked" ... or ""
    fields: tuple[FieldChange, ...]

    @property
    def local_when(self) -> dt.datetime:
        return self.when.astimezone(LONDON)


def kind_label(model: Any) -> str:
    """What people call an object of `model`: its `audit_kind`, else its verbose name."""
    label = getattr(model, "audit_kind", None) or str(model._meta.verbose_name)
    return label[:1].upper() + label[1:]


def changes_of(obj: models.Model, limit: int = 10, *, child_ids: bool = True) -> list[Change]:
    """The latest `limit` changes of one object, newest first. `child_ids=False` shows a child
    ID field's values as a count (for people who may not see them)."""
    return describe(obj.history.all(), limit=limit, child_ids=child_ids)  # type: ignore[attr-defined]


def latest_changes(*record_sets: Any, limit: int = 10, child_ids: bool = True) -> list[Change]:
    """The latest `limit` changes among several QuerySets of history rows (a page showing many
    objects, or several kinds), newest first."""
    changes = [
        change
        for records in record_sets
        for change in describe(records, limit=limit, child_ids=child_ids)
    ]
    return sorted(changes, key=lambda c: (c.when, c.history_id), reverse=True)[:limit]


def describe(records: Any, *, limit: int | None = None, child_ids: bool = True) -> list[Change]:
    """`records`: a QuerySet of one model's history rows. Newest first."""
    history = records.model
    model = history.instance_type
    rows_qs = records.annotate(prev_id=_previous(history)).order_by("-history_date", "-history_id")
    rows = list(rows_qs[:limit] if limit is not None else rows_qs)
    if not rows:
        return []
    prev_ids = [r.prev_id for r in rows if r.prev_id is not None]
    previous = {r.pk: r for r in history.objects.filter(history_id__in=prev_ids)}
    m2m = _m2m_ids(history, [r.pk for r in rows] + prev_ids)
    labels = _Labels()
    diffs = []
    for row in rows:
        prev = previous.get(row.prev_id) if row.history_type == "~" else None
        diff = _diff(history, model, row, prev, m2m) if prev is not None else []
        diffs.append(diff)
        for field, before, after in diff:
            for value in (before, after):
                labels.want_value(field, value)
        labels.want_row(model, row)
    labels.resolve()
    users = _usernames({r.history_user_id for r in rows if r.history_user_id is not None})
    kind = kind_label(model)
    out = []
    for row, diff in zip(rows, diffs, strict=True):
        user_id = row.history_user_id
        out.append(
            Change(
                history_id=row.pk,
                when=row.history_date,
                who=SYSTEM if user_id is None else users.get(user_id, f"user {user_id} (removed)"),
                user_id=user_id,
                kind=kind,
                object_id=row.id,
                object_label=labels.object_label(model, row, kind),
                action=ACTIONS.get(row.history_type, row.history_type),
                reason=row.history_change_reason or "",
                fields=tuple(
                    FieldChange(
                        _field_label(field),
                        labels.show(field, before, child_ids),
                        labels.show(field, after, child_ids),
                    )
                    for field, before, after in diff
                ),
            )
        )
    return out


def _previous(history: Any) -> Subquery:
    """Each row's previous row of the same object (ties on the date go by history id)."""
    earlier = history.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    return Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])


def _m2m_ids(history: Any, history_ids: list[int]) -> dict[str, dict[int, list[Any]]]:
    """field name -> history id -> the related ids that row holds (one query per field)."""
    out: dict[str, dict[int, list[Any]]] = {}
    for field in history._history_m2m_fields:
        other = field.m2m_reverse_field_name()
        by_row: dict[int, list[Any]] = defaultdict(list)
        rows = HistoricalRecords.m2m_models[field].objects.filter(history_id__in=history_ids)
        for hid, target in rows.values_list("history_id", f"{other}_id"):
            by_row[hid].append(target)
        out[field.name] = by_row
    return out


def _diff(
    history: Any, model: Any, row: Any, prev: Any, m2m: dict[str, dict[int, list[Any]]]
) -> list[tuple[Any, Any, Any]]:
    """(model field, value before, value after) for each field a person would see change."""
    m2m_names = set(m2m)
    hidden = {f.name for f in history.tracked_fields if f.name in HIDDEN}
    delta = row.diff_against(prev, excluded_fields=hidden | m2m_names)
    out = [(model._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
    for name in sorted(m2m_names):
        before, after = set(m2m[name].get(prev.pk, [])), set(m2m[name].get(row.pk, []))
        if before != after:
            out.append((model._meta.get_field(name), sorted(before), sorted(after)))
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    return sorted(out, key=lambda change: order.get(change[0].name, 0))


def _field_label(field: Any) -> str:
    label = str(getattr(field, "verbose_name", field.name))
    return label[:1].upper() + label[1:]


def _usernames(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.pk: str(u) for u in get_user_model()._default_manager.filter(pk__in=ids)}


class _Labels:
    """Names of related objects (a room, an owner, a deleted deep dive), fetched in bulk."""

    def __init__(self) -> None:
        self.wanted: dict[Any, set[Any]] = defaultdict(set)
        self.found: dict[Any, dict[Any, Any]] = {}

    def want_value(self, field: Any, value: Any) -> None:
        if field.is_relation and value not in (None, ""):
            targets = value if isinstance(value, list) else [value]
            self.wanted[field.related_model].update(targets)

    def want_row(self, model: Any, row: Any) -> None:
        # the relations an object's name may follow (a pack part names its deep dive's child)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name != "inspection":
                value = getattr(row, field.attname, None)
                if value is not None:
                    self.wanted[field.related_model].add(value)

    def resolve(self) -> None:
        for related, pks in self.wanted.items():
            found = related._default_manager.select_related().in_bulk(list(pks))
            missing = set(pks) - set(found)
            if missing and hasattr(related, "history"):
                # gone since: named as it last was (a deep dive unchosen, its pack deleted)
                rows = related.history.filter(id__in=missing).order_by(
                    "id", "-history_date", "-history_id"
                )
                for old in rows:
                    found.setdefault(old.id, old.instance)
            self.found[related] = found

    def related(self, field: Any, pk: Any) -> Any:
        return self.found.get(field.related_model, {}).get(pk)

    def object_label(self, model: Any, row: Any, kind: str) -> str:
        instance = row.instance
        for field in model._meta.concrete_fields:
            if field.is_relation and field.name != "inspection":
                obj = self.related(field, getattr(row, field.attname, None))
                if obj is not None:
                    field.set_cached_value(instance, obj)
        try:
            label = getattr(instance, "audit_label", None)
            return str(label() if callable(label) else instance)
        except ObjectDoesNotExist:  # follows a relation deleted without a trace
            return f"{kind} {row.id}"

    def show(self, field: Any, value: Any, child_ids: bool) -> str:
        if field.name in CHILD_ID_FIELDS and not child_ids:
            count = len(value) if isinstance(value, list) else int(bool(value))
            return f"{count} child ID{'' if count == 1 else 's'} (hidden)"
        if value in (None, "", []):
            return NOTHING
        if field.is_relation:
            targets = value if isinstance(value, list) else [value]
            names = [self._name(field, pk) for pk in targets]
            return _short(", ".join(sorted(names) if isinstance(value, list) else names))
        return _short(_plain(field, value))

    def _name(self, field: Any, pk: Any) -> str:
        obj = self.related(field, pk)
        return str(obj) if obj is not None else f"{kind_label(field.related_model)} {pk}"


def _plain(field: Any, value: Any) -> str:
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(LONDON):%a %-d %b %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
