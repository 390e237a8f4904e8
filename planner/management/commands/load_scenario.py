from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from planner.services.scenario import load_scenario


class Command(BaseCommand):
    help = "Load (or reload) a scenario from seeds/scenarios: inspection, people, tasks, meetings, evidence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", help="Scenario name, e.g. shropshire-2025")
        parser.add_argument(
            "--notification", help="Move day one to this date (YYYY-MM-DD, a working day)."
        )
        parser.add_argument(
            "--live",
            action="store_true",
            help=(
                "Load a second copy (<slug>-live) dated so that today, or the next working day, "
                "is the day the scenario describes (day 3), with earlier tasks done."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["live"] and options.get("notification"):
                raise DomainError("Give --live or --notification, not both.")
            result = load_scenario(
                str(options["scenario"]), options.get("notification"), live=bool(options["live"])
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        cal = result.inspection.calendar
        self.stdout.write(
            f"Loaded {result.inspection.slug}: day one {cal.day_one:%A %-d %B %Y}, "
            f"final feedback {cal.last_day_date:%A %-d %B %Y} ({cal.length} working days); "
            f"{result.inspectors} inspectors, {result.people} people, {result.tasks} tasks."
        )
        for line in result.summary:
            self.stdout.write(f"  {line}")
