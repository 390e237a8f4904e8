"""Log a concern about a child from the command line (the operator: no web session)."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.services.concerns import log_concern
from inspections.calendar import LONDON, to_utc
from inspections.models import Inspector
from inspections.services.errors import DomainError, InvalidFields
from inspections.services.inspections import get_inspection

FIELD_OPTIONS = {
    "child_id": "--child",
    "text": "--text",
    "raised_by": "--raised-by",
    "response_due_at": "--raised-at",
}


def _raised_at(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise CommandError(
            f"--raised-at: {text!r} is not a UK time like 2025-06-17 14:30."
        ) from None
    return to_utc(moment.date(), moment.time())


class Command(BaseCommand):
    help = "Log a concern about a child an inspector has referred back (C-1, C-2, …)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("--child", required=True, help="The child's ID (never a name)")
        parser.add_argument(
            "--raised-by", required=True, help="The inspector's ref, e.g. insp-lead"
        )
        parser.add_argument("--text", required=True, help="What the inspector is worried about")
        parser.add_argument("--raised-at", help='When, UK time, "YYYY-MM-DD HH:MM" (default: now)')
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        ref = str(options["raised_by"]).strip()
        inspector = Inspector.objects.filter(inspection=inspection, ref=ref).first()
        if inspector is None:
            raise CommandError(f"--raised-by: no inspector with ref {ref!r} in {inspection.title}.")
        raised_at = _raised_at(options["raised_at"]) if options.get("raised_at") else None
        try:
            concern = log_concern(
                inspection,
                child_id=str(options["child"]),
                text=str(options["text"]),
                raised_by=inspector,
                raised_at=raised_at,
            )
        except InvalidFields as exc:
            raise CommandError(
                "; ".join(f"{FIELD_OPTIONS.get(k, k)}: {v}" for k, v in exc.errors.items())
            ) from exc
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        due = concern.response_due_at.astimezone(LONDON)
        if options["json"]:
            payload = {
                "concern": concern.label,
                "number": concern.number,
                "inspection": inspection.slug,
                "child_id": concern.child_id,
                "raised_by": inspector.ref,
                "raised_at": concern.raised_at.astimezone(LONDON).isoformat(),
                "response_due_at": due.isoformat(),
                "status": concern.status,
            }
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(
            f"Logged {concern.label} about child {concern.child_id} for {inspection.title}, "
            f"raised by {inspector.full_name}; response due {due:%H:%M %a %-d %b %Y}."
        )
