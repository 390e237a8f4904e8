"""Lines of enquiry: what the inspectors said at the set-up meeting they will look at (and
what they add during the inspection), each with what answers it."""

from __future__ import annotations

from django.db import models

from inspections.audit import audit_history
from inspections.validators import validate_child_id


class LineStatus(models.TextChoices):
    OPEN = "open", "Open"
    EVIDENCED = "evidenced", "Evidence gathered"
    CLOSED = "closed", "Closed"


class LineOfEnquiry(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="lines_of_enquiry"
    )
    ref = models.CharField(max_length=32, help_text="Short key, e.g. LOE-3.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lines_of_enquiry",
    )
    status = models.CharField(max_length=16, choices=LineStatus.choices, default=LineStatus.OPEN)
    # True for the lines agreed at the set-up meeting; False for those added on site.
    from_setup_meeting = models.BooleanField(default=True)
    documents = models.ManyToManyField(
        "evidence.LibraryDocument", blank=True, related_name="lines_of_enquiry"
    )
    meetings = models.ManyToManyField(
        "scheduling.Meeting", blank=True, related_name="lines_of_enquiry"
    )
    # IDs only, never names or dates of birth.
    child_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(m2m_fields=["documents", "meetings"])

    class Meta:
        ordering = ["inspection", "ref"]
        verbose_name_plural = "lines of enquiry"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="line_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"

    def clean_child_ids(self) -> None:
        for child_id in self.child_ids:
            validate_child_id(child_id)
