from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from inspections.services.people_import import COLUMNS, import_people
from inspections.services.spreadsheets import check_size


class Command(BaseCommand):
    help = f"Import people from a CSV or Excel sheet with columns: {', '.join(COLUMNS)}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            inspection = get_inspection(str(options["inspection"]))
            if not path.is_file():
                raise DomainError(f"{path}: no such file.")
            check_size(path.name, path.stat().st_size)  # before a byte is read
            result = import_people(inspection, path.name, path.read_bytes())
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from exc
        self.stdout.write(f"{path.name}: {result}.")
