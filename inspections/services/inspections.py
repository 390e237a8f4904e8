from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from inspections.calendar import CalendarError, InspectionCalendar
from inspections.models import Inspection
from inspections.services.errors import DomainError, InspectionNotFound
from inspections.workflow import WorkflowError, WorkflowTemplate, load_template


def get_inspection(slug: str) -> Inspection:
    try:
        return Inspection.objects.get(slug=slug)
    except Inspection.DoesNotExist:
        known = ", ".join(Inspection.objects.values_list("slug", flat=True)) or "none loaded yet"
        raise InspectionNotFound(f"No inspection {slug!r}. Known inspections: {known}.") from None


def workflow_for(inspection: Inspection) -> WorkflowTemplate:
    path = settings.SEEDS_DIR / "workflows" / f"{inspection.workflow_key}.toml"
    if not path.exists():
        raise DomainError(
            f"Workflow template {inspection.workflow_key!r} not found in seeds/workflows."
        )
    try:
        return load_template(path)
    except WorkflowError as exc:
        raise DomainError(str(exc)) from exc


def parse_day_one(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"Notification date {text!r} is not a date in the form YYYY-MM-DD."
        ) from None
    try:
        InspectionCalendar(day)
    except CalendarError as exc:
        raise DomainError(str(exc)) from exc
    return day


@transaction.atomic
def move_day_one(inspection: Inspection, new_day_one: dt.date) -> Inspection:
    """Re-date the inspection and everything that hangs off day one."""
    from inspections.services.tasks import apply_template

    try:
        InspectionCalendar(new_day_one)
    except CalendarError as exc:
        raise DomainError(str(exc)) from exc
    inspection.day_one = new_day_one
    inspection.save()
    # Re-applying re-resolves "last"-relative days and per-day repeats for the new calendar.
    apply_template(inspection, workflow_for(inspection))
    for hook in _day_one_hooks():
        hook(inspection)
    return inspection


def _day_one_hooks():  # type: ignore[no-untyped-def]
    from django.utils.module_loading import import_string

    return [import_string(path) for path in getattr(settings, "DAY_ONE_MOVED_HOOKS", [])]
