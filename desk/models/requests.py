"""Requests for information from the inspectors in the on-site weeks: one row each, from
received to sent, and again if it comes back."""

from __future__ import annotations

import datetime as dt

from django.db import models

from inspections.audit import audit_history
from inspections.validators import validate_child_id


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    IN_HAND = "in_hand", "In hand"
    SENT = "sent", "Sent to inspectors or uploaded"
    CLOSED = "closed", "Closed"
    ASKED_AGAIN = "asked_again", "Asked again"


# Still the team's to answer: on day sheets, risks and the deadlines feed.
OPEN_REQUEST_STATUSES = (RequestStatus.NEW, RequestStatus.IN_HAND, RequestStatus.ASKED_AGAIN)


class DueKind(models.TextChoices):
    END_OF_DAY = "end_of_day", "By end of day"
    WITHIN_24_HOURS = "within_24_hours", "Within 24 hours"
    BEFORE_MEETING = "before_meeting", "Before the meeting"
    AT = "at", "By a set time"


class InformationRequestQuerySet(models.QuerySet["InformationRequest"]):
    def open(self) -> InformationRequestQuerySet:
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def overdue_at(self, moment: dt.datetime) -> InformationRequestQuerySet:
        return self.open().filter(due_at__lt=moment)

    def at_risk(self, moment: dt.datetime, within: dt.timedelta) -> InformationRequestQuerySet:
        """Open and due before `moment + within` (overdue ones included): the dashboard's rule."""
        return self.open().filter(due_at__lt=moment + within)


class InformationRequest(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="information_requests"
    )
    number = models.PositiveIntegerField(help_text="R-1, R-2, … within the inspection.")
    text = models.TextField(help_text="What was asked.")
    inspector = models.ForeignKey(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    received_at = models.DateTimeField()
    due_kind = models.CharField(max_length=20, choices=DueKind.choices, default=DueKind.AT)
    due_at = models.DateTimeField()
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    child_id = models.CharField(max_length=32, blank=True, validators=[validate_child_id])
    meeting = models.ForeignKey(
        "scheduling.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    document = models.ForeignKey(
        "evidence.LibraryDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    line = models.ForeignKey(
        "desk.LineOfEnquiry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="information_requests",
    )
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    times_asked = models.PositiveSmallIntegerField(default=1)
    response = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InformationRequestQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="request_number_unique"),
        ]
        indexes = [models.Index(fields=["inspection", "status", "due_at"])]

    def __str__(self) -> str:
        return f"R-{self.number}"

    @property
    def label(self) -> str:
        return f"R-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def is_overdue(self, at: dt.datetime) -> bool:
        """Open and due before `at` (InformationRequestQuerySet.overdue_at is the same in SQL)."""
        return self.is_open and self.due_at < at
