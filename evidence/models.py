"""Evidence trackers of week 1: the library, the audit list, deep-dive children and their packs.

Children appear by child ID only: no names or dates of birth are ever stored here.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from inspections.audit import audit_history

# Deadlines hang off day numbers so moving day one re-dates them (domain brief, report 7.83-7.84).
LIBRARY_DUE = (3, dt.time(12, 0))
CASE_PACKS_DUE = (4, None)  # end of the working day
MAX_DEEP_DIVES = 12


class DocumentStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"
    QUALITY_ASSURED = "quality_assured", "Quality-assured"
    UPLOADED = "uploaded", "Uploaded"


class LibraryDocumentQuerySet(models.QuerySet["LibraryDocument"]):
    def for_inspection(self, inspection: object) -> LibraryDocumentQuerySet:
        return self.filter(inspection=inspection)

    def with_status(self, status: str) -> LibraryDocumentQuerySet:
        return self.filter(status=status)

    def not_quality_assured(self) -> LibraryDocumentQuerySet:
        return self.filter(status__in=[DocumentStatus.REQUESTED, DocumentStatus.RECEIVED])

    def status_counts(self) -> dict[str, int]:
        """Every status, zero included, in one query."""
        counts = dict.fromkeys(DocumentStatus.values, 0)
        for row in self.order_by().values("status").annotate(n=models.Count("pk")):
            counts[row["status"]] = row["n"]
        return counts


class LibraryDocument(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="library_documents"
    )
    ref = models.CharField(max_length=120, help_text="Stable key within the inspection (import).")
    title = models.CharField(max_length=300)
    category = models.CharField(max_length=120)
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_documents",
    )
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.REQUESTED
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = LibraryDocumentQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["category", "title"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="library_ref_unique"),
        ]
        indexes = [models.Index(fields=["inspection", "status"])]

    def __str__(self) -> str:
        return self.title


class Judgement(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class AuditQuerySet(models.QuerySet["Audit"]):
    def for_inspection(self, inspection: object) -> AuditQuerySet:
        return self.filter(inspection=inspection)

    def chosen(self) -> AuditQuerySet:
        return self.filter(deep_dive__isnull=False)

    def summary(self) -> dict[str, int]:
        """total, moderated, loop_closed, chosen and one count per judgement, in one query."""
        agg = self.order_by().aggregate(
            total=models.Count("pk"),
            moderated=models.Count("pk", filter=models.Q(moderated=True)),
            loop_closed=models.Count("pk", filter=models.Q(loop_closed=True)),
            chosen=models.Count("deep_dive"),
            **{
                value: models.Count("pk", filter=models.Q(judgement=value))
                for value in Judgement.values
            },
        )
        return {key: int(value or 0) for key, value in agg.items()}


class Audit(models.Model):
    """A case audit completed in the 6 months before day one (report 7.53, 7.81)."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="audits"
    )
    ref = models.CharField(max_length=120, help_text="Stable key: child ID, date and type.")
    child_id = models.CharField(max_length=32, db_index=True)
    audit_date = models.DateField()
    audit_type = models.CharField(max_length=120)
    judgement = models.CharField(max_length=24, choices=Judgement.choices)
    moderated = models.BooleanField(default=False)
    loop_closed = models.BooleanField(
        default=False, help_text="Closing-the-loop actions done after the audit."
    )
    auditor = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audits_done",
        help_text="Who did the audit: invited to the child's case discussion (report 7.82).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["-audit_date", "child_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="audit_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} · {self.audit_type} · {self.audit_date:%d/%m/%Y}"


class PlanType(models.TextChoices):
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    CARE = "care", "Care plan"
    PATHWAY = "pathway", "Pathway plan"


class DeepDiveQuerySet(models.QuerySet["DeepDive"]):
    def for_inspection(self, inspection: object) -> DeepDiveQuerySet:
        return self.filter(inspection=inspection)

    def with_packs(self) -> DeepDiveQuerySet:
        return self.select_related("audit", "worker").prefetch_related(
            models.Prefetch(
                "parts",
                queryset=CasePackPart.objects.select_related("collator", "qa_by").order_by(
                    "position"
                ),
            )
        )


class DeepDive(models.Model):
    """A child inspectors chose from the audit list (report 7.82); at most 12 per inspection."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="deep_dives"
    )
    child_id = models.CharField(max_length=32)
    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="deep_dive")
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    worker = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deep_dives",
        help_text="The allocated practitioner.",
    )
    chosen_at = models.DateTimeField()

    objects = DeepDiveQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["child_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "child_id"], name="deep_dive_child_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.child_id


class PackPart(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLAN = "plan", "Plan"
    CHRONOLOGY = "chronology", "Chronology"
    SUPERVISION = "supervision", "Supervision record"
    AUDIT_FORM = "audit_form", "Audit form"
    MODERATION = "moderation", "Moderation record"
    CLOSING_THE_LOOP = "closing_the_loop", "Closing-the-loop evidence"


PART_ORDER = [PackPart.ASSESSMENT, PackPart.PLAN, PackPart.CHRONOLOGY, PackPart.SUPERVISION]
# A child chosen from the audit list: inspectors test the audit itself, so its pack also
# carries the audit, its moderation and the closing-the-loop evidence (report 7.53, 7.82).
AUDIT_PART_ORDER = [PackPart.AUDIT_FORM, PackPart.MODERATION, PackPart.CLOSING_THE_LOOP]


def pack_parts(deep_dive: DeepDive) -> list[PackPart]:
    """The one rule for what a child's pack holds: the four case-record documents (7.84),
    and the audit's three when the child was chosen through an audit."""
    return PART_ORDER + (AUDIT_PART_ORDER if deep_dive.audit_id is not None else [])


class CasePackPartQuerySet(models.QuerySet["CasePackPart"]):
    def for_inspection(self, inspection: object) -> CasePackPartQuerySet:
        return self.filter(deep_dive__inspection=inspection)

    def summary(self) -> dict[str, int]:
        agg = self.order_by().aggregate(
            total=models.Count("pk"),
            collated=models.Count("pk", filter=models.Q(collated_at__isnull=False)),
            quality_assured=models.Count("pk", filter=models.Q(qa_at__isnull=False)),
            uploaded=models.Count("pk", filter=models.Q(uploaded_at__isnull=False)),
        )
        return {key: int(value or 0) for key, value in agg.items()}


class CasePackPart(models.Model):
    """One document of a deep-dive child's pack (pack_parts: report 7.84, 7.53), due day 4."""

    deep_dive = models.ForeignKey(DeepDive, on_delete=models.CASCADE, related_name="parts")
    part = models.CharField(max_length=16, choices=PackPart.choices)
    position = models.PositiveSmallIntegerField(default=0)
    collator = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collated_pack_parts",
    )
    collated_at = models.DateTimeField(null=True, blank=True)
    qa_by = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_off_pack_parts",
        verbose_name="quality-assured by",
    )
    qa_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CasePackPartQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["deep_dive", "position"]
        constraints = [
            models.UniqueConstraint(fields=["deep_dive", "part"], name="pack_part_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.deep_dive.child_id}: {self.label}"

    @property
    def label(self) -> str:
        if self.part == PackPart.PLAN:
            return str(PlanType(self.deep_dive.plan_type).label)
        return str(PackPart(self.part).label)
