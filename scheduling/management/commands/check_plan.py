import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from scheduling.planning import check_draft


class Command(BaseCommand):
    help = "List every hard-rule violation of the current draft plan; exit 1 if there is any."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
            violations, unplaced = check_draft(inspection)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "violations": [
                            {
                                "rule": v.rule,
                                "message": v.message,
                                "meetings": [int(m) for m in v.meetings if m.isdigit()],
                            }
                            for v in violations
                        ],
                        "unplaced": [{"meeting_id": m.pk, "title": m.title} for m in unplaced],
                    },
                    indent=2,
                )
            )
        else:
            self.stdout.write(f"{inspection.title}: {len(violations)} hard-rule violation(s).")
            for v in violations:
                self.stdout.write(f"  [{v.rule}] {v.message}")
            if unplaced:
                self.stdout.write(f"{len(unplaced)} meeting(s) not placed yet:")
                for m in unplaced:
                    self.stdout.write(f"  #{m.pk} {m.title}")
        if violations:
            raise SystemExit(1)
