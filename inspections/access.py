"""Who may see and change an inspection: the one lookup every page uses, and the one check
every service that changes things makes again (so a command or a background task cannot
go round the pages).

Superusers may do everything; anyone else needs a Membership of the inspection. A user who is
not a member gets 404 (the inspection's existence is not revealed); a member whose role is
too low gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from inspections.models import Inspection, Membership, PersonKind, Role


class NotAllowed(PermissionDenied):
    """The user's role on this inspection does not allow the action."""


def membership_for(user: Any, inspection: Inspection) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_memberships", {})
    if inspection.pk not in cache:
        cache[inspection.pk] = (
            Membership.objects.select_related("person")
            .filter(inspection=inspection, user=user)
            .first()
        )
    return cache[inspection.pk]


def role_of(user: Any, inspection: Inspection) -> Role | None:
    """The user's role on the inspection (superusers are coordinators), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.COORDINATOR
    membership = membership_for(user, inspection)
    return Role(membership.role) if membership else None


def can(user: Any, inspection: Inspection, need: Role) -> bool:
    role = role_of(user, inspection)
    return role is not None and role.allows(need)


def require(actor: Any, inspection: Inspection, need: Role) -> None:
    """For services: refuse an actor whose role is below `need`. `actor=None` is the system
    itself (a management command run by the operator, or the scenario loader)."""
    if actor is None:
        return
    if not can(actor, inspection, need):
        label = Role(need).label.lower()
        raise NotAllowed(f"Only a {label} (or above) of {inspection.title} may do this.")


def visible_inspections(user: Any) -> Any:
    """The inspections a user may open: all for superusers, else their memberships'."""
    if user.is_superuser:
        return Inspection.objects.all()
    return Inspection.objects.filter(memberships__user=user)


def inspection_for(request: HttpRequest, slug: str, need: Role = Role.VIEWER) -> Inspection:
    """The inspection named by `slug`: 404 unless the user may see it, 403 below `need`."""
    inspection = get_object_or_404(Inspection, slug=slug)
    role = role_of(request.user, inspection)
    if role is None:
        raise Http404("No such inspection.")
    if not role.allows(need):
        raise NotAllowed(f"Your role on {inspection.title} does not allow this.")
    request.inspection_role = role  # type: ignore[attr-defined]
    return inspection


def person_for(user: Any, inspection: Inspection) -> Any:
    """The council Person the user is in this inspection (Membership.person), or None."""
    membership = membership_for(user, inspection)
    return membership.person if membership else None


def sees_all_child_ids(user: Any, inspection: Inspection) -> bool:
    """Project team and above see every child ID; staff only those of meetings they attend
    (check with the meeting), viewers none (counts only)."""
    return can(user, inspection, Role.PROJECT_TEAM)


def sees_concerns(user: Any, inspection: Inspection) -> bool:
    """Concerns about a child: the coordinator and senior leaders only (a member whose
    council person is a senior leader, whatever their role), never anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if can(user, inspection, Role.COORDINATOR):
        return True
    membership = membership_for(user, inspection)
    return bool(
        membership and membership.person and membership.person.kind == PersonKind.SENIOR_LEADER
    )
