from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When

from inspections.audit import audit_history
from inspections.models.people import PersonRole
from inspections.workflow.reminders import DEFAULT_REMIND


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


def default_remind() -> list[str]:
    return list(DEFAULT_REMIND)


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.exclude(status=TaskStatus.DONE)

    def done(self) -> TaskQuerySet:
        return self.filter(status=TaskStatus.DONE)

    def due_between(self, start: dt.datetime, end: dt.datetime) -> TaskQuerySet:
        return self.filter(due_at__gte=start, due_at__lt=end)

    def overdue_at(self, moment: dt.datetime) -> TaskQuerySet:
        """The rule of Task.is_overdue, in SQL: open and due before `moment`."""
        return self.open().filter(due_at__lt=moment)

    def for_role(self, role: str) -> TaskQuerySet:
        return self.filter(owner_role=role)

    def for_day_sheet(self, start: dt.datetime, end: dt.datetime) -> TaskQuerySet:
        """Due in [start, end), plus anything still open from before start."""
        return (
            self.filter(
                Q(due_at__gte=start, due_at__lt=end)
                | Q(due_at__lt=start, status__in=[TaskStatus.TODO, TaskStatus.IN_PROGRESS])
            )
            .select_related("owner")
            .prefetch_related("depends_on")
            .order_by("due_at", "key")
        )

    def pressing_first(self) -> TaskQuerySet:
        """Open tasks before done ones, each by due time: what a short list shows first."""
        done_last = Case(When(status=TaskStatus.DONE, then=Value(1)), default=Value(0))
        return self.order_by(done_last, "due_at", "key")


class Task(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="tasks"
    )
    key = models.CharField(max_length=80)
    template_key = models.CharField(max_length=80, blank=True)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    phase = models.CharField(max_length=20)
    due_day = models.IntegerField(help_text="Working day number from day one.")
    due_time = models.TimeField(null=True, blank=True, help_text="Clock time, Europe/London.")
    due_at = models.DateTimeField(help_text="Derived from the day and time; stored in UTC.")
    owner_role = models.CharField(max_length=32)
    owner = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    progress_source = models.CharField(max_length=32, blank=True)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, related_name="blocks", blank=True
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # True once a person changed the owner, so re-applying the template leaves it alone.
    owner_edited = models.BooleanField(default=False)
    # When the owner is reminded: the template's lead times ("3h" before, "09:00" on the day).
    remind = models.JSONField(
        default=default_remind,
        blank=True,
        help_text='Reminder lead times: "3h" before the deadline, "09:00" on the day; [] none.',
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()
    history = audit_history()

    class Meta:
        ordering = ["due_at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "key"], name="task_key_unique"),
        ]
        indexes = [models.Index(fields=["inspection", "due_at"])]

    def __str__(self) -> str:
        return self.title

    def get_owner_role_display(self) -> str:
        try:
            return str(PersonRole(self.owner_role).label)
        except ValueError:
            return self.owner_role

    @property
    def is_done(self) -> bool:
        return self.status == TaskStatus.DONE

    def is_overdue(self, at: dt.datetime) -> bool:
        """Open and due before `at`: the one rule every page, count and export uses
        (TaskQuerySet.overdue_at is the same rule in SQL)."""
        return not self.is_done and self.due_at < at
