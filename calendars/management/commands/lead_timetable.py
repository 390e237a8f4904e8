"""`manage.py lead_timetable <slug> [--day N] --out FILE.xlsx`: the lead inspector's timetable
from the latest published release, one day or the whole on-site fortnight (a sheet a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendars import lead_timetable
from inspections.models import Inspection
from inspections.services.errors import DomainError


class Command(BaseCommand):
    help = (
        "Write the lead inspector's timetable (published release, a column per inspector) to "
        "Excel: one day with --day, else the whole on-site fortnight."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument(
            "--day", type=int, help="A working day number (default: every on-site day)."
        )
        parser.add_argument("--out", required=True, help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = Inspection.objects.filter(slug=options["slug"]).first()
        if inspection is None:
            raise CommandError(f"No inspection {options['slug']!r}.")
        try:
            lead_timetable.export(inspection, options["out"], options["day"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{options['out']}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {options['out']}.")
