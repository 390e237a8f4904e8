"""What people and inspectors choose to receive from the planner: set in one place.

A member chooses for themself (the council person their membership links to); the coordinator
sets anyone's, and an inspector's (inspectors have no login) whether they want the lead
inspector's timetable workbook with their morning digest. No row means everything. Whatever
the choice, a concern still reaches those who must see it (notify.delivery, Outgoing.essential).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from inspections.access import person_for, require
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import DomainError
from notify.models import Choice, Preference

CONCERNS_RULE = (
    "Whatever you choose, a concern about a child still reaches those who must see it "
    "(the coordinator and senior leaders)."
)


@dataclass(frozen=True)
class Recipient:
    """One person's or inspector's choice, as the coordinator's list shows it."""

    who: Person | Inspector
    choice: Choice
    timetable_workbook: bool

    @property
    def kind(self) -> str:
        return "inspector" if isinstance(self.who, Inspector) else "person"


def preference_of(who: Person | Inspector) -> Recipient:
    # select_related("notify_preference") fetched it, or there is none (everything)
    pref: Preference | None = getattr(who, "notify_preference", None)
    if pref is None:
        return Recipient(who, Choice.EVERYTHING, False)
    return Recipient(who, Choice(pref.choice), pref.timetable_workbook)


def recipients(inspection: Inspection) -> tuple[list[Recipient], list[Recipient]]:
    """(inspectors, people) of the inspection with their choices: two queries."""
    inspectors = Inspector.objects.filter(inspection=inspection).select_related("notify_preference")
    people = (
        Person.objects.filter(inspection=inspection)
        .select_related("notify_preference")
        .order_by("full_name", "pk")
    )
    return [preference_of(i) for i in inspectors], [preference_of(p) for p in people]


def set_preference(
    inspection: Inspection,
    *,
    actor: Any,
    choice: Choice,
    person: Person | None = None,
    inspector: Inspector | None = None,
    timetable_workbook: bool | None = None,
) -> Preference:
    """Record what `person` or `inspector` receives. Their own choice for a member (their
    membership's person); anyone's for the coordinator. `timetable_workbook` None keeps it."""
    if (person is None) == (inspector is None):
        raise DomainError("Choose one person or one inspector.")
    who: Person | Inspector = person if person is not None else inspector  # type: ignore[assignment]
    if who.inspection_id != inspection.pk:
        raise DomainError(f"{who.full_name} is not part of {inspection.title}.")
    own = person is not None and actor is not None and _is_own(actor, inspection, person)
    require(actor, inspection, Role.VIEWER if own else Role.COORDINATOR)
    if timetable_workbook and person is not None:
        raise DomainError(
            "Only an inspector can have the lead inspector's timetable workbook with the digest."
        )
    if timetable_workbook and choice == Choice.NOTHING:
        raise DomainError(
            "The timetable workbook comes with the morning digest: choose everything or the "
            "morning digest only to send it, or untick the workbook."
        )
    owner = {"person": person} if person is not None else {"inspector": inspector}
    defaults: dict[str, object] = {"choice": choice}
    if timetable_workbook is not None:
        defaults["timetable_workbook"] = timetable_workbook
    with transaction.atomic():
        preference, _ = Preference.objects.update_or_create(**owner, defaults=defaults)
    return preference


def _is_own(actor: Any, inspection: Inspection, person: Person) -> bool:
    mine = person_for(actor, inspection)
    return mine is not None and mine.pk == person.pk


def set_own_preference(inspection: Inspection, *, actor: Any, choice: Choice) -> Preference:
    """The signed-in member's own choice, for the council person their membership names."""
    person = person_for(actor, inspection)
    if person is None:
        raise DomainError(
            f"Your account is not linked to anyone among the people of {inspection.title}, so "
            "the planner cannot tell which e-mails are yours. Ask the coordinator to link it "
            "on the members page."
        )
    return set_preference(inspection, actor=actor, choice=choice, person=person)
