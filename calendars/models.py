"""Private feed links. Only a hash of each secret is stored; the secret itself is derived
(HMAC of SECRET_KEY over the row's id and random salt) so the project team can show it again."""

from __future__ import annotations

from django.db import models

from inspections.audit import audit_history


class FeedKind(models.TextChoices):
    INSPECTOR = "inspector", "Inspector's diary"
    PERSON = "person", "Person's meetings"
    ROOM = "room", "Room"
    VENUE = "venue", "Venue"
    INSPECTION = "inspection", "Whole inspection"
    DEADLINES = "deadlines", "Project team deadlines"


class FeedTokenQuerySet(models.QuerySet["FeedToken"]):
    def active(self) -> FeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True, secret_hash__isnull=False)

    def for_inspection(self, inspection: object) -> FeedTokenQuerySet:
        return self.filter(inspection=inspection)


class FeedToken(models.Model):
    """One subscriber's feed: who (kind + ref) and the hash of the secret in its URL."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="feed_tokens"
    )
    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    # Inspector.ref / Person.ref / room key / venue key; "" for the whole inspection and deadlines.
    ref = models.CharField(max_length=200, blank=True, default="")
    label = models.CharField(max_length=255)
    salt = models.CharField(max_length=64)  # hex of 16+ random bytes; new on regenerate/revoke
    secret_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    regenerated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # showing a link changes nothing else; this makes "shown" a change the audit trail keeps
    last_shown_at = models.DateTimeField(null=True, blank=True)

    objects = FeedTokenQuerySet.as_manager()
    # never the salt or the hash: together with SECRET_KEY the salt would rebuild the link
    history = audit_history(excluded_fields=["salt", "secret_hash"])
    audit_kind = "feed link"  # what the audit trail calls one

    class Meta:
        ordering = ["kind", "label"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind", "ref"], name="feed_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
