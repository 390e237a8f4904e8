"""Concerns about a child referred back by an inspector. Seen only by the coordinator and
senior leaders (inspections.access.sees_concerns); never in any feed or export but theirs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from inspections.audit import audit_history
from inspections.validators import validate_child_id


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ConcernQuerySet(models.QuerySet["Concern"]):
    def open(self) -> ConcernQuerySet:
        return self.filter(status=ConcernStatus.OPEN)

    def overdue_at(self, moment: dt.datetime) -> ConcernQuerySet:
        return self.open().filter(response_due_at__lt=moment)


class Concern(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="concerns"
    )
    number = models.PositiveIntegerField(help_text="C-1, C-2, … within the inspection.")
    child_id = models.CharField(max_length=32, validators=[validate_child_id])
    raised_by = models.ForeignKey(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
    )
    raised_at = models.DateTimeField()
    text = models.TextField(help_text="What the inspector is worried about. No names.")
    response_due_at = models.DateTimeField()
    outcome = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConcernQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="concern_number_unique"),
        ]

    def __str__(self) -> str:
        return f"C-{self.number}"

    @property
    def label(self) -> str:
        return f"C-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN


class ConcernAction(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concern_actions",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["concern", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
