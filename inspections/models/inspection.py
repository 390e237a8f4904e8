from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from inspections.calendar import InspectionCalendar, local_date


class InspectionType(models.TextChoices):
    ILACS_STANDARD = "ilacs_standard", "ILACS standard inspection"
    ILACS_SHORT = "ilacs_short", "ILACS short inspection"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    JTAI = "jtai", "Joint targeted area inspection"


# Shape of each type: (weeks, on-site weeks). Only ILACS standard has a workflow template so far.
TYPE_SHAPES: dict[str, tuple[int, tuple[int, ...]]] = {
    InspectionType.ILACS_STANDARD: (3, (2, 3)),
    InspectionType.ILACS_SHORT: (2, (2,)),
    InspectionType.FOCUSED_VISIT: (1, (1,)),
    InspectionType.JTAI: (3, (2, 3)),
}


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def current(self, today: dt.date | None = None) -> InspectionQuerySet:
        today = today or timezone.localdate()
        return self.filter(day_one__lte=today, final_day__gte=today)

    def upcoming(self, today: dt.date | None = None) -> InspectionQuerySet:
        return self.filter(day_one__gt=today or timezone.localdate())

    def past(self, today: dt.date | None = None) -> InspectionQuerySet:
        return self.filter(final_day__lt=today or timezone.localdate())


class Inspection(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    local_authority = models.CharField(max_length=120)
    inspection_type = models.CharField(
        max_length=32, choices=InspectionType.choices, default=InspectionType.ILACS_STANDARD
    )
    workflow_key = models.CharField(max_length=64, default="ilacs-standard")
    day_one = models.DateField(help_text="Notification date: the Monday the lead inspector phones.")
    # Derived from day_one and the type; stored so lists can filter on it.
    final_day = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-day_one"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.final_day = self.calendar.last_day_date
        super().save(*args, **kwargs)

    @property
    def calendar(self) -> InspectionCalendar:
        weeks, onsite = TYPE_SHAPES.get(self.inspection_type, (3, (2, 3)))
        return InspectionCalendar(self.day_one, weeks=weeks, onsite_weeks=onsite)

    def day_number_today(self, now: dt.datetime | None = None) -> int | None:
        today = local_date(now or timezone.now())
        try:
            return self.calendar.day_for_date(today)
        except ValueError:
            return None
