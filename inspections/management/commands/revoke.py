from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from inspections.services.members import find_user, revoke


class Command(BaseCommand):
    help = "Remove a user's membership of an inspection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Username or email")
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
            user = find_user(str(options["username"]))
            revoke(inspection, user)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{user} is no longer a member of {inspection.slug}.")
