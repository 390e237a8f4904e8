"""`manage.py import_inspection FILE`: restore an inspection archive into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planner.services.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_inspection into a database that does not hold "
        "that inspection (an empty one after migrate). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The archive to restore.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            payload = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}.") from exc
        try:
            done = restore(payload)
        except BackupError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        slug = done.inspection.slug
        self.stdout.write(f"Restored {done.inspection.title} ({slug}): {done.rows:,} rows.")
        if done.users_created:
            self.stdout.write(
                f"Accounts created without a password: {', '.join(done.users_created)}. "
                "They sign in through the identity provider, or set one with changepassword."
            )
        if done.users_matched:
            self.stdout.write(
                f"Accounts already here, used as they are: {', '.join(done.users_matched)}."
            )
        if done.feed_links_renewed:
            self.stdout.write(
                f"{done.feed_links_renewed} feed links have new secrets (the old links no longer "
                f"work): list them with `manage.py feed_links {slug}` and send each one again."
            )
