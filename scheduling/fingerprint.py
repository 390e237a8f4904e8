"""A fingerprint of everything the draft's clash check reads, in one query.

The dashboard caches the draft's clash list under it (planner.services.schedule_notices), so it
must change whenever the check's answer can. It is read from the rows themselves, not from a
counter every writer must remember to bump, so no writer can forget it. For each table
scheduling.problem_builder.build reads, one sum over the inspection's rows of
id × (1 + a weighted sum of the columns the check uses: numbers as they are, times and moments
in seconds, text and JSON by length): adding, removing or editing a row moves it, and m2m
.set()/.clear() shows because the through rows come back with new ids. Meetings, inspectors
and people also give their newest history id (every save() writes one, frozen clock or not)
and meetings their newest updated_at; a meeting's slot (start, end, room, venue) is summed
itself, so even a raw .update() of it that forgot Meeting.version shows. Not seen: a raw
.update() that bumps no version and changes no summed column (a meeting's window or title
alone; a room renamed to a name as long). Every service's raw UPDATE of meetings bumps
Meeting.version.

The SQL is compiled once per process (the ORM takes longer to build its ~17 subqueries than
the database takes to run them) and run with the inspection's id.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    Expression,
    F,
    Func,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Length

from inspections.models import Inspection, Inspector, Person
from scheduling.models import Meeting, MeetingType, Room, Travel, Unavailability, Venue

# An id no inspection has: the compiled SQL's placeholder for the inspection's id.
_SENTINEL = -7_919_000_001
_WEIGHTS = (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83)


def _text(name: str) -> Expression:
    return Length(Cast(name, TextField()))


class _Seconds(Func):
    """A time or moment as whole seconds, natively (Extract is a Python function on SQLite,
    called per row): seconds since midnight for a time, since the epoch for a moment."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(EXTRACT(EPOCH FROM %(expressions)s) AS BIGINT)"
        )

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        if "template" not in extra:  # another database: the text's length, still a change
            return Length(Cast(self.source_expressions[0], TextField())).as_sql(
                compiler, connection
            )
        return super().as_sql(compiler, connection, **extra)


def _seconds(name: str) -> Expression:
    return _Seconds(F(name))


def _number(name: str) -> Expression:
    return Cast(name, BigIntegerField())


def _flag(name: str) -> Expression:
    # PostgreSQL casts a boolean to integer but not to bigint
    return Case(When(**{name: True}, then=1), default=0, output_field=BigIntegerField())


def _checksum(qs: QuerySet[Any], columns: list[Combinable]) -> Subquery:
    """SUM(id * (1 + Σ weight × column)) over qs: one scalar subquery, no GROUP BY."""
    row: Expression = Value(1, output_field=BigIntegerField())
    for weight, column in zip(_WEIGHTS, columns, strict=False):
        row = row + Coalesce(Cast(column, BigIntegerField()), 0) * weight
    total = Func(Cast(F("pk"), BigIntegerField()) * row, function="SUM")
    total.output_field = BigIntegerField()
    return Subquery(qs.order_by().annotate(v=total).values("v")[:1])


def _newest(qs: QuerySet[Any], column: str, output: Any = None) -> Subquery:
    newest = Func(F(column), function="MAX", output_field=output or BigIntegerField())
    return Subquery(qs.order_by().annotate(v=newest).values("v")[:1])


def _through(field: Any, meetings: QuerySet[Any]) -> Subquery:
    through = field.through
    source = field.field.m2m_field_name()
    target = field.field.m2m_reverse_field_name()
    rows = through._default_manager.filter(**{f"{source}__in": meetings.values("pk")})
    return _checksum(rows, [F(f"{target}_id"), F(f"{source}_id")])


def _query(inspection_id: int) -> QuerySet[Any]:
    meetings = Meeting.objects.filter(inspection_id=inspection_id)
    parts = {
        # Every writer of a placement bumps Meeting.version (apply_solution, the move and
        # cancel forms' guarded UPDATEs, clearing placements when day one moves) and every
        # save() stamps updated_at and writes history: the integer columns below catch what
        # a raw .update() of anything else could still change (times and text are costly to
        # sum on SQLite, row by row).
        "meetings": _checksum(
            meetings,
            [
                F("version"),
                F("meeting_type_id"),
                F("duration"),
                F("inspectors_needed"),
                F("family_count"),
                F("fixed_day"),
                _number("room_id"),
                _number("venue_id"),
                _number("placed_venue_id"),
                _seconds("start"),  # the slot itself, whoever writes it
                _seconds("end"),
            ],
        ),
        "meetings_updated": _newest(meetings, "updated_at", DateTimeField()),
        "meetings_saved": _newest(
            Meeting.history.filter(inspection_id=inspection_id), "history_id"
        ),
        "assigned": _through(Meeting.assigned_inspectors, meetings),
        "required": _through(Meeting.required_inspectors, meetings),
        "attendees": _through(Meeting.attendees, meetings),
        "follows": _through(Meeting.follows, meetings),
        "absences": _checksum(
            Unavailability.objects.filter(inspection_id=inspection_id),
            [
                _number("inspector_id"),
                _number("person_id"),
                _seconds("start"),
                _seconds("end"),
            ],
        ),
        "inspectors": _checksum(
            Inspector.objects.filter(inspection_id=inspection_id),
            [
                F("max_case_meetings_per_day"),
                _flag("lunch_waived"),
                _text("onsite_days"),
                _text("role"),
                _text("ref"),
                _text("full_name"),
            ],
        ),
        "people": _checksum(
            Person.objects.filter(inspection_id=inspection_id),
            [_text("ref"), _text("full_name")],
        ),
        "rooms": _checksum(
            Room.objects.filter(venue__inspection_id=inspection_id),
            [
                F("venue_id"),
                F("capacity"),
                _flag("active"),
                _flag("inspectors_base"),
                _seconds("opens"),
                _seconds("closes"),
                _text("equipment"),
                _text("name"),
            ],
        ),
        "venues": _checksum(
            Venue.objects.filter(inspection_id=inspection_id), [_text("ref"), _text("name")]
        ),
        "travel": _checksum(
            Travel.objects.filter(origin__inspection_id=inspection_id),
            [F("minutes"), F("origin_id"), F("destination_id")],
        ),
        # in-place edits of inspectors and people (no updated_at): each save() writes a
        # history row, so the newest history id moves
        "inspectors_saved": _newest(
            Inspector.history.filter(inspection_id=inspection_id), "history_id"
        ),
        "people_saved": _newest(Person.history.filter(inspection_id=inspection_id), "history_id"),
        "types": _checksum(
            MeetingType.objects.all(),
            [
                _flag("counts_as_case"),
                F("reading_minutes"),
                F("write_up_minutes"),
                _text("key"),
            ],
        ),
    }
    # fp_ prefixed: the inspection has relations called meetings, people, ...
    named = {f"fp_{name}": part for name, part in parts.items()}
    return (
        Inspection.objects.filter(pk=inspection_id)
        .annotate(**named)
        .values("day_one", "inspection_type", "updated_at", *named)
    )


@cache
def _compiled(alias: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = _query(_SENTINEL).query.sql_with_params()
    return sql, tuple(params)


def draft_fingerprint(inspection: Inspection) -> str:
    """Changes whenever the draft's clash check (scheduling.planning.check_draft) can."""
    alias = router.db_for_read(Inspection)
    sql, params = _compiled(alias)
    values = tuple(inspection.pk if p == _SENTINEL else p for p in params)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:32]
