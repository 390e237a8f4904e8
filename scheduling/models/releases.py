from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from inspections.audit import audit_history


class Release(models.Model):
    """A published timetable: v1 agreed in week 1, then v2, v3 …"""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="releases"
    )
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    changelog = models.JSONField(default=dict, blank=True)

    history = audit_history()

    class Meta:
        ordering = ["inspection", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="release_number_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def label(self) -> str:
        return f"v{self.number}"

    # The changelog's lists (scheduling.releases.diff_rows) as people read them.
    CHANGE_LABELS = (
        ("moved", "moved"),
        ("new", "new"),
        ("cancelled", "cancelled"),
        ("changed", "with people changed"),
        ("unplaced", "not placed"),
    )

    def change_summary(self) -> str:
        """ "3 moved; 1 cancelled" (or "first release"), for notices and lists."""
        log = self.changelog or {}
        parts = [f"{len(log[key])} {label}" for key, label in self.CHANGE_LABELS if log.get(key)]
        return "; ".join(parts) or ("first release" if self.number == 1 else "no changes")


class ReleaseMeeting(models.Model):
    """One meeting as a release froze it: what feeds and day sheets show."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="meetings")
    meeting = models.ForeignKey(
        "scheduling.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting_pk = models.PositiveIntegerField()
    uid = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    meeting_type = models.CharField(max_length=64)
    purpose = models.TextField(blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    mode = models.CharField(max_length=16)
    venue = models.CharField(max_length=120, blank=True)
    venue_address = models.CharField(max_length=255, blank=True)
    room = models.CharField(max_length=120, blank=True)
    teams_url = models.URLField(blank=True)
    inspectors = models.JSONField(default=list)  # [{ref, name, role, kind}]
    attendees = models.JSONField(default=list)
    child_ids = models.JSONField(default=list, blank=True)  # IDs only
    family_count = models.PositiveSmallIntegerField(default=0)
    what_to_bring = models.TextField(blank=True)
    # whom attendees contact about it: a practice observation's chair ("" for most meetings)
    chair = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["start", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "meeting_pk"], name="release_meeting_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.release})"


class PlanRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PlanRunQuerySet(models.QuerySet["PlanRun"]):
    def in_progress(self) -> PlanRunQuerySet:
        return self.filter(status__in=[PlanRunStatus.QUEUED, PlanRunStatus.RUNNING])


class PlanRun(models.Model):
    """A background solve started from the plan page."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="plan_runs"
    )
    status = models.CharField(
        max_length=16, choices=PlanRunStatus.choices, default=PlanRunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent.")
    stage = models.CharField(max_length=120, blank=True)
    time_limit = models.FloatField(default=10.0)
    seed = models.IntegerField(default=0)
    fresh = models.BooleanField(default=False, help_text="Ignore the current draft.")
    summary = models.JSONField(default=dict, blank=True)
    first_summary = models.JSONField(
        default=dict, blank=True, help_text="The instant first plan, shown while CP-SAT refines."
    )
    penalty_history = models.JSONField(
        default=list, blank=True, help_text="[seconds, penalty] of each better plan, first first."
    )
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlanRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Plan run {self.pk} ({self.status})"

    @property
    def first_penalty(self) -> float | None:
        return _penalty(self.first_summary)

    @property
    def penalty_now(self) -> float | None:
        """The refined plan's penalty once done; meanwhile the best found so far."""
        if self.summary:
            return _penalty(self.summary)
        if self.penalty_history:
            return float(self.penalty_history[-1][1])
        return self.first_penalty

    def penalty_line(self) -> str:
        """'Penalty 10,545 → 2,310, 78% lower': the soft penalty from the first plan's to now's."""
        first, now = self.first_penalty, self.penalty_now
        if first is None or now is None:
            return ""
        if now == first:
            return f"Penalty {first:,.0f}"
        line = f"Penalty {first:,.0f} → {now:,.0f}"
        if first > 0 and now < first:
            line += f", {round(100 * (first - now) / first)}% lower"
        return line


def _penalty(summary: dict[str, Any]) -> float | None:
    """A plan summary's soft penalty (PlanResult.as_json), on the one scale of solver.score."""
    value = summary.get("penalty", (summary.get("soft") or {}).get("total"))
    return None if value is None else float(value)
