"""Feedback after every contact with inspectors: a short structured note by the council
attendee or the senior leader who debriefs them."""

from __future__ import annotations

from django.db import models

from inspections.audit import audit_history


class ContactFeedback(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="contact_feedback"
    )
    meeting = models.ForeignKey(
        "scheduling.Meeting", on_delete=models.CASCADE, related_name="feedback_notes"
    )
    author = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_notes",
    )
    attended = models.TextField(blank=True, help_text="Who attended (roles or names of staff).")
    # Short tags ("management oversight", "voice of the child") the rollup groups by.
    theme_tags = models.JSONField(default=list, blank=True)
    themes = models.TextField(blank=True, help_text="Themes heard.")
    strengths = models.TextField(blank=True)
    worries = models.TextField(blank=True)
    follow_ups = models.TextField(blank=True)
    lines = models.ManyToManyField("desk.LineOfEnquiry", blank=True, related_name="feedback_notes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(m2m_fields=["lines"])

    class Meta:
        ordering = ["inspection", "created_at", "pk"]
        verbose_name_plural = "contact feedback"

    def __str__(self) -> str:
        return f"Feedback: {self.meeting}"
