"""Who may work on an inspection, and how: one membership per user and inspection."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from inspections.audit import audit_history


class Role(models.TextChoices):
    """Each role can do everything the one before it can."""

    VIEWER = "viewer", "Viewer"  # senior leaders, partners' leads: read only, counts not IDs
    STAFF = "staff", "Staff"  # practitioners, PAs: the timetable, their own meetings and tasks
    PROJECT_TEAM = "project_team", "Project team"  # edit tasks, meetings, evidence; plan
    COORDINATOR = "coordinator", "Coordinator"  # publish, move day one, members, feed links

    @property
    def rank(self) -> int:
        return ROLE_ORDER.index(self)

    def allows(self, need: Role) -> bool:
        return self.rank >= need.rank


ROLE_ORDER = [Role.VIEWER, Role.STAFF, Role.PROJECT_TEAM, Role.COORDINATOR]


class Membership(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    # the council person this user is, so "my meetings" and "my tasks" can be found
    person = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history()

    class Meta:
        ordering = ["inspection", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.inspection}"

    def audit_label(self) -> str:
        """How the audit trail names a membership: by whose it is."""
        return str(self.user)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)
