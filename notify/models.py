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
    ALERT = "alert", "Alert to the coordinator"


class Choice(models.TextChoices):
    """What a person has asked to receive (concerns reach those who must see them regardless)."""

    EVERYTHING = "everything", "Everything: digest, reminders, change notices and invitations"
    DIGEST_ONLY = "digest", "The morning digest only"
    NOTHING = "nothing", "Nothing"


# Which kinds of message each choice lets through.
ALLOWED = {
    Choice.EVERYTHING: set(MessageKind),
    Choice.DIGEST_ONLY: {MessageKind.DIGEST},
    Choice.NOTHING: set(),
}


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"  # claimed by one worker; never claimed again
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # retried at next_attempt_at; given up when that is empty
    SKIPPED = "skipped", "Not sent: they asked not to receive it"  # recorded, never sent


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
    # One file sent with it: an invitation's .ics, the lead inspector's timetable workbook.
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=120, blank=True)
    attachment = models.BinaryField(null=True, blank=True)

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


class Preference(models.Model):
    """One person's or inspector's choice of what the planner e-mails them; none means
    everything. `timetable_workbook`: an inspector who asked for the lead inspector's
    timetable workbook with the digest."""

    person = models.OneToOneField(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    inspector = models.OneToOneField(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notify_preference",
    )
    choice = models.CharField(max_length=16, choices=Choice.choices, default=Choice.EVERYTHING)
    timetable_workbook = models.BooleanField(
        default=False, help_text="Send the day's timetable workbook with the morning digest."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=True) & Q(inspector__isnull=False))
                | (Q(person__isnull=False) & Q(inspector__isnull=True)),
                name="preference_one_owner",
            ),
        ]

    def __str__(self) -> str:
        who = self.person or self.inspector
        return f"{who}: {self.get_choice_display()}"
