"""Keeping-in-touch meetings: what was said at each (notes) and what the council must do
(actions), carried onto the next KIT's agenda until closed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from inspections.audit import audit_history


class KitNote(models.Model):
    """One per KIT meeting (the lead inspector's with the DCS, and the internal ones)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="kit_notes"
    )
    meeting = models.OneToOneField(
        "scheduling.Meeting", on_delete=models.CASCADE, related_name="kit_note"
    )
    themes = models.TextField(blank=True, help_text="Emerging themes.")
    strengths = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    requests_made = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    def __str__(self) -> str:
        return f"Notes: {self.meeting}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class KitActionQuerySet(models.QuerySet["KitAction"]):
    def open(self) -> KitActionQuerySet:
        return self.filter(status=ActionStatus.OPEN)

    def carried_to(self, kit_start: dt.datetime) -> KitActionQuerySet:
        """The actions on the agenda of a KIT starting at `kit_start`: open, raised before it."""
        return self.open().filter(raised_at__lt=kit_start)


class KitAction(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="kit_actions"
    )
    meeting = models.ForeignKey(
        "scheduling.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kit_actions",
        help_text="The KIT it was agreed at.",
    )
    text = models.TextField()
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kit_actions",
    )
    raised_at = models.DateTimeField(help_text="When it was agreed (the KIT's start).")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KitActionQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["inspection", "raised_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN
