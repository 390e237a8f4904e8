"""Members of an inspection: adding, changing roles, removing. Only coordinators may."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from inspections.access import require
from inspections.models import Inspection, Membership, Person, Role
from inspections.services.errors import DomainError


def find_user(identifier: str) -> Any:
    """A user by username or email (case-insensitive), or a DomainError naming what to do."""
    users = get_user_model()._default_manager
    text = identifier.strip()
    found = list(users.filter(Q(username__iexact=text) | Q(email__iexact=text))[:2])
    if not found:
        raise DomainError(
            f"No user {text!r}: ask them to sign in once, or create their account first."
        )
    if len(found) > 1:
        raise DomainError(f"{text!r} matches more than one user: give the username.")
    return found[0]


@transaction.atomic
def grant(
    inspection: Inspection,
    user: Any,
    role: Role,
    *,
    actor: Any = None,
    person: Person | None = None,
) -> Membership:
    """Make `user` a member with `role` (or change their role)."""
    require(actor, inspection, Role.COORDINATOR)
    if person is not None and person.inspection_id != inspection.pk:
        raise DomainError("That person is not part of this inspection.")
    membership, _ = Membership.objects.select_for_update().get_or_create(
        inspection=inspection, user=user, defaults={"role": role, "person": person}
    )
    if membership.role == Role.COORDINATOR and role != Role.COORDINATOR:
        _keep_a_coordinator(inspection, membership)
    membership.role = role
    if person is not None:
        membership.person = person
    membership.save()
    return membership


@transaction.atomic
def revoke(inspection: Inspection, user: Any, *, actor: Any = None) -> None:
    require(actor, inspection, Role.COORDINATOR)
    membership = (
        Membership.objects.select_for_update().filter(inspection=inspection, user=user).first()
    )
    if membership is None:
        raise DomainError(f"{user} is not a member of {inspection.title}.")
    if membership.role == Role.COORDINATOR:
        _keep_a_coordinator(inspection, membership)
    membership.delete()


def _keep_a_coordinator(inspection: Inspection, leaving: Membership) -> None:
    others = (
        Membership.objects.filter(inspection=inspection, role=Role.COORDINATOR)
        .exclude(pk=leaving.pk)
        .exists()
    )
    if not others:
        raise DomainError(
            f"{inspection.title} needs at least one coordinator: make someone else "
            "coordinator first."
        )
