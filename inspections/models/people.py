from __future__ import annotations

from django.db import models

from inspections.audit import audit_history


class PersonKind(models.TextChoices):
    PROJECT_TEAM = "project_team", "Project team"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    PRACTITIONER = "practitioner", "Practitioner"
    PARTNER = "partner", "Partner"


class PersonRole(models.TextChoices):
    # project team
    COORDINATOR = "coordinator", "Coordinator"
    OFSTED_LEAD = "ofsted_lead", "Ofsted improvement lead"
    PERFORMANCE = "performance", "Performance analyst"
    LCS = "lcs", "Children's records system (LCS)"
    PA = "pa", "PA"
    IT = "it", "IT"
    BUILDING = "building", "Building management"
    SENIOR_LEADERSHIP = "senior_leadership", "Senior leadership"
    # public offices: roles, never real names
    DCS = "dcs", "Director of Children's Services"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive"
    PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio Holder"
    LEADER = "leader", "Leader of the Council"
    # anyone else
    NONE = "", "—"


class PersonQuerySet(models.QuerySet["Person"]):
    def project_team(self) -> PersonQuerySet:
        return self.filter(kind=PersonKind.PROJECT_TEAM)

    def practitioners(self) -> PersonQuerySet:
        return self.filter(kind=PersonKind.PRACTITIONER)

    def with_role(self, role: str) -> PersonQuerySet:
        return self.filter(role=role)


class Person(models.Model):
    """A council officer, practitioner or partner taking part in the inspection."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="people"
    )
    ref = models.CharField(
        max_length=64, help_text="Stable identifier within the inspection (import key)."
    )
    full_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PersonKind.choices)
    role = models.CharField(max_length=32, choices=PersonRole.choices, blank=True, default="")
    job_title = models.CharField(max_length=120, blank=True)
    team = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    objects = PersonQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="person_ref_unique"),
        ]
        indexes = [models.Index(fields=["inspection", "kind"])]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.full_name

    @property
    def description(self) -> str:
        bits = [
            self.get_role_display() if self.role else self.job_title,
            self.team or self.organisation,
        ]
        return ", ".join(b for b in bits if b)


class InspectorRole(models.TextChoices):
    LEAD = "lead", "Lead inspector (HMI)"
    TEAM = "team", "Team inspector"
    SCHOOLS = "schools", "HMI for schools"
    QA = "qa", "Quality-assurance inspector"


class Inspector(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="inspectors"
    )
    ref = models.CharField(max_length=64)
    full_name = models.CharField(max_length=120)
    role = models.CharField(max_length=16, choices=InspectorRole.choices)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # Day numbers (not dates) so moving day one re-dates them.
    onsite_days = models.JSONField(default=list, blank=True)
    # The timetable planner's per-inspector rules.
    max_case_meetings_per_day = models.PositiveSmallIntegerField(
        default=4, help_text="Most case meetings the planner gives this inspector in a day."
    )
    lunch_waived = models.BooleanField(
        default=False, help_text="The inspector needs no lunch break kept free in the timetable."
    )

    history = audit_history()

    class Meta:
        ordering = ["role", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="inspector_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @property
    def is_lead(self) -> bool:
        return self.role == InspectorRole.LEAD
