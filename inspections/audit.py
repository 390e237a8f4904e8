"""The audit trail's writing side (django-simple-history): each audited model declares
`history = audit_history()`, and every save, delete and many-to-many change then leaves a
history row with who (the signed-in user, through HistoryRequestMiddleware; nobody for a
management command or the scenario loader, shown as "system"), when and the values after it.

Three helpers keep the trail readable and complete:
- `batch()`: the saves and many-to-many changes inside write one row per object at the end
  (a meeting saved, then given its inspectors, is one change, not three). Anywhere, a save
  that changed nothing writes no row (reloading a scenario or re-importing a file is quiet).
- `acting_as(user)`: names the user where no request does (a background job someone started).
- `with_reason(obj, reason)`: what happened, when a field alone does not say ("shown").

Paths that bypass save() (QuerySet.update, bulk_create) use simple-history's
bulk_create_with_history / bulk_update_with_history, or `bulk_history(model, objs)` after them,
or `record_change(obj)` after a conditional UPDATE of one row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

# Never shown as a change: the row's identity and bookkeeping that moves on every save.
BOOKKEEPING = frozenset({"id", "inspection", "created_at", "updated_at", "version"})


class AuditedHistory(HistoricalRecords):
    """HistoricalRecords that holds back its rows inside `batch()` and writes none for a
    save that changed nothing."""

    def contribute_to_class(self, cls: Any, name: str) -> None:
        super().contribute_to_class(cls, name)
        cls._audit_records = self  # so a batch can write the row for an instance later

    def get_extra_fields(self, model: Any, fields: Any) -> dict[str, Any]:
        extra = super().get_extra_fields(model, fields)
        # The library's __str__ renders the object, which may follow a relation that no
        # longer exists (a deleted deep dive's pack part): name the record by its ids instead.
        extra["__str__"] = lambda record: (
            f"{record.instance_type._meta.verbose_name} {record.pk} "
            f"as of {record.history_date:%Y-%m-%d %H:%M}"
        )
        return extra

    def post_save(self, instance: Any, created: bool, using: Any = None, **kwargs: Any) -> None:
        if not _enabled() or kwargs.get("raw", False):
            return
        if not hasattr(instance, "skip_history_when_saving"):
            _note(self, instance, created=created)

    def post_delete(self, instance: Any, using: Any = None, **kwargs: Any) -> None:
        pending = _pending()
        if pending is not None:
            pending.write_now(type(instance), instance.pk)  # its last change comes first
        super().post_delete(instance, using=using, **kwargs)

    def m2m_changed(
        self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any
    ) -> None:
        if not _enabled() or action not in ("post_add", "post_remove", "post_clear"):
            return
        if hasattr(instance, "skip_history_when_saving"):
            return
        if not reverse:
            _note(self, instance, created=False)
        elif pk_set:  # changed from the other side (person.meetings.add(m)): note each meeting
            for obj in self.cls._default_manager.filter(pk__in=pk_set):
                _note(self, obj, created=False)


def _enabled() -> bool:
    return bool(getattr(settings, "SIMPLE_HISTORY_ENABLED", True))


def _note(records: AuditedHistory, instance: Any, *, created: bool) -> None:
    """A change to write: at the end of the batch, or now; a save that changed nothing a
    person would see (a row saved twice in one request) writes no row."""
    pending = _pending()
    if pending is not None:
        pending.note(records, instance, created=created)
    else:
        _write([[records, instance, created]])


def audit_history(**kwargs: Any) -> AuditedHistory:
    """The history every audited model declares: `history = audit_history()`."""
    # Who, as a plain id rather than a foreign key: removing an account must not erase whose
    # changes these were (a foreign key would be set to null, reading as "system").
    kwargs.setdefault(
        "history_user_id_field", models.IntegerField(null=True, blank=True, db_index=True)
    )
    return AuditedHistory(**kwargs)


class _Pending:
    """Objects saved inside a batch, waiting for their one history row each."""

    def __init__(self) -> None:
        self.depth = 0
        # (model, pk) -> [records, instance, created]; insertion order is write order
        self.items: dict[tuple[type, Any], list[Any]] = {}

    def note(self, records: AuditedHistory, instance: Any, *, created: bool) -> None:
        key = (type(instance), instance.pk)
        if key in self.items:
            self.items[key][1] = instance
            self.items[key][2] = self.items[key][2] or created
        else:
            self.items[key] = [records, instance, created]

    def write_now(self, model: type, pk: Any) -> None:
        item = self.items.pop((model, pk), None)
        if item is not None:
            _write([item])

    def flush(self) -> None:
        items, self.items = list(self.items.values()), {}
        _write(items)


_state = threading.local()


def _pending() -> _Pending | None:
    if not _enabled():
        return None
    pending = getattr(_state, "pending", None)
    return pending if pending is not None and pending.depth > 0 else None


@contextmanager
def batch() -> Iterator[None]:
    """One history row per object changed inside, written when the outermost batch ends
    (inside the caller's transaction); nothing for an object whose values did not change."""
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = _Pending()
    pending.depth += 1
    try:
        yield
    except BaseException:
        pending.depth -= 1
        if pending.depth == 0:
            pending.items = {}  # the caller's transaction rolls back: nothing happened
        raise
    pending.depth -= 1
    if pending.depth == 0:
        pending.flush()


def _write(items: list[list[Any]]) -> None:
    if not _enabled():
        return
    by_model: dict[Any, list[list[Any]]] = {}
    for item in items:
        by_model.setdefault(type(item[1]), []).append(item)
    for model, group in by_model.items():
        unchanged = _unchanged(model, [i[1] for i in group if not i[2]])
        created = [instance for _, instance, new in group if new]
        changed = [i for _, i, new in group if not new and i.pk not in unchanged]
        # in bulk: a scenario load writes hundreds of rows
        for objs, update in ((created, False), (changed, True)):
            if objs:
                rows = model.history.bulk_history_create(objs, update=update)
                _copy_m2m(model, objs, rows)


def _copy_m2m(model: Any, objs: list[Any], rows: list[Any]) -> None:
    """Each new history row's copy of the object's many-to-many rows (who was in a meeting),
    as the library's own save handler writes them."""
    history = model.history.model
    for field in history._history_m2m_fields:
        through = field.remote_field.through
        own = field.m2m_field_name()
        by_object: dict[Any, list[Any]] = {}
        for link in through.objects.filter(**{f"{own}__in": [o.pk for o in objs]}):
            by_object.setdefault(getattr(link, f"{own}_id"), []).append(link)
        m2m_history = HistoricalRecords.m2m_models[field]
        names = [f.attname for f in through._meta.fields]
        m2m_history.objects.bulk_create(
            [
                m2m_history(history_id=row.pk, **{name: getattr(link, name) for name in names})
                for obj, row in zip(objs, rows, strict=True)
                for link in by_object.get(obj.pk, [])
            ],
            batch_size=500,
        )


def _unchanged(model: Any, instances: list[Any]) -> set[Any]:
    """The pks of `instances` whose latest history row already holds their values (and
    many-to-many rows): saving them changed nothing a person would see."""
    if not instances:
        return set()
    history = model.history.model
    pks = [i.pk for i in instances]
    latest: dict[Any, Any] = {}
    rows = history.objects.filter(id__in=pks).order_by("id", "-history_date", "-history_id")
    for row in rows:
        latest.setdefault(row.id, row)
    tracked = [f.attname for f in history.tracked_fields if f.name not in BOOKKEEPING]
    m2m_now, m2m_then = _m2m_values(model, history, pks, [r.pk for r in latest.values()])
    same = set()
    for instance in instances:
        row = latest.get(instance.pk)
        if row is None or row.history_type == "-" or getattr(instance, "_change_reason", None):
            continue
        if any(getattr(instance, name) != getattr(row, name) for name in tracked):
            continue
        if any(
            m2m_now[field].get(instance.pk, set()) != m2m_then[field].get(row.pk, set())
            for field in m2m_now
        ):
            continue
        same.add(instance.pk)
    return same


def _m2m_values(
    model: Any, history: Any, pks: list[Any], history_ids: list[Any]
) -> tuple[dict[str, dict[Any, set[Any]]], dict[str, dict[Any, set[Any]]]]:
    """For each audited many-to-many field: the related ids now (by object pk) and in the
    given history rows (by history id)."""
    now: dict[str, dict[Any, set[Any]]] = {}
    then: dict[str, dict[Any, set[Any]]] = {}
    for field in history._history_m2m_fields:
        through = field.remote_field.through
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        now[field.name] = {}
        for pk, target in through.objects.filter(**{f"{own}__in": pks}).values_list(
            f"{own}_id", f"{other}_id"
        ):
            now[field.name].setdefault(pk, set()).add(target)
        then[field.name] = {}
        m2m_history = HistoricalRecords.m2m_models[field]
        for hid, target in m2m_history.objects.filter(history_id__in=history_ids).values_list(
            "history_id", f"{other}_id"
        ):
            then[field.name].setdefault(hid, set()).add(target)
    return now, then


def record_change(instance: models.Model) -> None:
    """`instance` (as it is now in memory) was changed by a path that bypassed save(), such as
    a conditional UPDATE: write its history row now, or at the end of the batch."""
    _note(type(instance)._audit_records, instance, created=False)  # type: ignore[attr-defined]


def bulk_history(model: Any, objs: Any, *, created: bool = False) -> int:
    """History rows for objects written by bulk_create or bulk_update (which send no signals):
    every created one, and each updated one whose values changed. Returns how many."""
    if model.history.model._history_m2m_fields:
        raise ValueError(f"{model.__name__} has audited many-to-many fields: save each one.")
    objs = list(objs)
    if not created:
        same = _unchanged(model, objs)
        objs = [o for o in objs if o.pk not in same]
    if objs:
        model.history.bulk_history_create(objs, update=not created)
    return len(objs)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Changes inside are recorded as `user`'s (None: the system), where no request says who:
    a background job records the person who started it."""
    context = HistoricalRecords.context
    had = hasattr(context, "request")
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if had:
            context.request = previous
        else:
            del context.request


def with_reason(obj: models.Model, reason: str) -> models.Model:
    """Tag the next history row of `obj` with what happened ("shown", "revoked")."""
    obj._change_reason = reason  # type: ignore[attr-defined]
    return obj
