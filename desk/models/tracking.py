"""Case tracking as it arrives: an inspector names a child ID, the coordinator records the
allocated worker and team manager, and "find a slot" books the meeting."""

from __future__ import annotations

from django.db import models

from inspections.audit import audit_history
from inspections.validators import validate_child_id


class TrackingKind(models.TextChoices):
    TRACKING = "case_tracking", "Case tracking"
    DISCUSSION = "case_discussion", "Case discussion"


class TrackingStatus(models.TextChoices):
    NAMED = "named", "Named, not booked"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseTrackingRequest(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="tracking_requests"
    )
    child_id = models.CharField(max_length=32, validators=[validate_child_id])
    kind = models.CharField(
        max_length=20, choices=TrackingKind.choices, default=TrackingKind.TRACKING
    )
    inspector = models.ForeignKey(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracking_requests",
    )
    named_at = models.DateTimeField()
    worker = models.ForeignKey(
        "inspections.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager = models.ForeignKey(
        "inspections.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Where the worker came from: "annex_a" (proposed from the last check) or "entered".
    worker_source = models.CharField(max_length=16, blank=True)
    within_days = models.PositiveSmallIntegerField(
        default=2, help_text="Working days after naming within which to book it."
    )
    meeting = models.OneToOneField(
        "scheduling.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracking_request",
    )
    status = models.CharField(
        max_length=16, choices=TrackingStatus.choices, default=TrackingStatus.NAMED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["inspection", "named_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: child {self.child_id}"
