import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from scheduling.management.argtypes import seconds, whole_number
from scheduling.planning import plan
from scheduling.releases import latest_release, publish

# Longer than the web app allows (runs.MAX_TIME_LIMIT): a command may wait for a big plan.
MAX_SECONDS = 600


class Command(BaseCommand):
    help = "Plan the inspection's meetings (re-plans from the draft if there is one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument(
            "--time-limit",
            type=seconds(0.1, MAX_SECONDS),
            default=10.0,
            help=f"Solver seconds, up to {MAX_SECONDS} (default 10)",
        )
        parser.add_argument("--seed", type=whole_number(0, 2**31 - 1), default=0)
        parser.add_argument("--fresh", action="store_true", help="Ignore the current draft")
        parser.add_argument(
            "--publish", action="store_true", help="Publish the result as a release"
        )
        parser.add_argument("--json", action="store_true", help="Machine-readable output")
        parser.add_argument(
            "--unless-published",
            action="store_true",
            help="Do nothing if a release exists already (so `make demo` can run again)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            inspection = get_inspection(str(options["inspection"]))
            existing = latest_release(inspection)
            if options["unless_published"] and existing is not None:
                self.stdout.write(
                    f"{inspection.title}: timetable v{existing.number} is already published; "
                    "not re-planning."
                )
                return
            result = plan(
                inspection,
                options["time_limit"],
                options["seed"],
                fresh=bool(options["fresh"]),
            )
            release = (
                publish(inspection, notes="Published by plan_meetings")
                if options["publish"]
                else None
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        data = result.as_json()
        if release is not None:
            data["release"] = release.number
            data["changelog"] = release.changelog
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, default=str))
            return
        self.stdout.write(
            f"{inspection.title}: placed {result.placed} of {result.total} meetings "
            f"({result.status}, {result.seconds:.1f} s; objective {result.objective}, bound {result.bound})."
        )
        for pk, (title, reasons) in result.unplaced.items():
            self.stdout.write(f"  NOT PLACED #{pk} {title}: " + "; ".join(reasons))
        moved = [m for m in result.moved if m.before]
        placed = len(result.moved) - len(moved)
        self.stdout.write(f"Newly placed: {placed}. Moved: {len(moved)}")
        for move in moved:
            self.stdout.write(
                f"  {move.title}: {move.before or '(new)'} -> {move.after or '(unplaced)'}"
            )
        for title in result.skipped:
            self.stdout.write(f"  skipped (edited during the solve): {title}")
        if release is not None:
            log = release.changelog
            self.stdout.write(
                f"Published v{release.number}: {len(log['moved'])} moved, {len(log['new'])} new, "
                f"{len(log['cancelled'])} cancelled, {len(log['changed'])} changed."
            )
