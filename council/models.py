"""The council's year around its inspections. A council is keyed by its name as inspections
store it (Inspection.local_authority): readiness, engagement meetings and self-evaluation
versions outlive any one inspection."""

from __future__ import annotations

import datetime as dt

from django.db import models

from inspections.audit import audit_history

# The standing readiness checklist (report 7.49-7.60): key, title, who usually owns it, and
# how often it is looked at again (days). The intervals are a starting point the council edits.
DEFAULT_ITEMS: tuple[tuple[str, str, str, int], ...] = (
    (
        "self-evaluation",
        "Self-evaluation: what we know, how we know it, plans for the next 12 months",
        "Ofsted lead",
        180,
    ),
    (
        "audit-moderation",
        "Last 6 months of audits moderated, with closing-the-loop evidence",
        "Ofsted lead",
        30,
    ),
    (
        "annex-a-dry-run",
        "Annexe A dry run: all eleven lists extracted and checked",
        "Performance",
        90,
    ),
    (
        "library-index",
        "Library index up to date: every document catalogued with an owner",
        "Ofsted lead",
        90,
    ),
    ("project-team-rota", "Project team rota and daily stand-up agreed", "Coordinator", 90),
    (
        "room-holds",
        "Provisional room holds at the hubs for the likely on-site weeks",
        "Building",
        90,
    ),
    ("it-kit", "Inspector laptops imaged and guest accounts ready to enable", "IT", 90),
    ("contact-lists", "Contact lists: senior leaders, managers, partners, PAs", "Coordinator", 90),
)


class ReadinessItem(models.Model):
    local_authority = models.CharField(max_length=120, db_index=True)
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=120, blank=True, help_text="Who keeps it ready.")
    last_reviewed = models.DateField(null=True, blank=True)
    review_interval_days = models.PositiveIntegerField(default=90)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["local_authority", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "key"], name="readiness_item_key")
        ]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.title}"

    def review_due(self) -> dt.date | None:
        """The last day it still counts as ready; None if it was never reviewed."""
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + dt.timedelta(days=self.review_interval_days)

    def is_ready(self, on_date: dt.date) -> bool:
        """The one readiness rule: reviewed on or before `on_date`, within its interval."""
        if self.last_reviewed is None:
            return False
        interval = dt.timedelta(days=self.review_interval_days)
        return self.last_reviewed <= on_date <= self.last_reviewed + interval

    def gap_text(self, on_date: dt.date) -> str:
        """Why it is not ready on `on_date` (empty when it is)."""
        if self.is_ready(on_date):
            return ""
        if self.last_reviewed is None or self.last_reviewed > on_date:
            return "never reviewed"
        return f"last reviewed {self.last_reviewed:%-d %B %Y}, due every {self.review_interval_days} days"


class ReadinessAtCall(models.Model):
    """An inspection's readiness as it stood on the day of the call: one row per item,
    copied when the inspection is created (and again if its day one moves)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="readiness_at_call"
    )
    on_date = models.DateField()
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=120, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    review_interval_days = models.PositiveIntegerField()
    ready = models.BooleanField()
    gap = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "key"], name="readiness_at_call_key")
        ]

    def __str__(self) -> str:
        return f"{self.title}: {'ready' if self.ready else 'not ready'} on {self.on_date}"


class EngagementMeeting(models.Model):
    """The annual engagement meeting with Ofsted's regional representative."""

    local_authority = models.CharField(max_length=120, db_index=True)
    date = models.DateField()
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.local_authority}: engagement meeting {self.date}"


class SelfEvaluationVersion(models.Model):
    """A version of the self-evaluation shared with Ofsted (the document itself lives elsewhere)."""

    local_authority = models.CharField(max_length=120, db_index=True)
    version = models.CharField(max_length=40)
    date = models.DateField()
    owner = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = audit_history()

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.local_authority}: self-evaluation {self.version} ({self.date})"
