"""`send_digest <slug> --day N [--dry-run]`: a working day's morning digests, previewed or sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.calendar import LONDON, CalendarError
from inspections.models import Inspection
from notify.delivery import send_message
from notify.digest import create_digests, digests_for_day


class Command(BaseCommand):
    help = "Preview (--dry-run) or create and send the morning digests of an inspection's day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--day", type=int, required=True, help="Working day number.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print recipients and items; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = Inspection.objects.get(slug=options["slug"])
        except Inspection.DoesNotExist as exc:
            raise CommandError(f"No inspection {options['slug']!r}.") from exc
        day = options["day"]
        try:
            digests = digests_for_day(inspection, day)
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        if options["dry_run"]:
            for d in digests:
                address = d.email or "no e-mail address: left out"
                self.stdout.write(f"{d.who.full_name} <{address}>: {d.count} item(s)")
                for m in d.meetings:
                    self.stdout.write(f"  meeting  {m.start.astimezone(LONDON):%H:%M} {m.title}")
                for t in d.tasks:
                    self.stdout.write(f"  task     {t.title}")
                for r in d.requests:
                    self.stdout.write(f"  request  {r.label}: {r.text}")
                for a in d.actions:
                    self.stdout.write(f"  action   {a.text}")
            sendable = sum(1 for d in digests if d.email)
            self.stdout.write(f"Dry run: {sendable} digest(s) for day {day}; nothing sent.")
            return
        made = create_digests(inspection, day)
        statuses = [send_message(m.pk) for m, _ in made]
        new = sum(1 for _, created in made if created)
        self.stdout.write(
            f"Day {day}: {len(made)} digest(s) ({new} new); "
            f"{statuses.count('sent')} sent now, {statuses.count('failed')} failed."
        )
