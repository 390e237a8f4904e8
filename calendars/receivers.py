"""Feed links follow their subscriber: connected in CalendarsConfig.ready().

A person, inspector, room or venue that is deleted or renamed has its feed links revoked: a link
given to one practitioner, or to building staff for "Room 2", must not go on showing whoever or
whatever takes that name or ref next. A coordinator regenerates the link for whoever should
have it now. The lower apps know nothing of this: calendars listens to their models' signals.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_delete, pre_save

from calendars import tokens
from calendars.feeds import slug
from calendars.models import FeedKind
from inspections.models import Inspection, Inspector, Person
from scheduling.models import Room, Venue

Identity = tuple[str, ...]
_BEFORE = "_calendars_identity_before_save"  # set by pre_save, read once by post_save


def _identity(instance: Model) -> Identity:
    """What the subscriber is called: a change means a different subscriber."""
    if isinstance(instance, Person | Inspector):
        return (instance.ref, instance.full_name)
    if isinstance(instance, Room):
        return (instance.venue.name, instance.name)
    assert isinstance(instance, Venue)
    return (instance.name,)


def _inspection_id(instance: Model) -> int:
    if isinstance(instance, Room):
        return int(instance.venue.inspection_id)
    return int(instance.inspection_id)  # type: ignore[attr-defined]


def _room_key(venue_name: str, room_name: str) -> str:
    # as calendars.feeds.room_key computes it from a meeting's venue and room names
    return f"{slug(venue_name)}--{slug(room_name)}"


def _links(instance: Model, identity: Identity) -> list[tuple[str, str]]:
    """The (kind, ref) subscribers the row was, under the names in `identity`."""
    if isinstance(instance, Person):
        return [(FeedKind.PERSON, identity[0])]
    if isinstance(instance, Inspector):
        return [(FeedKind.INSPECTOR, identity[0])]
    if isinstance(instance, Room):
        return [(FeedKind.ROOM, _room_key(*identity))]
    # A venue's own feed, and each of its rooms': a room's key carries the venue's name.
    (name,) = identity
    rooms = Room.objects.filter(venue_id=instance.pk).values_list("name", flat=True)
    return [(FeedKind.VENUE, slug(name)), *((FeedKind.ROOM, _room_key(name, r)) for r in rooms)]


def remember_identity(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if raw or instance.pk is None:
        return
    manager = sender._default_manager  # type: ignore[attr-defined]
    old = (manager.select_related("venue") if sender is Room else manager).filter(pk=instance.pk)
    before = old.first()
    setattr(instance, _BEFORE, _identity(before) if before is not None else None)


def revoke_if_renamed(
    sender: type[Model], instance: Model, created: bool = False, raw: bool = False, **_: Any
) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if created or raw or before is None or before == _identity(instance):
        return
    tokens.revoke_subscriber_links(_inspection_id(instance), _links(instance, before))


def revoke_on_delete(sender: type[Model], instance: Model, origin: Any = None, **_: Any) -> None:
    # Deleting the whole inspection deletes its links with it: nothing to revoke one by one.
    if isinstance(origin, Inspection) or (
        isinstance(origin, QuerySet) and origin.model is Inspection
    ):
        return
    tokens.revoke_subscriber_links(_inspection_id(instance), _links(instance, _identity(instance)))


def connect() -> None:
    for model in (Person, Inspector, Room, Venue):
        uid = f"calendars-feed-links-{model._meta.label_lower}"
        pre_save.connect(remember_identity, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(revoke_if_renamed, sender=model, dispatch_uid=f"{uid}-post-save")
        pre_delete.connect(revoke_on_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
