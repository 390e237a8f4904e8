"""The shared shell of import_library and import_audits: read the file, call the service."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.models import Inspection
from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from inspections.services.spreadsheets import check_size


class ImportCommand(BaseCommand):
    service: Callable[[Inspection, str, bytes], object]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        try:
            inspection = get_inspection(str(options["slug"]))
            if not path.is_file():
                raise DomainError(f"{path}: no such file.")
            check_size(path.name, path.stat().st_size)  # before a byte is read
            result = type(self).service(inspection, path.name, path.read_bytes())
        except DomainError as exc:  # ImportFailed lists every row and field
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from exc
        self.stdout.write(f"{path.name}: {result}.")
