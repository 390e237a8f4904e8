"""`manage.py check_annex_a <slug> FILE... [--json]`: check Annexe A files now; exit 1 on findings."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annex_a.services.checks import check_files_inline
from inspections.models import Inspection
from inspections.services.errors import DomainError


class Command(BaseCommand):
    help = "Check an Annexe A workbook or CSV files (one per list) against the eleven lists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("files", nargs="+")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        inspection = Inspection.objects.filter(slug=options["slug"]).first()
        if inspection is None:
            raise CommandError(f"No inspection {options['slug']!r}.")
        try:
            with ExitStack() as stack:
                files = []
                for path in options["files"]:
                    try:
                        files.append((path, stack.enter_context(open(path, "rb"))))
                    except OSError as exc:
                        raise CommandError(f"{path}: {exc.strerror}.") from exc
                check, report = check_files_inline(inspection, files)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if report is None:  # refused
            if options["json"]:
                self.stdout.write(
                    json.dumps({"refused": check.message, "check": check.pk}, indent=2)
                )
            raise CommandError(check.message)
        if options["json"]:
            # the report leads with what to fix first (grouped findings); per-row detail follows
            self.stdout.write(json.dumps({"check": check.pk, **report.as_dict()}, indent=2))
        else:
            groups = report.fix_first()
            if groups:
                self.stdout.write("What to fix first:")
            for n, g in enumerate(groups, start=1):
                where = f"list {g.list}" if g.list else "upload"
                column = f", {g.column}" if g.column else ""
                rows = f" ({g.count} rows: {g.rows_text})" if g.first_rows else ""
                self.stdout.write(f"{n:>3}. {g.severity}: {where}{column}: {g.message}{rows}")
            if report.allocated_children is not None:
                self.stdout.write(
                    f"Children allocated to a worker now: {report.allocated_children}"
                )
            for finding in report.findings:
                self.stdout.write(f"upload: {finding.message}")
            for number in sorted(report.lists):
                result = report.lists[number]
                self.stdout.write(
                    f"List {number} ({result.name}) from {result.source!r}: {result.rows} rows, "
                    f"{result.finding_count} findings"
                )
                for note in result.notes:
                    self.stdout.write(f"  note: {note}")
                for f in result.findings:
                    where = f"row {f.row}" if f.row else "header"
                    child = f" [child {f.child_id}]" if f.child_id else ""
                    self.stdout.write(f"  {where}, {f.column or '-'}: {f.message}{child}")
                if result.suppressed:
                    self.stdout.write(f"  … and {result.suppressed} more findings like these")
            for note in report.notes:
                self.stdout.write(f"note: {note}")
            self.stdout.write(
                f"{report.rows} rows, {report.finding_count} findings (check {check.pk})."
            )
        if report.finding_count:
            sys.exit(1)
