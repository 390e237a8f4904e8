"""Delivery you can trust: a message is recorded once per key, sent once through a real SMTP
server, retried after a refusal with back-off, given up after the limit and shown to the
project team; and a real `qcluster` worker sends one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django_q.conf import Conf
from django_q.tasks import async_task
from smtp_server import html_of, mail_env, start_server, text_of
from test_worker_real import Worker, _poll

from inspections.models import Inspection, Person, PersonKind, Role
from notify.delivery import BACKOFF_MINUTES, MAX_ATTEMPTS, Outgoing, queue_message, send_message
from notify.delivery import send_due_messages as send_due
from notify.models import Message, MessageKind, MessageStatus


@pytest.fixture
def smtp(settings):
    """The SMTP server, and Django's SMTP backend pointed at it."""
    controller, recorder = start_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    recorder.port = controller.port
    try:
        yield recorder
    finally:
        controller.stop()


def _inspection() -> Inspection:
    return Inspection.objects.create(
        slug="test-la-2026", title="Test LA", local_authority="Test", day_one=dt.date(2026, 6, 1)
    )


def _queue(inspection: Inspection, key: str = "digest:1:8:person:1") -> tuple[Message, bool]:
    person, _ = Person.objects.get_or_create(
        inspection=inspection,
        ref="pa-1",
        defaults={
            "full_name": "Pat Example",
            "kind": PersonKind.PROJECT_TEAM,
            "email": "pat@la.example",
        },
    )
    return queue_message(
        inspection,
        MessageKind.DIGEST,
        key,
        Outgoing(
            email=person.email,
            subject="Your day 8",
            text="Hello Pat,\n* Case discussion\n",
            html="<p>Hello Pat,</p>",
            person=person,
        ),
    )


def test_a_message_is_recorded_once_per_key_and_sent_once(db, smtp):
    inspection = _inspection()
    first, created = _queue(inspection)
    again, created_again = _queue(inspection)

    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Message.objects.count() == 1
    assert send_message(first.pk) == MessageStatus.SENT
    assert send_message(first.pk) == MessageStatus.SENT  # already sent: not claimed again
    assert send_due() == {}

    [received] = smtp.received
    assert (received["To"], received["Subject"]) == ("pat@la.example", "Your day 8")
    assert text_of(received) == "Hello Pat,\n* Case discussion\n"
    assert html_of(received) == "<p>Hello Pat,</p>"
    first.refresh_from_db()
    assert (first.status, first.attempts, first.sent_at is not None) == ("sent", 1, True)


def test_a_refused_send_is_failed_with_the_answer_retried_later_and_given_up_at_the_limit(
    db, smtp, member_client
):
    inspection = _inspection()
    message, _ = _queue(inspection)
    smtp.refuse = "554 5.7.1 Relay access denied"
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        assert send_due() == {"failed": 1}
        assert send_due() == {}  # its back-off is not over
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_answer) == (
        "failed",
        1,
        "554 5.7.1 Relay access denied",
    )
    assert message.next_attempt_at == start + dt.timedelta(minutes=BACKOFF_MINUTES[0])

    page = member_client(inspection, Role.PROJECT_TEAM).get(
        f"/inspections/{inspection.slug}/messages/"
    )
    assert page.status_code == 200
    assert "554 5.7.1 Relay access denied" in page.content.decode()
    staff = member_client(inspection, Role.STAFF).get(f"/inspections/{inspection.slug}/messages/")
    assert staff.status_code == 403

    later = start
    for wait in BACKOFF_MINUTES:  # every retry refused too, until the last
        later += dt.timedelta(minutes=wait)
        with time_machine.travel(later, tick=False):
            assert send_due() == {"failed": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    smtp.refuse = ""
    with time_machine.travel(later + dt.timedelta(days=1), tick=False):
        assert send_due() == {}
    assert smtp.received == []

    # one that fails once and then goes through
    retried, _ = _queue(inspection, key="digest:1:9:person:1")
    smtp.refuse = "451 4.3.0 Try again later"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert send_due() == {"failed": 1}
    smtp.refuse = ""
    with time_machine.travel(start + dt.timedelta(minutes=BACKOFF_MINUTES[0]), tick=False):
        assert send_due() == {"sent": 1}
    retried.refresh_from_db()
    assert (retried.status, retried.attempts, len(smtp.received)) == ("sent", 2, 1)


def test_a_real_qcluster_worker_sends_a_queued_message(
    transactional_db, smtp, tmp_path, monkeypatch
):
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    message, _ = _queue(_inspection())
    async_task("notify.tasks.send_message", message.pk)
    media = tmp_path / "media"
    media.mkdir()
    worker = Worker("orm", media, tmp_path / "qcluster.log")
    try:
        worker.start(extra=mail_env(smtp.port))
        _poll(lambda: Message.objects.get(pk=message.pk).status, lambda s: s == "sent", worker)
    finally:
        worker.stop()

    [received] = smtp.received
    assert (received["To"], received["From"]) == ("pat@la.example", "planner@la.example")
    assert text_of(received) == "Hello Pat,\n* Case discussion\n"
