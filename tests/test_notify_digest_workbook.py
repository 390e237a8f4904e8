"""An inspector who asked for it gets the day's lead inspector's timetable workbook with the
morning digest, through a real SMTP server: it opens with openpyxl and lists every meeting of
that day's published release; an inspector who did not ask gets the digest alone."""

from __future__ import annotations

import datetime as dt
import io

import time_machine
from openpyxl import load_workbook
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture

from inspections.calendar import LONDON, to_utc
from inspections.models import Inspector
from notify.models import Choice, Message, Preference
from notify.tasks import send_due_digests
from scheduling.models import Release

DAY = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows_on(inspection, day):
    date = inspection.calendar.date_for_day(day)
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    return [rm for rm in release.meetings.all() if rm.start.astimezone(LONDON).date() == date]


def _line(rm) -> str:
    return f"{rm.start.astimezone(LONDON):%H:%M}–{rm.end.astimezone(LONDON):%H:%M} {rm.title}"


def _attachments(message):
    return [
        (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        for part in message.walk()
        if part.get_filename()
    ]


def test_the_inspector_who_asked_gets_the_days_workbook_and_the_other_does_not(
    published,
    smtp,  # noqa: F811
):
    rows = _rows_on(published, DAY)
    busy = sorted({i["ref"] for rm in rows for i in rm.inspectors})
    asked, other = (Inspector.objects.get(inspection=published, ref=ref) for ref in busy[:2])
    Preference.objects.create(inspector=asked, choice=Choice.DIGEST_ONLY, timetable_workbook=True)

    date = published.calendar.date_for_day(DAY)
    with time_machine.travel(to_utc(date, dt.time(7, 30)), tick=False):
        send_due_digests()

    received = {m["To"]: m for m in smtp.received}
    [(name, content_type, data)] = _attachments(received[asked.email])
    assert (name, content_type) == (f"{published.slug}-lead-timetable-day-{DAY}.xlsx", XLSX)
    assert _attachments(received[other.email]) == []
    assert Message.objects.get(inspector=other).attachment_name == ""

    book = load_workbook(io.BytesIO(data))
    [sheet] = book.worksheets
    assert sheet.title.startswith(f"Day {DAY} ")
    cells = list(sheet.iter_rows(values_only=True))
    labels = {
        i.ref: f"{i.full_name} ({i.get_role_display()})"
        for i in Inspector.objects.filter(inspection=published)
    }
    expected: dict[str, list[str]] = {}
    for rm in rows:
        for who in rm.inspectors:
            expected.setdefault(labels[who["ref"]], []).append(_line(rm))
        if not rm.inspectors:  # its title may hold child IDs no column's inspector may see
            expected.setdefault("No inspector", []).append(_line(rm)[:11])
    shown: dict[str, list[str]] = {}
    for column, header in enumerate(cells[0][1:], start=1):
        for row in cells[1:]:
            for entry in (row[column] or "").split("\n\n") if row[column] else []:
                first = entry.split("\n")[0]
                shown.setdefault(header, []).append(
                    first[:11] if header == "No inspector" else first
                )
    assert {h: sorted(v) for h, v in shown.items()} == {h: sorted(v) for h, v in expected.items()}
