from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.models import Role
from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from inspections.services.members import find_user, grant


class Command(BaseCommand):
    help = "Make a user a member of an inspection with a role (or change their role)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Username or email")
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("role", choices=[r.value for r in Role])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
            user = find_user(str(options["username"]))
            membership = grant(inspection, user, Role(options["role"]))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{membership.user} is {membership.get_role_display().lower()} of {inspection.slug}."
        )
