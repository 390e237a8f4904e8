"""`manage.py export_annex_a <slug> -o FILE.xlsx`: the Annexe A checklists and findings in Excel."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annex_a.exports import export_annex_a
from inspections.models import Inspection


class Command(BaseCommand):
    help = "Export the Annexe A tracker (summary sheet and one sheet per list) to Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = Inspection.objects.filter(slug=options["slug"]).first()
        if inspection is None:
            raise CommandError(f"No inspection {options['slug']!r}.")
        try:
            export_annex_a(inspection, options["output"])
        except OSError as exc:
            raise CommandError(f"{options['output']}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {options['output']}.")
