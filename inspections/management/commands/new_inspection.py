import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.calendar import LONDON
from inspections.models import InspectionType
from inspections.services.errors import DomainError, InvalidFields
from inspections.services.inspections import (
    create_inspection,
    inspection_outline,
    type_from_option,
)

# the command's option for each service field, so an error names what to change
OPTION = {
    "slug": "slug",
    "title": "--title",
    "local_authority": "--local-authority",
    "inspection_type": "--type",
    "day_one": "--notification",
}


def _default_authority(slug: str) -> str:
    # "telford-and-wrekin-2026" -> "Telford And Wrekin"
    words = [w for w in slug.split("-") if not (w.isdigit() and len(w) == 4)]
    return " ".join(w.capitalize() for w in words) or slug


def _in_sentence(label: str) -> str:
    # "Focused visit" -> "focused visit"; "ILACS short inspection" keeps its acronym
    first = label.split(" ", 1)[0]
    return label if first.isupper() else label[:1].lower() + label[1:]


class Command(BaseCommand):
    help = "Create an inspection or visit of any type from its workflow template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Slug for its pages, e.g. telford-fv-2026")
        parser.add_argument(
            "--type",
            required=True,
            help="ilacs-standard, ilacs-short, focused-visit, monitoring-visit or jtai",
        )
        parser.add_argument(
            "--notification", required=True, help="Day one, the day of the call: YYYY-MM-DD"
        )
        parser.add_argument("--title", default="", help="Defaults to the council and the type")
        parser.add_argument("--local-authority", default="", help="Defaults from the slug")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = str(options["slug"])
        try:
            day_one = dt.date.fromisoformat(str(options["notification"]))
        except ValueError:
            raise CommandError(
                f"--notification: {options['notification']!r} is not a date in the form YYYY-MM-DD."
            ) from None
        authority = str(options["local_authority"]).strip() or _default_authority(slug)
        try:
            kind = type_from_option(str(options["type"]))
            title = str(options["title"]).strip() or (
                f"{authority} {_in_sentence(InspectionType(kind).label)} {day_one.year}"
            )
            inspection = create_inspection(
                slug=slug,
                title=title,
                local_authority=authority,
                inspection_type=kind,
                day_one=day_one,
            )
        except InvalidFields as exc:
            raise CommandError(
                "; ".join(f"{OPTION.get(f, f)}: {m}" for f, m in exc.errors.items())
            ) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        outline = inspection_outline(inspection)
        if options["json"]:
            self.stdout.write(json.dumps(outline, indent=2))
            return
        calendar = inspection.calendar

        def when(n: int) -> str:
            return f"day {n} {calendar.date_for_day(n):%a %-d %b %Y}"

        onsite = calendar.onsite_day_numbers
        self.stdout.write(
            f"Created {inspection.slug}: {inspection.title} ({inspection.workflow_key})."
        )
        self.stdout.write(f"Notification: {when(1)}.")
        self.stdout.write(f"On site: {len(onsite)} working days, " + ", ".join(map(when, onsite)))
        self.stdout.write(f"Final day: {when(calendar.last_day)}.")
        self.stdout.write(f"{len(outline['tasks'])} tasks:")
        for task in inspection.tasks.order_by("due_at", "key"):
            due = task.due_at.astimezone(LONDON)
            self.stdout.write(f"  day {task.due_day:>4}  {due:%a %d %b %H:%M}  {task.title}")
