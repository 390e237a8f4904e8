from __future__ import annotations

import datetime as dt

from django.db import models


class VenueKind(models.TextChoices):
    HUB = "hub", "Council hub"
    OFFICE = "office", "Office"
    COMMUNITY = "community", "Community venue"
    SCHOOL = "school", "School"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    COURT = "court", "Court"
    OTHER = "other", "Other"


class VenueQuerySet(models.QuerySet["Venue"]):
    def for_inspection(self, inspection) -> VenueQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(inspection=inspection)


class Venue(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="venues"
    )
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=20, choices=VenueKind.choices, default=VenueKind.OFFICE)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="venue_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Travel(models.Model):
    """Driving minutes between two venues; one row per pair, read in both directions."""

    origin = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="travel_from")
    destination = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="travel_to")
    minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["origin__name", "destination__name"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination"], name="travel_pair_unique"),
        ]
        verbose_name_plural = "travel times"

    def __str__(self) -> str:
        return f"{self.origin} – {self.destination}: {self.minutes} min"


class RoomQuerySet(models.QuerySet["Room"]):
    def for_inspection(self, inspection) -> RoomQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(venue__inspection=inspection)


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    ref = models.CharField(max_length=64)
    name = models.CharField(max_length=120)
    capacity = models.PositiveIntegerField()
    equipment = models.JSONField(default=list, blank=True, help_text='e.g. ["screen", "teams_kit"]')
    opens = models.TimeField(default=dt.time(8, 0), help_text="Bookable from (UK time).")
    closes = models.TimeField(default=dt.time(18, 0), help_text="Bookable until (UK time).")
    active = models.BooleanField(default=True, help_text="Untick when the room is lost.")
    inspectors_base = models.BooleanField(
        default=False,
        help_text="The inspectors' base room: theirs alone on site, never booked for a meeting.",
    )

    objects = RoomQuerySet.as_manager()

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "ref"], name="room_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.venue.name}"
