"""Record (or move) an aftermath event and re-date the tasks that hang off it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftermath.models import EventKind
from aftermath.services import record_event
from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection


class Command(BaseCommand):
    help = "Record the date of an event after the inspection (the draft report, publication...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The inspection's slug")
        parser.add_argument("--kind", required=True, help=f"One of {', '.join(EventKind.values)}")
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--notes", default="")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if kind not in EventKind.values:
            raise CommandError(f"--kind {kind!r} is not one of {', '.join(EventKind.values)}.")
        try:
            date = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date (YYYY-MM-DD).") from None
        try:
            inspection = get_inspection(options["slug"])
            result = record_event(None, inspection, kind, date, notes=options["notes"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            payload = {
                "inspection": inspection.slug,
                "kind": kind,
                "date": date.isoformat(),
                "tasks": [
                    {"key": t.key, "title": t.title, "due": t.due_at.isoformat()}
                    for t in result.moved
                ],
            }
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(f"{EventKind(kind).label}: {date:%A %-d %B %Y}.")
        for t in result.moved:
            self.stdout.write(f"  {t.title}: due {t.due_at.date():%A %-d %B %Y}")
