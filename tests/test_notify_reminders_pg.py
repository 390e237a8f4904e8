"""Running the reminder job twice at once on PostgreSQL with two workers sends each reminder
once (issue 14's acceptance).

Two real `manage.py qcluster` processes, each on a queue of its own, are each given
`notify.tasks.send_reminders` at the same moment; a real SMTP server on 127.0.0.1, slow to
answer so that both jobs are sending at once, records what it is given. The workers are other
processes, so time cannot be frozen for them: the data is dated from real now, with every
reminder's moment well inside its window (minutes, not seconds, from any edge).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.models import Task as QTask
from django_q.tasks import async_task
from smtp_server import Recorder, free_port, mail_env
from test_worker_real import Worker, _poll, broker  # noqa: F401 - the broker fixture

from desk.models import InformationRequest
from inspections.calendar import add_working_days, local_date
from inspections.models import Inspection, Person, PersonKind, Task, TaskStatus
from notify.models import Message, MessageStatus
from notify.reminders import when_due

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: two workers' concurrent connections (CI runs the whole suite on "
    "PostgreSQL as its second half; tests/test_notify_reminders.py runs one worker on SQLite)",
)


@dataclass
class SlowRecorder(Recorder):
    """Takes a moment over each message, as a real relay does, so two jobs overlap."""

    delay: float = 0.4

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp():
    recorder = SlowRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port  # type: ignore[attr-defined]
    try:
        yield recorder
    finally:
        controller.stop()


def due_now() -> dict[str, list[str]]:
    """An inspection under way with reminders (and one alert) due now by the real clock, and
    some that are not; each address -> the subjects it should get, once each."""
    now = timezone.now()
    inspection = Inspection.objects.create(
        slug="reminders-now",
        title="Reminder LA",
        local_authority="Reminder LA",
        day_one=add_working_days(local_date(now), -1),
    )

    def person(ref: str, email: str, **kw) -> Person:
        return Person.objects.create(
            inspection=inspection,
            ref=ref,
            full_name=ref.title(),
            kind=PersonKind.PROJECT_TEAM,
            email=email,
            **kw,
        )

    coordinator = person("coordinator", "coordinator@la.example", role="coordinator")
    analyst = person("analyst", "analyst@la.example", role="performance")
    nobody = person("no-email", "", role="pa")

    def task(key: str, owner: Person, due_in: dt.timedelta, remind: list[str], **kw) -> Task:
        return Task.objects.create(
            inspection=inspection,
            key=key,
            title=f"Task {key}",
            phase="week1",
            due_day=2,
            due_at=now + due_in,
            owner_role=owner.role,
            owner=owner,
            remind=remind,
            **kw,
        )

    hour = dt.timedelta(hours=1)
    task("a", coordinator, 2 * hour, ["3h"])  # reminded an hour ago
    task("b", analyst, hour, ["150m", "80m", "30m"])  # 90 and 20 minutes ago; 30m not yet
    task("c", analyst, hour / 2, ["45m"])  # 15 minutes ago
    task("done", analyst, 2 * hour, ["3h"], status=TaskStatus.DONE)
    task("no-address", nobody, 2 * hour, ["3h"])
    task("missed", analyst, hour, ["4h"])  # 3 hours ago: too late to send
    InformationRequest.objects.create(
        inspection=inspection,
        number=1,
        text="Supervision records",
        received_at=now - hour,
        due_at=now + hour / 2,
        owner=analyst,
    )

    subjects: dict[str, list[str]] = {}
    for key, who in (("a", coordinator), ("b", analyst), ("b", analyst), ("c", analyst)):
        t = Task.objects.get(inspection=inspection, key=key)
        subjects.setdefault(who.email, []).append(_subject_for(t, now))
    subjects[coordinator.email].append("Reminder LA: request R-1 is due in 30 minutes")
    return {email: sorted(s) for email, s in subjects.items()}


def _subject_for(task: Task, now: dt.datetime) -> str:
    # the date words as the e-mail puts them ("today"; a run near midnight says "tomorrow")
    return f"Reminder: {task.title}, due {when_due(task.due_at, now)}"


def received(recorder: Recorder) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in recorder.received:
        subject = re.sub(r"\r?\n(?=[ \t])", "", m["Subject"])
        out.setdefault(m["To"], []).append(subject)
    return {email: sorted(s) for email, s in out.items()}


def _created(result: str) -> int:
    match = re.search(r"(\d+) created", result or "")
    return int(match[1]) if match else 0


@postgres_only
def test_two_workers_running_the_reminder_job_at_once_send_each_reminder_once(
    broker,  # noqa: F811
    slow_smtp,
    tmp_path,
    settings,
    monkeypatch,
):
    expected = due_now()
    # only the two runs the test gives them: no standing schedule starts a third mid-way
    Schedule.objects.all().delete()
    base = str(settings.Q_CLUSTER["name"])
    names = [f"{base}-reminders-a", f"{base}-reminders-b"]
    for name in names:
        get_broker(name).purge_queue()  # Redis outlives the test database
    workers = [Worker(broker, tmp_path, tmp_path / f"{name}.log") for name in names]
    try:
        for worker, name in zip(workers, names, strict=True):
            worker.start(extra={**mail_env(slow_smtp.port), "Q_NAME": name})
        for worker in workers:
            worker.wait_until_ready()
        # the same moment: one job on each worker's queue, back to back (a queue's jobs are
        # signed with its name, which django-q reads from its settings when it signs)
        ids = []
        for name in names:
            with monkeypatch.context() as patch:
                patch.setattr(Conf, "PREFIX", name)
                ids.append(async_task("notify.tasks.send_reminders", cluster=name))
        _poll(lambda: QTask.objects.filter(id__in=ids).count(), lambda n: n == 2, workers[0])
    finally:
        for worker in workers:
            worker.stop()

    runs = list(QTask.objects.filter(id__in=ids))
    assert [r.success for r in runs] == [True, True], [r.result for r in runs]
    assert sum(_created(r.result) for r in runs) == 5  # each recorded once, by one of them
    assert received(slow_smtp) == expected
    rows = Message.objects.all()
    assert sorted(rows.values_list("status", flat=True)) == [MessageStatus.SENT] * 5
    assert sorted(rows.values_list("attempts", flat=True)) == [1] * 5
