"""log_request <slug> --inspector REF --text TEXT --received "YYYY-MM-DD HH:MM"
--due "YYYY-MM-DD HH:MM" [--owner REF] [--child ID] [--json]: log one request (London times)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.services import requests as service
from inspections.calendar import LONDON
from inspections.services.errors import DomainError, InvalidFields
from inspections.services.inspections import get_inspection

# service field -> the option that gave it, so an error names what to fix
OPTIONS = {
    "text": "--text",
    "inspector": "--inspector",
    "owner": "--owner",
    "received_at": "--received",
    "due_at": "--due",
    "child_id": "--child",
}


def _london(value: str, option: str) -> dt.datetime:
    try:
        local = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CommandError(
            f'{option}: give a date and time in Europe/London as "YYYY-MM-DD HH:MM"'
        ) from None
    return local.replace(tzinfo=LONDON).astimezone(dt.UTC)


def as_json(row: Any) -> dict[str, Any]:
    return {
        "number": row.label,
        "inspection": row.inspection.slug,
        "text": row.text,
        "inspector": row.inspector.ref if row.inspector else None,
        "owner": row.owner.ref if row.owner else None,
        "received": row.received_at.astimezone(LONDON).isoformat(),
        "due": row.due_at.astimezone(LONDON).isoformat(),
        "due_kind": row.due_kind,
        "status": row.status,
        "child_id": row.child_id or None,
    }


class Command(BaseCommand):
    help = "Log one request for information from an inspector (times are Europe/London)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("--inspector", required=True, help="The inspector's ref")
        parser.add_argument("--text", required=True, help="What was asked")
        parser.add_argument("--received", required=True, help='"YYYY-MM-DD HH:MM", London')
        parser.add_argument("--due", required=True, help='"YYYY-MM-DD HH:MM", London')
        parser.add_argument("--owner", default="", help="The owner's person ref")
        parser.add_argument("--child", default="", help="A child ID (never a name)")
        parser.add_argument("--json", action="store_true", help="Print the request as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        received = _london(options["received"], "--received")
        due = _london(options["due"], "--due")
        try:
            inspection = get_inspection(str(options["inspection"]))
            row = service.log_request(
                None,
                inspection,
                text=options["text"],
                received_at=received,
                due_at=due,
                inspector=service.inspector_by_ref(inspection, options["inspector"]),
                owner=service.person_by_ref(inspection, options["owner"] or ""),
                child_id=options["child"] or "",
            )
        except InvalidFields as exc:
            raise CommandError(
                "; ".join(f"{OPTIONS.get(k, k)}: {v}" for k, v in exc.errors.items())
            ) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(as_json(row), indent=2))
            return
        due_local = row.due_at.astimezone(LONDON)
        owner = f", owner {row.owner.full_name}" if row.owner else ""
        self.stdout.write(f"{row.label} logged: due {due_local:%a %-d %b %H:%M}{owner}.")
