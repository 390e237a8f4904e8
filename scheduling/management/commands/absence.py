from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from scheduling.editing import inspector_by_ref, mark_inspector_absent
from scheduling.management.argtypes import whole_number
from scheduling.models import UnavailabilityReason

# The service checks the day against the inspection's calendar; this only bounds the typing.
MAX_DAY = 999


class Command(BaseCommand):
    help = "Mark an inspector absent for a whole working day (then run plan_meetings to re-plan)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("inspector", help="Inspector ref, e.g. insp-team-2")
        parser.add_argument(
            "--day", type=whole_number(1, MAX_DAY), required=True, help="Working day number"
        )
        parser.add_argument(
            "--reason", default=UnavailabilityReason.SICK, choices=UnavailabilityReason.values
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
            absence = mark_inspector_absent(
                inspection,
                inspector_by_ref(inspection, str(options["inspector"])),
                options["day"],
                UnavailabilityReason(options["reason"]),
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Recorded: {absence}. Run plan_meetings {inspection.slug} to re-plan.")
