"""django-q2 task entry points for messages: each calls one service."""

from __future__ import annotations

from django.utils import timezone
from django_q.tasks import async_task

from inspections.calendar import local_date
from inspections.models import Inspection
from notify import delivery
from notify.digest import create_digests
from notify.models import MessageStatus


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
