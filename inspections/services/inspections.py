from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from inspections.access import require
from inspections.calendar import CalendarError, InspectionCalendar, why_not_working
from inspections.models import Inspection, InspectionType, Membership, Role
from inspections.services.errors import DomainError, InspectionNotFound, InvalidFields
from inspections.services.tasks import apply_template
from inspections.signals import day_one_moved, inspection_created
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


SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = Inspection._meta.get_field("slug").max_length or 50
# Paths under /inspections/ that a slug would hide.
RESERVED_SLUGS = {"new"}


def workflows_by_type() -> dict[str, str]:
    """Inspection type -> workflow key, for every template in seeds/workflows."""
    found: dict[str, str] = {}
    for path in sorted((settings.SEEDS_DIR / "workflows").glob("*.toml")):
        try:
            template = load_template(path)
        except WorkflowError:
            continue
        found.setdefault(template.inspection_type, path.stem)
    return found


def suggest_slug(local_authority: str, day_one: dt.date | None) -> str:
    """A slug from the local authority and the year, such as shropshire-2025."""
    base = slugify(local_authority.replace("&", " and "))
    if not base:
        return ""
    return f"{base}-{day_one.year}" if day_one else base


def day_one_problem(day_one: dt.date) -> str | None:
    reason = why_not_working(day_one)
    return f"Day one must be a working day: {reason}" if reason else None


def check_new_inspection(
    *,
    slug: str,
    title: str,
    local_authority: str,
    inspection_type: str,
    day_one: dt.date | None,
) -> dict[str, str]:
    """Every problem with a new inspection's details, by field; empty when it can be created.
    `day_one` is None when the page already has a problem with the date itself."""
    errors: dict[str, str] = {}
    if not slug:
        errors["slug"] = "Enter a slug, such as shropshire-2025"
    elif len(slug) > SLUG_MAX_LENGTH:
        errors["slug"] = f"Slug must be {SLUG_MAX_LENGTH} characters or fewer"
    elif not SLUG_PATTERN.fullmatch(slug):
        errors["slug"] = (
            "Slug must only include lower-case letters, numbers and single hyphens between "
            "them, such as shropshire-2025"
        )
    elif slug in RESERVED_SLUGS:
        errors["slug"] = f"Slug cannot be {slug!r}: choose another, such as shropshire-2025"
    elif Inspection.objects.filter(slug=slug).exists():
        errors["slug"] = f"Slug {slug!r} is already used by another inspection: choose another"
    if not title.strip():
        errors["title"] = "Enter a title, such as Shropshire ILACS 2025"
    elif len(title) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    if not local_authority.strip():
        errors["local_authority"] = "Enter the local authority"
    elif len(local_authority) > 120:
        errors["local_authority"] = "Local authority must be 120 characters or fewer"
    if inspection_type not in InspectionType.values:
        errors["inspection_type"] = "Select the inspection type"
    elif inspection_type not in workflows_by_type():
        label = InspectionType(inspection_type).label
        errors["inspection_type"] = (
            f"Inspection type: the planner has no workflow template for a {label.lower()} yet"
        )
    if day_one is not None:
        problem = day_one_problem(day_one)
        if problem:
            errors["day_one"] = problem
    return errors


@transaction.atomic
def create_inspection(
    *,
    slug: str,
    title: str,
    local_authority: str,
    inspection_type: str,
    day_one: dt.date,
    coordinator: Any = None,
) -> Inspection:
    """A new inspection with every dated task of its workflow template, or nothing at all.
    The user who creates it (`coordinator`) becomes its first coordinator."""
    slug, title, local_authority = slug.strip(), title.strip(), local_authority.strip()
    errors = check_new_inspection(
        slug=slug,
        title=title,
        local_authority=local_authority,
        inspection_type=inspection_type,
        day_one=day_one,
    )
    if errors:
        raise InvalidFields(errors)
    inspection = Inspection(
        slug=slug,
        title=title,
        local_authority=local_authority,
        inspection_type=inspection_type,
        workflow_key=workflows_by_type()[inspection_type],
        day_one=day_one,
    )
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError:  # created by someone else since the check
        raise InvalidFields(
            {"slug": f"Slug {slug!r} is already used by another inspection: choose another"}
        ) from None
    apply_template(inspection, workflow_for(inspection))
    if coordinator is not None and coordinator.is_authenticated:
        Membership.objects.create(inspection=inspection, user=coordinator, role=Role.COORDINATOR)
    inspection_created.send(sender=Inspection, inspection=inspection)
    return inspection


def dates_summary(inspection: Inspection) -> str:
    """Day one, final feedback and the number of tasks, as the pages say them."""
    return (
        f"Day one {inspection.day_one:%A %-d %B %Y}; "
        f"final feedback {inspection.final_day:%A %-d %B %Y}; "
        f"{inspection.tasks.count()} tasks"
    )


@transaction.atomic
def move_day_one(inspection: Inspection, new_day_one: dt.date, *, actor: Any = None) -> Inspection:
    """Re-date the inspection and everything that hangs off day one (coordinators only: it
    clears the whole timetable)."""
    require(actor, inspection, Role.COORDINATOR)
    try:
        InspectionCalendar(new_day_one)
    except CalendarError as exc:
        raise DomainError(str(exc)) from exc
    inspection.day_one = new_day_one
    inspection.save()
    # Re-applying re-resolves "last"-relative days and per-day repeats for the new calendar.
    apply_template(inspection, workflow_for(inspection))
    day_one_moved.send(sender=Inspection, inspection=inspection)
    return inspection


def type_from_option(text: str) -> str:
    """An inspection type as a command line writes it ("focused-visit") -> its value."""
    value = text.strip().lower().replace("-", "_")
    if value not in InspectionType.values:
        names = ", ".join(v.replace("_", "-") for v in InspectionType.values)
        raise InvalidFields({"inspection_type": f"Unknown type {text!r}: use one of {names}"})
    return value


def inspection_outline(inspection: Inspection) -> dict[str, Any]:
    """The inspection's shape and tasks, as `new_inspection` prints them."""
    calendar = inspection.calendar

    def day(n: int) -> dict[str, Any]:
        return {"day": n, "date": calendar.date_for_day(n).isoformat()}

    return {
        "slug": inspection.slug,
        "title": inspection.title,
        "local_authority": inspection.local_authority,
        "type": inspection.inspection_type,
        "workflow": inspection.workflow_key,
        "notification": inspection.day_one.isoformat(),
        "final_day": inspection.final_day.isoformat(),
        "offsite_days": [day(n) for n in calendar.offsite_day_numbers],
        "onsite_days": [day(n) for n in calendar.onsite_day_numbers],
        "tasks": [
            {
                "key": t.key,
                "title": t.title,
                "phase": t.phase,
                "day": t.due_day,
                "due_at": t.due_at.isoformat(),
            }
            for t in inspection.tasks.order_by("due_at", "key")
        ],
    }
