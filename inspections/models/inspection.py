from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from inspections.calendar import InspectionCalendar, VisitShape, local_date


class InspectionType(models.TextChoices):
    ILACS_STANDARD = "ilacs_standard", "ILACS standard inspection"
    ILACS_SHORT = "ilacs_short", "ILACS short inspection"
    FOCUSED_VISIT = "focused_visit", "Focused visit"
    MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
    JTAI = "jtai", "Joint targeted area inspection"


# Where each type puts inspectors on site; each workflow template in seeds/workflows says which
# published guidance its shape follows (and where the shape is a judgement).
TYPE_SHAPES: dict[str, VisitShape] = {
    # one week off site (the week of the call), two weeks on site: days 6-15
    InspectionType.ILACS_STANDARD: VisitShape(weeks=3, onsite_weeks=(2, 3)),
    # one week off site, one week on site: days 6-10
    InspectionType.ILACS_SHORT: VisitShape(weeks=2, onsite_weeks=(2,)),
    # two days' fieldwork in the week after the call: days 8 and 9 (Wednesday, Thursday)
    InspectionType.FOCUSED_VISIT: VisitShape(
        weeks=2, onsite_weeks=(2,), onsite_first_day=8, onsite_days=2
    ),
    InspectionType.MONITORING_VISIT: VisitShape(
        weeks=2, onsite_weeks=(2,), onsite_first_day=8, onsite_days=2
    ),
    # notified 10 working days before fieldwork: on site days 11-15, the third week
    InspectionType.JTAI: VisitShape(weeks=3, onsite_weeks=(3,), onsite_first_day=11, onsite_days=5),
}
DEFAULT_SHAPE = TYPE_SHAPES[InspectionType.ILACS_STANDARD]


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
        return TYPE_SHAPES.get(self.inspection_type, DEFAULT_SHAPE).calendar(self.day_one)

    def day_number_today(self, now: dt.datetime | None = None) -> int | None:
        today = local_date(now or timezone.now())
        try:
            return self.calendar.day_for_date(today)
        except ValueError:
            return None
