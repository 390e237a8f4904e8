from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inspections.services.errors import DomainError
from scheduling.catalogue import catalogue_path, load_meeting_types


class Command(BaseCommand):
    help = "Load (or refresh) the meeting-type catalogue from seeds/meeting-types.toml."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = load_meeting_types()
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} meeting types loaded from {catalogue_path().name}.")
