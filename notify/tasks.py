"""django-q2 task entry points for messages: each calls one service."""

from __future__ import annotations

from django.utils import timezone
from django_q.tasks import async_task

from inspections.calendar import local_date
from inspections.models import Inspection
from notify import delivery
from notify.concerns import create_concern_alerts
from notify.digest import create_digests
from notify.models import MessageStatus
from notify.release_messages import create_release_messages
from notify.reminders import send_due_reminders


def send_message(pk: int) -> str:
    return delivery.send_message(pk)


def send_due_messages() -> str:
    counts = delivery.send_due_messages()
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"


def send_due_digests() -> str:
    """Today's digests of every inspection under way whose today is one of its working days;
    each new one is queued for sending. Run twice, the second run creates and sends nothing."""
    now = timezone.now()
    created = 0
    for inspection in Inspection.objects.current(local_date(now)):
        day = inspection.day_number_today(now)
        if day is None:  # a weekend or bank holiday
            continue
        for message, new in create_digests(inspection, day):
            if new and message.status == MessageStatus.PENDING:
                created += 1
                async_task("notify.tasks.send_message", message.pk, group="digests")
    return f"{created} digest(s) queued"


# Messages per send job: a big release's sends (v1 invites everyone to everything) are shared
# by the workers, and no job comes near the worker timeout on a slow mail server.
SEND_BATCH = 50


def send_messages(pks: list[int]) -> str:
    """Send each of these messages that is due (each claimed as send_message claims it)."""
    counts: dict[str, int] = {}
    for pk in pks:
        status = delivery.send_message(pk)
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"


def send_release_messages(release_pk: int) -> str:
    """A published release's change notices and invitations, recorded once each and queued for
    sending in batches. Run twice, nothing is recorded twice and nothing sent twice."""
    pending = [
        message.pk
        for message, _new in create_release_messages(release_pk)
        if message.status == MessageStatus.PENDING
    ]
    for start in range(0, len(pending), SEND_BATCH):
        batch = pending[start : start + SEND_BATCH]
        async_task("notify.tasks.send_messages", batch, group="releases")
    return f"{len(pending)} message(s) queued"


def send_reminders() -> str:
    """Deadline reminders and the coordinators' alerts due now, each recorded and sent once
    however many workers run this at the same moment (notify.reminders)."""
    counts = send_due_reminders()
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing due"


def send_concern_alerts(concern_pk: int) -> str:
    """Tell those who must see a newly logged concern, each once (notify.concerns)."""
    counts: dict[str, int] = {}
    for message, _new in create_concern_alerts(concern_pk):
        status = delivery.send_message(message.pk)
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nobody to tell"
