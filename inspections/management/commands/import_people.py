from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from inspections.services.people_import import COLUMNS, import_people


class Command(BaseCommand):
    help = f"Import people from a CSV or Excel sheet with columns: {', '.join(COLUMNS)}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            inspection = get_inspection(str(options["inspection"]))
            if not path.exists():
                raise DomainError(f"{path}: no such file.")
            result = import_people(inspection, path.name, path.read_bytes())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{path.name}: {result}.")
