import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendars import tokens
from inspections.models import Inspection


class Command(BaseCommand):
    help = "List every calendar-feed subscriber of an inspection with its private feed URL path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument("--json", action="store_true", help="Write JSON instead of text.")

    def handle(self, *args: object, **options: object) -> None:
        inspection = Inspection.objects.filter(slug=options["slug"]).first()
        if inspection is None:
            raise CommandError(f"No inspection with slug {options['slug']!r}.")
        root = str(settings.SITE_ROOT).rstrip("/")
        rows = []
        for sub, token in tokens.ensure_tokens(inspection):
            path = "" if token.is_revoked else tokens.feed_path(token)
            rows.append(
                {
                    "kind": sub.kind,
                    "ref": sub.ref,
                    "label": sub.label,
                    "revoked": token.is_revoked,
                    "path": path,
                    "url": f"{root}{path}" if path else "",
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            where = row["path"] or "(revoked: regenerate it on the feed links page)"
            self.stdout.write(f"{row['kind']:<10} {row['label']}: {where}")
