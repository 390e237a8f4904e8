"""`manage.py export_library <slug> -o FILE.xlsx`: the library tracker in Excel."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidence.exports import export_library
from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection


class Command(BaseCommand):
    help = "Export the library (documents and a summary sheet) to Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(options["slug"])
            export_library(inspection, options["output"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{options['output']}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {options['output']}.")
