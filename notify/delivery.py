"""Delivery you can trust: each message is recorded once and sent at most once.

- queue_message: one row per dedupe key, however often (or however concurrently) it is asked.
- send_message: claims the row with one conditional UPDATE (pending or due for retry ->
  sending), so of two workers only one sends; then sends through Django's e-mail backend and
  records the mail server's answer. A failure is retried after a back-off, up to
  MAX_ATTEMPTS, then stays failed for the coordinator to see (/inspections/<slug>/messages/).

A worker that dies between the claim and the answer leaves the row "sending": it is never
sent again on its own, since the server may have taken it (at most once beats twice).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from inspections.models import Inspection, Inspector, Person
from notify.models import ALLOWED, Choice, Message, MessageKind, MessageStatus, Preference

# Minutes to wait after the 1st, 2nd, ... failure; after the last one it stays failed.
BACKOFF_MINUTES = (5, 15, 60, 240)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


@dataclass(frozen=True)
class Outgoing:
    """What one message says, before it is recorded."""

    email: str
    subject: str
    text: str
    html: str = ""
    person: Person | None = None
    inspector: Inspector | None = None
    attachment_name: str = ""
    attachment_type: str = ""
    attachment: bytes | None = None
    # Sent whatever the person chose (a concern for those who must see it).
    essential: bool = False


def wants(outgoing: Outgoing, kind: MessageKind) -> bool:
    """The recipient's choice (digest only, everything, nothing) lets this kind through."""
    if outgoing.essential:
        return True
    who = outgoing.person or outgoing.inspector
    if who is None:
        return True
    field = "person" if outgoing.person is not None else "inspector"
    choice = (
        Preference.objects.filter(**{field: who}).values_list("choice", flat=True).first()
        or Choice.EVERYTHING
    )
    return kind in ALLOWED[Choice(choice)]


def queue_message(
    inspection: Inspection, kind: MessageKind, dedupe_key: str, outgoing: Outgoing
) -> tuple[Message, bool]:
    """The message for this key, created if new (True) or as it already was (False). A kind
    the recipient asked not to receive is recorded as skipped, never sent."""
    skipped = not wants(outgoing, kind)
    fields = {
        "inspection": inspection,
        "kind": kind,
        "email": outgoing.email,
        "subject": outgoing.subject,
        "body_text": outgoing.text,
        "body_html": outgoing.html,
        "person": outgoing.person,
        "inspector": outgoing.inspector,
        "attachment_name": outgoing.attachment_name,
        "attachment_type": outgoing.attachment_type,
        "attachment": outgoing.attachment,
        "status": MessageStatus.SKIPPED if skipped else MessageStatus.PENDING,
        "next_attempt_at": None if skipped else timezone.now(),
        "last_answer": "Not sent: they chose not to receive this kind of message"
        if skipped
        else "",
    }
    try:
        # its own savepoint: a concurrent creator's row makes this insert fail, not the caller
        with transaction.atomic():
            return Message.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
    except IntegrityError:
        return Message.objects.get(dedupe_key=dedupe_key), False


def _claim(pk: int, now: dt.datetime) -> bool:
    """Atomically take the message for sending; False if another worker has it, or it is
    sent, given up or not yet due."""
    return bool(
        Message.objects.due(now)
        .filter(pk=pk, attempts__lt=MAX_ATTEMPTS)
        .update(status=MessageStatus.SENDING)
    )


def _answer(exc: Exception) -> str:
    """The mail server's answer ("554 5.7.1 ...") or the error, as the coordinator reads it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _email(message: Message) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.email],
        # the same id on every attempt: a mail system that saw it already can drop a repeat
        headers={"Message-ID": f"<notify-{message.pk}.{message.inspection_id}@ilacs-planner>"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.attachment is not None and message.attachment_name:
        kind = message.attachment_type
        if kind.split(";")[0].strip().lower() == "text/calendar":
            # An invitation: mail clients read it from the calendar alternative, with its
            # method ("text/calendar; method=REQUEST"); Django adds the charset itself.
            kind = ";".join(p for p in kind.split(";") if p.split("=")[0].strip() != "charset")
            email.attach_alternative(bytes(message.attachment).decode(), kind)
        email.attach(message.attachment_name, bytes(message.attachment), kind)
    return email


def send_message(pk: int) -> str:
    """Send one message if it is due and nobody else is sending it; its status afterwards."""
    now = timezone.now()
    if not _claim(pk, now):
        return str(Message.objects.filter(pk=pk).values_list("status", flat=True).first())
    message = Message.objects.get(pk=pk)
    try:
        _email(message).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        attempts = message.attempts + 1
        wait = BACKOFF_MINUTES[attempts - 1] if attempts < MAX_ATTEMPTS else None
        Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
            status=MessageStatus.FAILED,
            attempts=F("attempts") + 1,
            last_answer=_answer(exc)[:2000],
            next_attempt_at=timezone.now() + dt.timedelta(minutes=wait) if wait else None,
        )
        return MessageStatus.FAILED
    Message.objects.filter(pk=pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT,
        attempts=F("attempts") + 1,
        last_answer="Accepted by the mail server",
        sent_at=timezone.now(),
        next_attempt_at=None,
    )
    return MessageStatus.SENT


def send_due_messages(now: dt.datetime | None = None) -> dict[str, int]:
    """Every message due now (new ones and retries whose back-off is over), oldest first."""
    due = Message.objects.due(now or timezone.now()).filter(attempts__lt=MAX_ATTEMPTS)
    counts: dict[str, int] = {}
    for pk in due.order_by("created_at", "pk").values_list("pk", flat=True):
        status = send_message(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts
