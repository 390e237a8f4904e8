"""The aftermath: the events after the on-site weeks that its tasks are dated from, and the
log of factual-accuracy comments on the draft report."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from inspections.audit import audit_history


class EventKind(models.TextChoices):
    # the values are the template's `after_event` names (inspections.workflow.EVENTS; a
    # test holds them equal)
    DRAFT_REPORT_RECEIVED = "draft_report_received", "Draft report received"
    PUBLICATION_CONFIRMED = "publication_confirmed", "Publication date confirmed by Ofsted"
    FINAL_REPORT_EMBARGOED = "final_report_embargoed", "Embargoed final report received"
    STAFF_EVENT = "staff_event", "Staff event"
    CABINET_MEETING = "cabinet_meeting", "Cabinet meeting"
    FULL_COUNCIL_MEETING = "full_council_meeting", "Full Council meeting"


class AftermathEventQuerySet(models.QuerySet["AftermathEvent"]):
    def event_dates(self) -> dict[str, dt.date]:
        """Kind -> date: what apply_template dates the event's tasks from."""
        return dict(self.values_list("kind", "date"))


class AftermathEvent(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="aftermath_events"
    )
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    date = models.DateField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AftermathEventQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind"], name="aftermath_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.date:%d/%m/%Y}"


class CommentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    SENT = "sent", "Sent to Ofsted"
    ACCEPTED = "accepted", "Accepted by Ofsted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class FactualAccuracyCommentQuerySet(models.QuerySet["FactualAccuracyComment"]):
    def for_inspection(self, inspection: object) -> FactualAccuracyCommentQuerySet:
        return self.filter(inspection=inspection).select_related("agreed_by")


class FactualAccuracyComment(models.Model):
    """One point the council asks Ofsted to correct in the draft report. Child IDs only in the
    text, never names."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="fa_comments"
    )
    paragraph = models.CharField(max_length=20, help_text="The draft report's paragraph.")
    point = models.TextField(help_text="What is inaccurate and what it should say.")
    evidence = models.TextField(blank=True, help_text="What shows it.")
    agreed_by = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fa_comments_agreed",
    )
    status = models.CharField(
        max_length=16, choices=CommentStatus.choices, default=CommentStatus.DRAFT
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FactualAccuracyCommentQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Paragraph {self.paragraph}: {self.point[:60]}"
