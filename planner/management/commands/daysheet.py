import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from inspections.calendar import LONDON
from inspections.models.people import PersonRole
from inspections.services.errors import DomainError
from inspections.services.inspections import get_inspection
from planner.services.daysheet import build_daysheet


class Command(BaseCommand):
    help = "A day's tasks (due that day, plus overdue) grouped by owner, and its meetings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inspection", help="Inspection slug, e.g. shropshire-2025")
        parser.add_argument(
            "--day", type=int, required=True, help="Working day number (1 = day one)"
        )
        parser.add_argument("--role", help="Only tasks owned by this role, e.g. performance")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")
        parser.add_argument("--draft", action="store_true", help="Meetings of the draft timetable")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options.get("role")
        if role and role not in PersonRole.values:
            raise CommandError(
                f"Unknown role {role!r}: use one of {', '.join(v for v in PersonRole.values if v)}."
            )
        try:
            inspection = get_inspection(str(options["inspection"]))
            sheet = build_daysheet(
                inspection,
                int(options["day"]),
                role=role,
                draft=bool(options["draft"]),  # type: ignore[call-overload]
                now=timezone.now(),
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(sheet.as_json(), indent=2))
            return
        self.stdout.write(f"{inspection.title} · {sheet.heading} · {sheet.date:%A %-d %B %Y}")
        if not sheet.groups:
            self.stdout.write("  No tasks due.")
        for group in sheet.groups:
            self.stdout.write(f"\n{group.label}")
            for st in group.tasks:
                t = st.task
                due = t.due_at.astimezone(LONDON)
                flag = " OVERDUE" if st.overdue else ""
                self.stdout.write(
                    f"  [{t.get_status_display()}] {due:%a %d %b %H:%M}{flag}  {t.title}"
                )
                if st.progress:
                    self.stdout.write(f"      progress: {st.progress.label}")
                if st.risk:
                    self.stdout.write(f"      at risk: {st.risk}")
                if st.waits_on:
                    self.stdout.write("      waits on: " + "; ".join(d.title for d in st.waits_on))
            for sr in group.requests:
                r = sr.request
                due = r.due_at.astimezone(LONDON)
                flag = " OVERDUE" if sr.overdue else ""
                self.stdout.write(
                    f"  [{r.get_status_display()}] {due:%a %d %b %H:%M}{flag}  {r.label}: {r.text}"
                )
        if sheet.meetings:
            self.stdout.write("\nMeetings")
            for m in sheet.meetings:
                self.stdout.write(
                    f"  {m.get('start', '')[11:16]}-{m.get('end', '')[11:16]}  {m.get('title')}  {m.get('venue') or m.get('mode', '')}"
                )
