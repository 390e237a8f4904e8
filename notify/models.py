"""One row per e-mail the planner sends: what, to whom, and what became of it.

A row is created once per dedupe key (a digest per person and day, a notice per change), so
running a job twice writes nothing new; the sender claims a row before sending it, so two
workers never send the same one (notify.delivery).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class MessageKind(models.TextChoices):
    DIGEST = "digest", "Morning digest"
    REMINDER = "reminder", "Reminder"
    CHANGE_NOTICE = "change_notice", "Change notice"
    INVITATION = "invitation", "Invitation"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"  # claimed by one worker; never claimed again
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # retried at next_attempt_at; given up when that is empty


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: dt.datetime) -> MessageQuerySet:
        """Waiting to be sent (new, or failed with a retry due): what the sender may claim."""
        return self.filter(
            status__in=[MessageStatus.PENDING, MessageStatus.FAILED], next_attempt_at__lte=now
        )

    def given_up(self) -> MessageQuerySet:
        return self.filter(status=MessageStatus.FAILED, next_attempt_at__isnull=True)


class Message(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="messages"
    )
    # A council person or an inspector (inspectors are not people of the council).
    person = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    inspector = models.ForeignKey(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    email = models.EmailField(help_text="The address it was sent to (as it was then).")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_answer = models.TextField(blank=True, help_text="The mail server's answer, or the error.")
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(inspector__isnull=True),
                name="message_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email}"

    @property
    def recipient_name(self) -> str:
        who = self.person or self.inspector
        return who.full_name if who else self.email
