"""Backup and restore of one inspection: everything the database holds about it, in one file.

The archive is a zip of two members, written deterministically (fixed member dates, rows in
primary-key order, no time of export inside), so export → import → export gives the same bytes:

- manifest.json: format and version, the app's version, the applied migrations of every app
  the data spans, the inspection's slug, rows per model, and the sha256 of data.json;
- data.json: per model, its columns and its rows.

Which rows is discovered, not listed, so a model added later travels without a change here.
A model belongs to inspections when a chain of foreign keys leads from it to
inspections.Inspection (history rows and many-to-many link tables included). A row belongs
to *this* inspection when one of those keys names the inspection, or a row that belongs (or
belonged: the history of a deleted object still counts, through the object's own history).

Rows keep their primary keys: release snapshots, calendar UIDs and the audit trail name rows
by id. So a restore goes into a database that does not hold them, an empty one after
`migrate`; anything else is refused before a row is written. Rows are written as they were,
without save() (no auto_now dates, no history rows, no signals); the database's own triggers do
run, and rebuild the rows it derives itself (DERIVED_MODELS: not carried).

Shared rows (user accounts, the meeting-type catalogue) are referenced, not owned: only those
the inspection uses travel, and a restore matches them by natural key (username, meeting-type
key) or creates them, keeping its id when that is free. Of an account only the username, names, email and whether it is active
travel: never the password hash (an archive is a file that gets copied about; a hash is an
offline-crackable credential) nor staff or superuser flags. A restored account has no usable
password until it is given one (sign-in through the council's identity provider, or
`changepassword`).

Never in an archive: feed-link secrets and salts (with SECRET_KEY a salt rebuilds the link;
a restore mints new secrets instead), and the Annexe A uploads waiting on disk for a check
(children's data, deleted once the check has run): a check's list of stored files travels empty.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import re
import secrets
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string
from simple_history.models import HistoricalChanges

from calendars import tokens
from calendars.models import FeedToken
from inspections.models import Inspection
from inspections.services.errors import DomainError

FORMAT = "ilacs-planner/inspection-archive"
FORMAT_VERSION = 1
MANIFEST, DATA = "manifest.json", "data.json"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no time of export in the file
MAX_MEMBER_BYTES = 1024**3  # a member bigger than this is not one of ours

# Never exported. A restore calls RESTORE_SECRETS to fill them in afresh.
SECRET_FIELDS: dict[str, frozenset[str]] = {
    "calendars.feedtoken": frozenset({"salt", "secret_hash"}),
}
# A field whose name looks like a credential must be listed in SECRET_FIELDS or here, or the
# export stops: a new secret must never travel because nobody thought to list it.
SECRET_LIKE = re.compile(r"secret|salt|token|passw|hash", re.IGNORECASE)
NOT_SECRET: frozenset[str] = frozenset()  # "app.model.field" names checked and harmless
# Exported as the field's default: pointers to files that do not travel.
TRANSIENT_FIELDS: dict[str, frozenset[str]] = {
    "annex_a.filecheck": frozenset({"stored_files"}),  # the uploads: children's data, on disk
}
# Not carried: rows the database keeps from others itself, rebuilt as the restore writes those.
DERIVED_MODELS: dict[str, str] = {
    "scheduling.booking": "kept by PostgreSQL triggers from meetings and their people",
}
# What of an account travels (never the password hash, staff or superuser flags, last login).
USER_FIELDS = ("first_name", "last_name", "email", "is_active")


class BackupError(DomainError):
    """An archive that cannot be written or restored; nothing was written."""


@dataclass
class Restored:
    inspection: Inspection
    rows: int
    users_created: list[str] = field(default_factory=list)
    users_matched: list[str] = field(default_factory=list)
    feed_links_renewed: int = 0


# --- Which models, which fields -------------------------------------------------------------


def _label(model: Any) -> str:
    return str(model._meta.label_lower)


def _keys(model: Any) -> list[Any]:
    """The model's foreign keys (and one-to-ones) that hold a column."""
    return [f for f in model._meta.concrete_fields if f.is_relation]


def _history_of(model: Any) -> Any:
    """The model a simple-history model records, with the field that holds its id, or None."""
    if not issubclass(model, HistoricalChanges):
        return None
    original = getattr(model, "instance_type", None)
    if original is None:
        return None
    try:
        id_field = model._meta.get_field(original._meta.pk.attname)
    except FieldDoesNotExist:
        return None
    return None if id_field.primary_key else (original, id_field.attname)


def owned_models() -> list[Any]:
    """Every model whose rows belong to an inspection, by label (but DERIVED ones)."""
    everything = apps.get_models(include_auto_created=True)
    owned: set[Any] = {Inspection}
    grew = True
    while grew:
        grew = False
        for model in everything:
            if model in owned:
                continue
            history = _history_of(model)
            if any(f.related_model in owned for f in _keys(model)) or (
                history and history[0] in owned
            ):
                owned.add(model)
                grew = True
    return sorted((m for m in owned if _label(m) not in DERIVED_MODELS), key=_label)


def _user_id_fields(model: Any) -> list[str]:
    """Columns that hold a user's id without a foreign key: the audit trail's "who"
    (inspections.audit keeps it a plain integer so removing an account keeps whose it was)."""
    if issubclass(model, HistoricalChanges) and "history_user_id" in _attnames(model):
        return ["history_user_id"]
    return []


def _attnames(model: Any) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _columns(model: Any) -> list[str]:
    """What an archive holds of a model's rows: every column but its secrets, the primary
    key first."""
    secret = SECRET_FIELDS.get(_label(model), frozenset())
    pk = model._meta.pk.attname
    columns = [pk] + [n for n in _attnames(model) if n not in secret and n != pk]
    for name in columns:
        dotted = f"{_label(model)}.{name}"
        if SECRET_LIKE.search(name) and dotted not in NOT_SECRET:
            raise BackupError(
                f"{dotted} looks like a secret: list it in planner.services.backup.SECRET_FIELDS "
                "(never exported) or NOT_SECRET (checked, harmless) before exporting."
            )
    return columns


def _natural_key(model: Any) -> list[str]:
    """How a shared row is found in another database: its natural key, or its one unique field."""
    if model is _user_model():
        return [model.USERNAME_FIELD]
    unique = [f.attname for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    if len(unique) != 1:
        raise BackupError(
            f"{_label(model)} is shared between inspections but has no one unique field to "
            "match it by in another database: planner.services.backup cannot carry it."
        )
    return unique


def _shared_columns(model: Any) -> list[str]:
    pk = model._meta.pk.attname
    if model is _user_model():
        names = [pk, model.USERNAME_FIELD, *USER_FIELDS]
        return [n for n in dict.fromkeys(names) if n in _attnames(model)]
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    if any(f.is_relation and not f.null for f in fields):
        raise BackupError(f"{_label(model)} is shared and points at other rows: cannot carry it.")
    return [pk] + [f.attname for f in fields if not f.is_relation and not f.primary_key]


def _user_model() -> Any:
    return apps.get_model(settings.AUTH_USER_MODEL)


def _shared_refs(model: Any, owned: set[Any]) -> list[tuple[str, Any]]:
    """(column, shared model) for each column of `model` naming a row it does not own."""
    refs = [(f.attname, f.related_model) for f in _keys(model) if f.related_model not in owned]
    return refs + [(name, _user_model()) for name in _user_id_fields(model)]


# --- Which rows -----------------------------------------------------------------------------


def _owned_pks(inspection: Inspection, models_: list[Any]) -> dict[Any, set[Any]]:
    """The primary keys of every row of the inspection, per model."""
    owned = set(models_)
    # ids a key may name: rows that belong, and objects whose history belongs (deleted ones)
    known: dict[Any, set[Any]] = {m: set() for m in models_}
    pks: dict[Any, set[Any]] = {m: set() for m in models_}
    known[Inspection].add(inspection.pk)
    pks[Inspection].add(inspection.pk)
    links: dict[Any, tuple[list[Any], Any, list[tuple[Any, ...]]]] = {}
    for model in models_:
        if model is Inspection:
            continue
        keys = [f for f in _keys(model) if f.related_model in owned]
        history = _history_of(model)
        names = [f.attname for f in keys] + ([history[1]] if history else [])
        rows = list(model._base_manager.order_by().values_list(model._meta.pk.attname, *names))
        links[model] = ([f.related_model for f in keys], history, rows)
    grew = True
    while grew:
        grew = False
        for model, (targets, history, rows) in links.items():
            mine = pks[model]
            for pk, *values in rows:
                if pk in mine:
                    continue
                named = [v in known[t] for v, t in zip(values, targets, strict=False)]
                if history:
                    named.append(values[-1] in known[history[0]])
                if any(named):
                    mine.add(pk)
                    known[model].add(pk)
                    if history:
                        known[history[0]].add(values[-1])
                    grew = True
    return pks


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fetch(model: Any, pks: Iterable[Any], columns: list[str]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(sorted(pks)):
        query = model._base_manager.filter(pk__in=chunk).order_by("pk")
        rows.extend(query.values_list(*columns))
    return rows


# --- Values ---------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def _json_default(value: Any) -> Any:
    encoded = _encode(value)
    if encoded is value:
        raise TypeError(f"cannot store a {type(value).__name__} in an archive")
    return encoded


def _decode(model_field: Any, value: Any) -> Any:
    if value is None or isinstance(model_field, models.JSONField):
        return value
    if isinstance(model_field, models.BinaryField):
        return bytes.fromhex(value)
    return model_field.to_python(value)


def _dumps(data: Any) -> bytes:
    # Keys sorted, JSON fields' too: PostgreSQL's jsonb keeps its own key order, SQLite the
    # order written, and the same inspection must give the same archive from either.
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
    )
    return text.encode()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload, compresslevel=9)
    return buffer.getvalue()


def _migrations(app_labels: Iterable[str]) -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    return {
        app: sorted(name for label, name in applied if label == app)
        for app in sorted(set(app_labels))
    }


def _app_version() -> str:
    try:
        return metadata.version("ilacs-planner")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Export ---------------------------------------------------------------------------------


def export_inspection(inspection: Inspection) -> bytes:
    """The archive of one inspection (see the module's docstring)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # every read from one snapshot, however many people are editing meanwhile
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _export(Inspection.objects.get(pk=inspection.pk))


def _export(inspection: Inspection) -> bytes:
    models_ = owned_models()
    owned = set(models_)
    pks = _owned_pks(inspection, models_)
    tables: dict[str, Any] = {}
    shared_ids: dict[Any, set[Any]] = {}
    counts: dict[str, int] = {}
    for model in models_:
        columns = _columns(model)
        rows = _fetch(model, pks[model], columns)
        transient = TRANSIENT_FIELDS.get(_label(model), frozenset())
        blank = {
            i: model._meta.get_field(c).get_default()
            for i, c in enumerate(columns)
            if c in transient
        }
        if blank:
            rows = [tuple(blank.get(i, v) for i, v in enumerate(row)) for row in rows]
        for column, shared in _shared_refs(model, owned):
            at = columns.index(column)
            shared_ids.setdefault(shared, set()).update(r[at] for r in rows if r[at] is not None)
        _check_closed(model, columns, rows, pks, owned)
        tables[_label(model)] = {
            "columns": columns,
            "rows": [[_encode(v) for v in row] for row in rows],
        }
        counts[_label(model)] = len(rows)
    shared_tables: dict[str, Any] = {}
    for model in sorted(shared_ids, key=_label):
        columns = _shared_columns(model)
        for name in columns:
            if SECRET_LIKE.search(name):
                raise BackupError(f"{_label(model)}.{name} looks like a secret: cannot carry it.")
        # ids of rows since deleted (a removed account in the audit trail) stay bare numbers
        rows = _fetch(model, shared_ids[model], columns)
        shared_tables[_label(model)] = {
            "match": _natural_key(model),
            "columns": columns,
            "rows": [[_encode(v) for v in row] for row in rows],
        }
        counts[_label(model)] = len(rows)
    data = _dumps({"shared": shared_tables, "models": tables})
    labels = [m._meta.app_label for m in models_] + [m._meta.app_label for m in shared_ids]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "inspection": inspection.slug,
        "title": inspection.title,
        "migrations": _migrations(labels),
        "counts": dict(sorted(counts.items())),
        "data_sha256": hashlib.sha256(data).hexdigest(),
    }
    return _zip([(MANIFEST, _dumps(manifest)), (DATA, data)])


def _check_closed(
    model: Any, columns: list[str], rows: list[Any], pks: dict[Any, set[Any]], owned: set[Any]
) -> None:
    """Every enforced key of an exported row names an exported row: a row of another
    inspection would otherwise be missing at restore."""
    for f in _keys(model):
        if f.related_model not in owned or not f.db_constraint:
            continue
        at = columns.index(f.attname)
        stray = sorted(
            r[at] for r in rows if r[at] is not None and r[at] not in pks[f.related_model]
        )
        if stray:
            raise BackupError(
                f"{_label(model)}.{f.name} names {_label(f.related_model)} {stray[:5]}, which "
                "belong to another inspection: fix those rows before exporting."
            )


# --- Import ---------------------------------------------------------------------------------


@dataclass
class _Table:
    model: Any
    columns: list[str]
    rows: list[list[Any]]  # decoded values, in `columns` order


@dataclass
class _Archive:
    manifest: dict[str, Any]
    shared: dict[str, tuple[_Table, list[str]]]  # label -> (table, match columns)
    tables: dict[str, _Table]


def restore(payload: bytes) -> Restored:
    """Restore an archive into a database without its inspection; all or nothing."""
    archive = _read(payload)
    _check_references(archive)
    slug = archive.manifest["inspection"]
    try:
        with transaction.atomic():  # the checks too: no other restore slips in between
            if Inspection.objects.filter(slug=slug).exists():
                raise BackupError(
                    f"an inspection {slug!r} already exists here: nothing was restored. "
                    "Restore into an empty database, or delete that inspection first."
                )
            _refuse_taken_ids(archive)
            return _write(archive)
    except DatabaseError as exc:
        raise BackupError(
            f"the database refused the archive's rows ({exc}): nothing was restored."
        ) from exc


def _read(payload: bytes) -> _Archive:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            manifest_raw = _member(archive, MANIFEST)
            data_raw = _member(archive, DATA)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise BackupError(f"not an inspection archive (not a readable zip file: {exc}).") from exc
    manifest = _load_json(manifest_raw, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"not an inspection archive ({MANIFEST} does not say {FORMAT}).")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            f"archive format version {version!r}; this planner reads version {FORMAT_VERSION}."
        )
    for key, kind in (("inspection", str), ("migrations", dict), ("data_sha256", str)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{MANIFEST} has no valid {key!r}.")
    if hashlib.sha256(data_raw).hexdigest() != manifest["data_sha256"]:
        raise BackupError(f"{DATA} is damaged: its checksum does not match {MANIFEST}.")
    _check_migrations(manifest["migrations"])
    data = _load_json(data_raw, DATA)
    if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
        raise BackupError(f"{DATA} holds no models.")
    tables = _tables(data["models"])
    inspection = tables[_label(Inspection)]
    slug_at = inspection.columns.index("slug")
    if [row[slug_at] for row in inspection.rows] != [manifest["inspection"]]:
        raise BackupError(f"{DATA} does not hold the one inspection {MANIFEST} names.")
    shared = _shared_tables(data.get("shared", {}))
    return _Archive(manifest=manifest, shared=shared, tables=tables)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BackupError(f"not an inspection archive (no {name} inside).") from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise BackupError(f"{name} is implausibly large ({info.file_size} bytes).")
    return archive.read(info)


def _load_json(raw: bytes, name: str) -> Any:
    try:
        return json.loads(raw.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{name} is not valid JSON ({exc}).") from exc


def _check_migrations(wanted: dict[str, Any]) -> None:
    here = _migrations(wanted)
    differ = [app for app in sorted(wanted) if here.get(app) != wanted[app]]
    if differ:
        lines = [
            f"{app}: archive at {_last(wanted[app])}, this database at {_last(here.get(app))}"
            for app in differ
        ]
        raise BackupError(
            "the archive was written by another version of the planner ("
            + "; ".join(lines)
            + "). Migrate this empty database to the archive's migrations "
            "(manage.py migrate <app> <migration>), restore, then migrate forward."
        )


def _last(names: Any) -> str:
    return str(names[-1]) if isinstance(names, list) and names else "no migrations"


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        raise BackupError(f"{DATA} names a model this planner does not have: {label!r}.") from None


def _decoded_rows(model: Any, label: str, columns: Any, rows: Any) -> list[list[Any]]:
    if not isinstance(columns, list) or not isinstance(rows, list):
        raise BackupError(f"{DATA}: {label} has no columns or rows.")
    by_column = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in columns if name not in by_column]
    if unknown:
        raise BackupError(f"{DATA}: {label} has no field {unknown[0]!r} here.")
    fields = [by_column[name] for name in columns]
    out = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, list) or len(row) != len(columns):
            raise BackupError(f"{DATA}: {label} row {number} does not match its columns.")
        try:
            out.append([_decode(f, v) for f, v in zip(fields, row, strict=True)])
        except (ValidationError, ValueError, TypeError) as exc:
            raise BackupError(f"{DATA}: {label} row {number}: {exc}") from exc
    return out


def _tables(raw: dict[str, Any]) -> dict[str, _Table]:
    expected = {_label(m): m for m in owned_models()}
    if set(raw) != set(expected):
        missing, extra = sorted(set(expected) - set(raw)), sorted(set(raw) - set(expected))
        raise BackupError(
            f"{DATA} does not match this planner's models (missing {missing}, unknown {extra})."
        )
    tables = {}
    for label, model in expected.items():
        spec = raw[label]
        if not isinstance(spec, dict) or spec.get("columns") != _columns(model):
            raise BackupError(f"{DATA}: the columns of {label} are not this planner's.")
        rows = _decoded_rows(model, label, spec["columns"], spec.get("rows"))
        tables[label] = _Table(model, spec["columns"], rows)
    return tables


def _shared_tables(raw: Any) -> dict[str, tuple[_Table, list[str]]]:
    if not isinstance(raw, dict):
        raise BackupError(f"{DATA}: 'shared' is not a table list.")
    out = {}
    for label, spec in sorted(raw.items()):
        model = _model(label)
        if not isinstance(spec, dict) or spec.get("columns") != _shared_columns(model):
            raise BackupError(f"{DATA}: the columns of shared {label} are not this planner's.")
        if spec.get("match") != _natural_key(model):
            raise BackupError(f"{DATA}: shared {label} is matched by another key here.")
        rows = _decoded_rows(model, label, spec["columns"], spec.get("rows"))
        out[label] = (_Table(model, spec["columns"], rows), spec["match"])
    return out


def _refuse_taken_ids(archive: _Archive) -> None:
    for label in sorted(archive.tables, key=lambda label: (label != _label(Inspection), label)):
        table = archive.tables[label]
        ids = [row[0] for row in table.rows]
        taken: list[Any] = []
        for chunk in _chunks(ids):
            query = table.model._base_manager.filter(pk__in=chunk).order_by("pk")
            taken.extend(query.values_list("pk", flat=True)[:5])
        if taken:
            raise BackupError(
                f"this database already holds {label} rows with the archive's ids "
                f"(e.g. {taken[:5]}): nothing was restored. Restore into an empty database "
                "(after manage.py migrate)."
            )


def _check_references(archive: _Archive) -> None:
    """Every enforced key names a row the archive brings: a clear refusal, not a database error."""
    ids = {label: {row[0] for row in t.rows} for label, t in archive.tables.items()}
    ids.update({label: {row[0] for row in t.rows} for label, (t, _) in archive.shared.items()})
    for label, table in archive.tables.items():
        for f in _keys(table.model):
            if not f.db_constraint:
                continue
            at = table.columns.index(f.attname)
            target = _label(f.related_model)
            stray = sorted(
                {r[at] for r in table.rows if r[at] is not None} - ids.get(target, set())
            )
            if stray:
                raise BackupError(
                    f"{DATA}: {label}.{f.name} names {target} {stray[:5]}, "
                    "which the archive does not hold."
                )


def _write(archive: _Archive) -> Restored:
    remap, created, matched = _restore_shared(archive)
    inserted: list[Any] = []
    rows = 0
    renewed = 0
    owned = {t.model for t in archive.tables.values()}
    for label in _insert_order(archive.tables):  # PostgreSQL's triggers read earlier rows
        table = archive.tables[label]
        model = table.model
        refs = [
            (table.columns.index(column), remap.get(_label(shared), {}))
            for column, shared in _shared_refs(model, owned)
        ]
        objs = []
        for row in table.rows:
            values = list(row)
            for at, ids in refs:
                values[at] = ids.get(values[at], values[at])
            obj = model(**dict(zip(table.columns, values, strict=True)))
            hook = RESTORE_SECRETS.get(label)
            if hook is not None:
                renewed += hook(obj)
            objs.append(obj)
        _insert(model, objs)
        inserted.append(model)
        rows += len(objs)
    _reset_sequences(inserted + [t.model for t, _ in archive.shared.values()])
    inspection = Inspection.objects.get(slug=archive.manifest["inspection"])
    return Restored(inspection, rows, created, matched, renewed)


def _restore_shared(
    archive: _Archive,
) -> tuple[dict[str, dict[Any, Any]], list[str], list[str]]:
    """Each shared row matched by its natural key, or created (keeping its id when free)."""
    remap: dict[str, dict[Any, Any]] = {}
    created: list[str] = []
    matched: list[str] = []
    user_model = _user_model()
    for label, (table, match) in archive.shared.items():
        model = table.model
        remap[label] = {}
        for row in table.rows:
            values = dict(zip(table.columns, row, strict=True))
            key = {name: values[name] for name in match}
            name = " ".join(str(v) for v in key.values())
            found = model._base_manager.filter(**key).first()
            if found is None:
                pk = values.pop(model._meta.pk.attname)
                found = model(**values)
                if not model._base_manager.filter(pk=pk).exists():
                    found.pk = pk
                if model is user_model:
                    found.set_unusable_password()  # no hash travels: see the docstring
                    created.append(name)
                found.save(force_insert=True)
            elif model is user_model:
                matched.append(name)
            remap[label][row[0]] = found.pk
    return remap, created, matched


def _insert_order(tables: dict[str, _Table]) -> list[str]:
    """Models after the ones their enforced keys name (ties by label). The database checks
    keys only at commit, but a trigger filling a derived table reads the rows already there."""
    by_model = {t.model: label for label, t in tables.items()}
    needs = {
        label: {
            by_model[f.related_model]
            for f in _keys(t.model)
            if f.db_constraint and f.related_model in by_model and f.related_model is not t.model
        }
        for label, t in tables.items()
    }
    order: list[str] = []
    while needs:
        ready = sorted(label for label, deps in needs.items() if deps <= set(order))
        if not ready:  # a cycle: the deferred constraints cope
            ready = sorted(needs)
        order.extend(ready)
        for label in ready:
            del needs[label]
    return order


def _insert(model: Any, objs: list[Any]) -> None:
    """Rows as they were: no save() (no auto_now dates, no history rows, no signals)."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    size = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
    for chunk in _chunks(objs, min(size, 500)):
        model._base_manager._insert(chunk, fields=fields, raw=True, using=connection.alias)


def _reset_sequences(models_: list[Any]) -> None:
    """PostgreSQL's id sequences past the restored ids, so new rows do not collide."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _mint_feed_secret(token: Any) -> int:
    """A working link gets a new secret (the old one never travelled); a revoked one stays so."""
    assert isinstance(token, FeedToken)
    token.salt = secrets.token_hex(tokens.SALT_BYTES)
    working = token.revoked_at is None
    token.secret_hash = tokens.hash_secret(tokens.secret_for(token)) if working else None
    return int(working)


RESTORE_SECRETS: dict[str, Callable[[Any], int]] = {"calendars.feedtoken": _mint_feed_secret}
