"""`manage.py export_inspection <slug> -o FILE`: one archive of everything about an inspection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.models import Inspection
from planner.services.backup import BackupError, export_inspection


class Command(BaseCommand):
    help = (
        "Write one archive (zip) of an inspection: every row of every app, its history, the "
        "accounts and meeting types it uses. No feed secrets, passwords or uploaded files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("-o", "--output", required=True, help="The archive file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = Inspection.objects.filter(slug=options["slug"]).first()
        if inspection is None:
            raise CommandError(f"No inspection {options['slug']!r}.")
        try:
            payload = export_inspection(inspection)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["output"])
        try:
            path.write_bytes(payload)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {path} ({len(payload):,} bytes) for {inspection.title}.")
