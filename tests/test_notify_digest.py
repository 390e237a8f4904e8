"""The morning digest on day 8 of Shropshire 2025 (planned and published): one e-mail to each
person and inspector with a meeting, task, request or KIT action that day, listing exactly
theirs, through a real SMTP server; none to anyone else; a second run sends nothing more."""

from __future__ import annotations

import datetime as dt
import io
import re

import time_machine
from django.core.management import call_command
from smtp_server import text_of
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture

from desk.models import InformationRequest, KitAction
from inspections.calendar import to_utc
from inspections.models import Task
from notify.models import Message
from notify.tasks import send_due_digests
from scheduling.models import Release, ReleaseMeeting

DAY = 8


def _expected(inspection, start, end):
    """Each recipient's address -> the titles of their items, from plain queries."""
    expected: dict[str, list[str]] = {}
    people = {p.ref: p.email for p in inspection.people.all()}
    inspectors = {i.ref: i.email for i in inspection.inspectors.all()}
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    rows = ReleaseMeeting.objects.filter(release=release, start__gte=start, start__lt=end)
    for row in rows.exclude(status="cancelled"):
        for a in row.inspectors:
            expected.setdefault(inspectors[a["ref"]], []).append(row.title)
        for a in row.attendees:
            expected.setdefault(people[a["ref"]], []).append(row.title)
    for task in Task.objects.filter(inspection=inspection, owner__isnull=False, due_at__lt=end):
        if task.status != "done":
            expected.setdefault(task.owner.email, []).append(task.title)
    for r in InformationRequest.objects.filter(inspection=inspection, due_at__lt=end):
        expected.setdefault(r.owner.email, []).append(f"R-{r.number}: {r.text}")
    for a in KitAction.objects.filter(inspection=inspection, due_at__lt=end):
        expected.setdefault(a.owner.email, []).append(a.text)
    return {email: sorted(titles) for email, titles in expected.items()}


def test_the_day_8_digest_sends_each_person_exactly_their_items_once(published, smtp):  # noqa: F811
    inspection = published
    date = inspection.calendar.date_for_day(DAY)
    start, end = to_utc(date, dt.time(0)), to_utc(date + dt.timedelta(days=1), dt.time(0))
    # a request and a KIT action due that day, owned by people with no meeting that day
    busy = {a["ref"] for m in ReleaseMeeting.objects.all() for a in m.attendees}
    free = inspection.people.exclude(ref__in=busy).exclude(email="").order_by("ref")
    InformationRequest.objects.create(
        inspection=inspection,
        number=1,
        text="Supervision records for the assessment team",
        received_at=to_utc(date, dt.time(8)),
        due_at=to_utc(date, dt.time(16)),
        owner=free[0],
        child_id="C201777",
    )
    KitAction.objects.create(
        inspection=inspection,
        text="Send the updated performance scorecard",
        owner=free[1],
        raised_at=to_utc(date - dt.timedelta(days=1), dt.time(9)),
        due_at=to_utc(date, dt.time(12)),
    )
    expected = _expected(inspection, start, end)
    out = io.StringIO()

    with time_machine.travel(to_utc(date, dt.time(7, 30)), tick=False):
        call_command("send_digest", inspection.slug, "--day", str(DAY), "--dry-run", stdout=out)
        assert (Message.objects.count(), smtp.received) == (0, [])
        send_due_digests()
        sent = len(smtp.received)
        send_due_digests()

    assert f"Dry run: {len(expected)} digest(s) for day {DAY}; nothing sent." in out.getvalue()
    assert len(smtp.received) == sent
    received = {m["To"]: m for m in smtp.received}
    assert len(received) == sent  # one each
    assert set(received) == set(expected)
    listed = {
        to: sorted(re.findall(r"^\* (.+)$", text_of(m), flags=re.MULTILINE))
        for to, m in received.items()
    }
    assert listed == expected
    assert "Child ID: C201777" in text_of(received[free[0].email])
    assert Message.objects.filter(status="sent").count() == Message.objects.count() == sent
