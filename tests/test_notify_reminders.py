"""Deadline reminders on Shropshire 2025: each open task's owner is e-mailed at the task's
lead times (3 hours before and at 09:00 on the day unless the workflow template says
otherwise), through a real SMTP server, once however often the job runs; nothing for a done
task, an owner without an address, or a moment missed by more than two hours."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django_q.models import Schedule
from django_q.models import Task as QTask
from django_q.tasks import async_task
from smtp_server import html_of, mail_env, text_of
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture
from test_notify_reminders_pg import due_now, received
from test_worker_real import Worker, _poll, broker  # noqa: F401 - the broker fixture

from inspections.calendar import LONDON
from inspections.models import Task, TaskStatus
from inspections.workflow import WorkflowError, load_template, parse_template
from inspections.workflow.reminders import reminder_moments
from notify.models import Message, MessageKind, MessageStatus, Preference
from notify.tasks import send_reminders

WORKFLOWS = Path(__file__).resolve().parent.parent / "seeds" / "workflows"


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def london(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def _run(at: str) -> str:
    with time_machine.travel(london(at), tick=False):
        return send_reminders()


def subject(message) -> str:
    """The Subject header as the reader sees it (a long one is folded on the wire)."""
    return re.sub(r"\r?\n(?=[ \t])", "", message["Subject"])


def _received(smtp) -> list[tuple[str, str]]:  # noqa: F811
    return sorted((m["To"], subject(m)) for m in smtp.received)


def _email(inspection, key: str) -> str:
    return Task.objects.get(inspection=inspection, key=key).owner.email


def test_each_owner_is_reminded_at_9_on_the_day_and_3_hours_before(scenario, smtp):  # noqa: F811
    # Wednesday 18 June 2025 is day 3; the library is due at 12:00 (its template says 09:00
    # and 1 hour before), deep dives at 10:00, the others at 17:30; the daily call at 16:00 is a
    # meeting in the digest, and its template asks for no reminders
    assert _run("2025-06-18 09:05") == "4 created, 4 sent"
    assert _received(smtp) == sorted(
        [
            (
                "kamala.prys@shropshire.example",
                "Reminder: Confirm the up to 12 children inspectors chose for deep dives, "
                "due at 10:00 today",
            ),
            (
                "kamala.prys@shropshire.example",
                "Reminder: Upload the library: information used to manage services, "
                "due at 12:00 today",
            ),
            (
                "rhys.nash@shropshire.example",
                "Reminder: Collate the case-record packs for the chosen children, "
                "due at 17:30 today",
            ),
            (
                "isaac.lythwood@shropshire.example",
                "Reminder: Book rooms at hubs and venues and create Teams links for weeks 2 and 3, "
                "due at 17:30 today",
            ),
        ]
    )
    smtp.received.clear()

    assert _run("2025-06-18 09:10") == "nothing due"  # the same ones: recorded, already sent
    assert _run("2025-06-18 11:05") == "1 created, 1 sent"  # the library's 1 hour before
    assert _run("2025-06-18 14:35") == "2 created, 2 sent"  # 3 hours before 17:30
    assert _received(smtp) == [
        (
            "isaac.lythwood@shropshire.example",
            "Reminder: Book rooms at hubs and venues and create Teams links for weeks 2 and 3, "
            "due at 17:30 today",
        ),
        (
            "kamala.prys@shropshire.example",
            "Reminder: Upload the library: information used to manage services, due at 12:00 today",
        ),
        (
            "rhys.nash@shropshire.example",
            "Reminder: Collate the case-record packs for the chosen children, due at 17:30 today",
        ),
    ]
    assert Message.objects.filter(kind=MessageKind.REMINDER, status=MessageStatus.SENT).count() == 7


def test_the_reminder_says_what_is_due_when_and_what_it_waits_on(scenario, smtp):  # noqa: F811
    _run("2025-06-18 11:05")

    [message] = smtp.received
    assert message["To"] == "kamala.prys@shropshire.example"
    assert text_of(message) == (
        "Hello Kamala Prys,\n\n"
        f"Reminder: a task you own for {scenario.title} is due at 12:00 today "
        "(Wednesday 18 June, day 3).\n\n"
        "* Upload the library: information used to manage services\n"
        "  Shropshire uploaded 315 documents by 12 noon on day three (report 7.83).\n\n"
        "It still waits on:\n"
        "* Quality-assure the library documents\n\n"
        "When it is done, tick it on your day sheet in the planner.\n"
    )
    html = html_of(message)
    assert "<strong>Upload the library: information used to manage services</strong>" in html
    assert "<li>Quality-assure the library documents</li>" in html
    row = Message.objects.get(kind=MessageKind.REMINDER)
    task = Task.objects.get(inspection=scenario, key="library-upload")
    assert row.dedupe_key == f"reminder:{task.pk}:2025-06-18T10:00:00+00:00"
    assert (row.person, row.status) == (task.owner, MessageStatus.SENT)


def test_done_tasks_owners_without_an_address_and_missed_moments_get_nothing(scenario, smtp):  # noqa: F811
    tasks = Task.objects.filter(inspection=scenario)
    tasks.filter(key="deep-dive-selection").update(status=TaskStatus.DONE)
    room_bookings = tasks.get(key="room-bookings")
    room_bookings.owner.email = ""
    room_bookings.owner.save()
    tasks.filter(key="case-packs-collate").update(owner=None)

    # 11:05 would still be in time for 09:00; 11:01 is more than two hours after it
    assert _run("2025-06-18 11:01") == "1 created, 1 sent"
    assert _received(smtp) == [
        (
            "kamala.prys@shropshire.example",
            "Reminder: Upload the library: information used to manage services, due at 12:00 today",
        )
    ]
    # their 3-hours-before moments at 14:30: one has no owner, the other's owner no address
    assert _run("2025-06-18 14:35") == "nothing due"


def test_someone_who_asked_for_nothing_is_recorded_not_sent(scenario, smtp):  # noqa: F811
    owner = Task.objects.get(inspection=scenario, key="library-upload").owner
    Preference.objects.create(person=owner, choice="digest")

    assert _run("2025-06-18 11:05") == "1 created"
    assert smtp.received == []
    row = Message.objects.get(kind=MessageKind.REMINDER)
    assert (row.person, row.status) == (owner, MessageStatus.SKIPPED)


def test_lead_times_come_from_the_template_with_a_default(scenario):
    template = load_template(WORKFLOWS / "ilacs-standard.toml")
    by_key = {t.key: t for t in template.tasks}
    assert by_key["library-upload"].remind == ("09:00", "1h")
    assert by_key["library-qa"].remind == ("3h", "09:00")
    stored = dict(Task.objects.filter(inspection=scenario).values_list("key", "remind"))
    assert (stored["library-upload"], stored["library-qa"]) == (["09:00", "1h"], ["3h", "09:00"])


def test_a_task_with_no_lead_times_is_never_reminded(scenario, smtp):  # noqa: F811
    Task.objects.filter(inspection=scenario, key="library-upload").update(remind=[])
    assert _run("2025-06-18 11:05") == "nothing due"
    assert smtp.received == []


def _template(remind) -> dict:
    return {
        "template": {"key": "t", "name": "T"},
        "task": [
            {
                "key": "a",
                "title": "A",
                "phase": "week1",
                "day": 1,
                "owner_role": "coordinator",
                "remind": remind,
            }
        ],
    }


@pytest.mark.parametrize(
    ("remind", "message"),
    [
        ("3h", r"remind must be a list"),
        (["3 hours"], r"remind '3 hours' is not a span before the deadline"),
        (["25:00"], r"remind '25:00' is not a span"),
        (["0h"], r"remind '0h' must be more than 0"),
        (["200h"], r"remind '200h' must be more than 0 and at most 7 days before"),
    ],
)
def test_a_template_with_a_bad_lead_time_is_refused_naming_the_task(remind, message):
    with pytest.raises(WorkflowError, match=r"t: task 1 \(a\): " + message):
        parse_template(_template(remind), source="t")


def test_lead_times_landing_on_one_moment_make_one_reminder_and_none_after_the_deadline():
    due = london("2025-06-18 12:00")
    moments = reminder_moments(due, ["09:00", "3h", "30m", "13:00"])
    assert moments == [london("2025-06-18 09:00"), london("2025-06-18 11:30")]


def test_a_real_worker_runs_the_reminder_job(broker, smtp, tmp_path):  # noqa: F811
    # the worker is another process: the data is dated from real now (its clock)
    expected = due_now()
    Schedule.objects.all().delete()  # only the run the test gives it
    task_id = async_task("notify.tasks.send_reminders")
    worker = Worker(broker, tmp_path, tmp_path / "qcluster.log")
    try:
        worker.start(extra=mail_env(smtp.port))
        _poll(lambda: QTask.objects.filter(id=task_id).count(), bool, worker)
    finally:
        worker.stop()

    [run] = QTask.objects.filter(id=task_id)
    assert (run.success, run.result) == (True, "5 created, 5 sent")
    assert received(smtp) == expected
