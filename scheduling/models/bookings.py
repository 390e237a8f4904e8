from __future__ import annotations

from django.db import models
from django.db.models import Q


class BookingKind(models.TextChoices):
    INSPECTOR = "inspector", "Inspector"
    PERSON = "person", "Person"


class Booking(models.Model):
    """One inspector or person held by one live meeting for [start, end): the rows an exclusion
    constraint can see, since the people in a meeting are many-to-many.

    PostgreSQL only fills it: triggers installed by migration 0004 keep it in step with the
    meeting's slot and status and with its assigned inspectors and attendees, whatever writes
    them (an ORM `.update()` included). Nothing in the app writes or reads it; on SQLite it
    stays empty and the app's checks stand alone.
    """

    meeting = models.ForeignKey(
        "scheduling.Meeting", on_delete=models.CASCADE, related_name="bookings"
    )
    kind = models.CharField(max_length=16, choices=BookingKind.choices)
    resource_id = models.BigIntegerField(help_text="The inspector's or person's primary key.")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "resource_id"], name="booking_once_per_meeting"
            ),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_span"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource_id} in meeting {self.meeting_id}"
