"""Changes refused because they break hard rules, and the database's own double-booking guard.

On PostgreSQL, exclusion constraints (migration 0004) refuse a room, an inspector or a person
in two overlapping live meetings, whoever writes them (the app, the admin, a shell). They are
deferred to commit, so a change written in steps (the slot, then the inspectors) is judged as
a whole. `refuse_double_booking` checks them at once, inside the caller's transaction, and
turns the database's refusal into the same PlanConflict the app's own checks raise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from inspections.calendar import LONDON, CalendarError
from inspections.models import Inspection, Inspector, Person
from inspections.services.errors import DomainError
from scheduling.models import Meeting, Room
from scheduling.solver.problem import Violation

ROOM_CONSTRAINT = "scheduling_meeting_room_no_overlap"
BOOKING_CONSTRAINT = "scheduling_booking_no_overlap"
CONSTRAINTS = f"{ROOM_CONSTRAINT}, {BOOKING_CONSTRAINT}"

DOUBLE_BOOKED = "That change double-books, so it was not saved:"


class PlanConflict(DomainError):
    """A change that breaks hard rules; `violations` says which, in plain English."""

    def __init__(self, message: str, violations: list[Violation]):
        super().__init__(message)
        self.violations = violations

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(f"  - {v.message}" for v in self.violations)])


def when(inspection: Inspection, moment: dt.datetime) -> str:
    """'day 7 16:30', as the planner's checks say it (a date outside the working days)."""
    local = moment.astimezone(LONDON)
    try:
        return f"day {inspection.calendar.day_for_date(local.date())} {local:%H:%M}"
    except CalendarError:
        return f"{local:%a %-d %b %Y %H:%M}"


def refuse_double_booking() -> None:
    """Check the exclusion constraints now (PostgreSQL); a double booking raises PlanConflict.

    Call it last in a service's transaction, after every write: a refusal at COMMIT would
    otherwise surface as a bare IntegrityError.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {CONSTRAINTS} IMMEDIATE")
    except IntegrityError as exc:
        if not is_double_booking(exc):
            raise
        raise conflict_from(exc) from exc
    with connection.cursor() as cursor:
        # back to checking at commit, for any later step of an enclosing transaction
        cursor.execute(f"SET CONSTRAINTS {CONSTRAINTS} DEFERRED")


def is_double_booking(exc: IntegrityError) -> bool:
    return _constraint(exc) in (ROOM_CONSTRAINT, BOOKING_CONSTRAINT)


def conflict_from(exc: IntegrityError) -> PlanConflict:
    """An exclusion constraint's refusal in plain English: who or what is booked twice, for
    which meetings (read again after the refusal, so the clashing commit is seen)."""
    detail = _detail(exc)
    room = re.search(r"\)=\((\d+), ", detail)
    held = re.search(r"\)=\((inspector|person), (\d+), ", detail)
    violations: list[Violation] = []
    if _constraint(exc) == ROOM_CONSTRAINT and room:
        violations = _room_clashes(int(room.group(1)))
    elif held and held.group(1) == "inspector":
        violations = _inspector_clashes(int(held.group(2)))
    elif held:
        violations = _person_clashes(int(held.group(2)))
    if not violations:
        violations = [
            Violation("double_booking", "A room, inspector or person is in two meetings at once.")
        ]
    return PlanConflict(DOUBLE_BOOKED, violations)


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return str(getattr(diag, "constraint_name", "") or "")


def _detail(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return str(getattr(diag, "message_detail", "") or "")


def _live(meetings: Iterable[Meeting]) -> list[Meeting]:
    return sorted(
        (m for m in meetings if m.start is not None and m.end is not None),
        key=lambda m: (m.start, m.pk),
    )


def _pairs(held: str, rule: str, meetings: list[Meeting]) -> list[Violation]:
    """`held`: "Room 1, Hub is booked for" or "Jo Lee is in", as the planner's checks word it."""
    out = []
    for i, a in enumerate(meetings):
        for b in meetings[i + 1 :]:
            if a.start < b.end and b.start < a.end:  # type: ignore[operator]
                at = when(b.inspection, b.start)  # type: ignore[arg-type]
                out.append(
                    Violation(
                        rule,
                        f"{held} '{a.title}' and '{b.title}' at once ({at}).",
                        (str(a.pk), str(b.pk)),
                    )
                )
    return out


def _room_clashes(room_pk: int) -> list[Violation]:
    room = Room.objects.select_related("venue").filter(pk=room_pk).first()
    if room is None:
        return []
    meetings = Meeting.objects.placed().filter(room=room, mode="in_person")
    return _pairs(
        f"{room} is booked for", "room_clash", _live(meetings.select_related("inspection"))
    )


def _inspector_clashes(inspector_pk: int) -> list[Violation]:
    inspector = Inspector.objects.filter(pk=inspector_pk).first()
    if inspector is None:
        return []
    meetings = Meeting.objects.placed().filter(assigned_inspectors=inspector)
    meetings = meetings.select_related("inspection")
    return _pairs(f"Inspector {inspector.full_name} is in", "inspector_clash", _live(meetings))


def _person_clashes(person_pk: int) -> list[Violation]:
    person = Person.objects.filter(pk=person_pk).first()
    if person is None:
        return []
    meetings = Meeting.objects.placed().filter(attendees=person).select_related("inspection")
    return _pairs(f"{person.full_name} is in", "person_clash", _live(meetings))
