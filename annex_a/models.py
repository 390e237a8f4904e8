"""Annexe A per inspection: the eleven lists' checklists, and file checks with their findings.

A file check keeps counts and findings (list, row, column, message, child ID), never the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from inspections.audit import audit_history


class ListStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ISSUES = "issues", "Issues found"
    SIGNED_OFF = "signed_off", "Signed off"
    UPLOADED = "uploaded", "Uploaded"


# Red/amber/green for pages and the Excel export.
STATUS_RAG = {
    ListStatus.NOT_STARTED: "red",
    ListStatus.ISSUES: "red",
    ListStatus.IN_PROGRESS: "amber",
    ListStatus.SIGNED_OFF: "green",
    ListStatus.UPLOADED: "green",
}

# The checklist, in the order the work is done: field name -> what it means.
CHECKLIST = {
    "extract_run": "Extract run from the children's records system",
    "checks_passed": "Data-quality checks passed",
    "reconciled": "Reconciled with performance figures",
    "signed_off": "Signed off by the owner",
    "uploaded": "Uploaded to Ofsted by day 2",
}


class AnnexAListQuerySet(models.QuerySet["AnnexAList"]):
    def signed_off(self) -> AnnexAListQuerySet:
        return self.filter(status__in=[ListStatus.SIGNED_OFF, ListStatus.UPLOADED])

    def not_signed_off(self) -> AnnexAListQuerySet:
        return self.exclude(status__in=[ListStatus.SIGNED_OFF, ListStatus.UPLOADED])

    def uploaded(self) -> AnnexAListQuerySet:
        return self.filter(status=ListStatus.UPLOADED)


class AnnexAList(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="annex_a_lists"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    period_months = models.PositiveSmallIntegerField(default=6)
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annex_a_lists",
    )
    status = models.CharField(
        max_length=16, choices=ListStatus.choices, default=ListStatus.NOT_STARTED
    )
    extract_run = models.BooleanField(default=False)
    checks_passed = models.BooleanField(default=False)
    reconciled = models.BooleanField(default=False)
    signed_off = models.BooleanField(default=False)
    uploaded = models.BooleanField(default=False)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnexAListQuerySet.as_manager()
    history = audit_history()  # the checklist ticks, status, owner and sign-off

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="annex_a_list_unique"),
        ]
        verbose_name = "Annexe A list"

    def __str__(self) -> str:
        return f"List {self.number}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("annex_a:tracker", args=[self.inspection.slug]) + f"#list-{self.number}"

    @property
    def rag(self) -> str:
        return STATUS_RAG.get(ListStatus(self.status), "red")

    def checklist(self) -> list[tuple[str, str, bool]]:
        return [(field, label, bool(getattr(self, field))) for field, label in CHECKLIST.items()]


class CheckStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class FileCheck(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="annex_a_checks"
    )
    file_names = models.JSONField(default=list, help_text="Names of the uploaded files.")
    # Storage names of the uploads while waiting for the check; emptied (files deleted) after.
    stored_files = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=CheckStatus.choices, default=CheckStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    message = models.TextField(blank=True, help_text="Why a file was refused, or a summary.")
    rows = models.PositiveIntegerField(default=0)
    finding_count = models.PositiveIntegerField(default=0)
    # {"3": {"name":..., "source":..., "rows":..., "findings":..., "counts": {...}, "header_map": {...}}}
    list_counts = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=list, blank=True)
    # Distinct child IDs open with an allocated worker on the lists that hold them (lists 6-9:
    # report 7.80's "children allocated to social workers"); None: none of them was checked.
    allocated_children = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Annexe A check {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (CheckStatus.DONE, CheckStatus.REFUSED, CheckStatus.FAILED)


class Finding(models.Model):
    check_run = models.ForeignKey(FileCheck, on_delete=models.CASCADE, related_name="findings")
    list_number = models.PositiveSmallIntegerField(null=True, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=255, blank=True)
    message = models.TextField()
    child_id = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=32, blank=True)
    severity = models.CharField(max_length=16, default="error")

    class Meta:
        ordering = ["list_number", "row", "pk"]
        indexes = [models.Index(fields=["check_run", "list_number"])]

    def __str__(self) -> str:
        return self.message


class FindingGroup(models.Model):
    """One kind of finding in one column of one list, as one thing to fix: the count and the
    first rows. A check's groups in `rank` order are what to fix first."""

    check_run = models.ForeignKey(FileCheck, on_delete=models.CASCADE, related_name="groups")
    rank = models.PositiveIntegerField()
    list_number = models.PositiveSmallIntegerField(null=True, blank=True)
    column = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=32, blank=True)
    severity = models.CharField(max_length=16, default="error")
    count = models.PositiveIntegerField(default=1)
    first_rows = models.JSONField(default=list, blank=True)
    message = models.TextField()
    example = models.TextField(blank=True, help_text="The first row's own message.")

    class Meta:
        ordering = ["check_run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["check_run", "rank"], name="finding_group_rank"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def rows_text(self) -> str:
        if not self.first_rows:
            return ""
        shown = ", ".join(str(r) for r in self.first_rows)
        more = self.count - len(self.first_rows)
        plural = "s" if self.count > 1 else ""
        return f"row{plural} {shown}" + (f" and {more:,} more" if more > 0 else "")

    def matches(self, finding: Finding) -> bool:
        """A per-row finding this group counts."""
        return (
            finding.list_number == self.list_number
            and finding.column == self.column
            and finding.kind == self.kind
            and finding.severity == self.severity
            and (self.kind != "dependency" or finding.message == self.example)
        )


class ChildAllocation(models.Model):
    """From the last finished check: which worker and team each child ID is allocated to, and
    nothing else (no name, no date of birth). Replaced whole by each check, so the coordinator
    can propose the worker at once when an inspector names a child for tracking."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="child_allocations"
    )
    check_run = models.ForeignKey(
        FileCheck, on_delete=models.CASCADE, related_name="child_allocations"
    )
    child_id = models.CharField(max_length=32)
    worker = models.CharField(max_length=120, blank=True, help_text="As the list names them.")
    team = models.CharField(max_length=120, blank=True)
    list_number = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "child_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "child_id"], name="child_allocation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} → {self.worker or self.team}"
