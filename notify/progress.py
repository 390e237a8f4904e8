"""How an inspection's sends are going, for the messages page: counts by status, and while
messages wait to be sent, how far the send under way has got. Two aggregate queries at most,
however many messages there are.

The send under way is the day's (UK time) of the oldest message still waiting: the morning's
digests are recorded together and sent oldest first, so the oldest waiting one alone would
leave out those of the same send already sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from inspections.calendar import local_date, to_utc
from inspections.models import Inspection
from notify.models import Message, MessageStatus

UNSENT = [MessageStatus.PENDING, MessageStatus.SENDING]


@dataclass(frozen=True)
class SendProgress:
    sent: int
    pending: int
    sending: int
    failed: int
    skipped: int
    # the send under way: every message (but skipped ones) recorded since the start of the day
    # of the oldest one waiting
    batch_total: int = 0
    batch_sent: int = 0
    batch_failed: int = 0

    @property
    def in_progress(self) -> bool:
        return bool(self.pending or self.sending)

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.sending + self.failed + self.skipped


def _by_status(status: MessageStatus) -> Count:
    return Count("pk", filter=Q(status=status))


def send_progress(inspection: Inspection) -> SendProgress:
    messages = Message.objects.filter(inspection=inspection)
    counts = messages.aggregate(
        sent=_by_status(MessageStatus.SENT),
        pending=_by_status(MessageStatus.PENDING),
        sending=_by_status(MessageStatus.SENDING),
        failed=_by_status(MessageStatus.FAILED),
        skipped=_by_status(MessageStatus.SKIPPED),
        since=Min("created_at", filter=Q(status__in=UNSENT)),
    )
    oldest = counts.pop("since")
    if oldest is None:
        return SendProgress(**counts)
    batch = (
        messages.filter(created_at__gte=to_utc(local_date(oldest), dt.time(0)))
        .exclude(status=MessageStatus.SKIPPED)
        .aggregate(
            batch_total=Count("pk"),
            batch_sent=_by_status(MessageStatus.SENT),
            batch_failed=_by_status(MessageStatus.FAILED),
        )
    )
    return SendProgress(**counts, **batch)
