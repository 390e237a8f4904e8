"""Reminders to a deadline task's owner, and the job that sends them with the alerts.

Deadline tasks are the dashboard's "Next deadlines" rule: every open task is a deadline at
its due moment (TaskQuerySet.open(), dated by due_at). Its owner is reminded at each of the
task's lead times (Task.remind, from the workflow template: by default 3 hours before and at
09:00 on the day; inspections.workflow.reminders), when the task is still open, has an owner
and the owner has an e-mail address.

The job asks what is due *now* rather than what fell in a window since the last run: every
reminder (and alert, notify.alerts) whose moment has passed and is no older than
NOTIFY_LATE_LIMIT_MINUTES. Each is recorded under its dedupe key ("reminder:<task>:<moment>")
so it is created once however many runs, or workers, see it; then each still pending is sent
by delivery.send_message, which claims its row atomically, so two workers never both send it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from inspections.calendar import LONDON, local_date
from inspections.models import Inspection, Task
from inspections.workflow.reminders import MAX_SPAN, reminder_moments
from notify import alerts
from notify.delivery import Outgoing, queue_message, send_message
from notify.models import MessageKind, MessageStatus


def late_limit() -> dt.timedelta:
    """How late a reminder or alert may still go: after that it would only confuse."""
    return dt.timedelta(minutes=settings.NOTIFY_LATE_LIMIT_MINUTES)


@dataclass(frozen=True)
class Reminder:
    task: Task
    moment: dt.datetime  # UTC

    @property
    def dedupe_key(self) -> str:
        return f"reminder:{self.task.pk}:{self.moment.isoformat()}"


def due_reminders(now: dt.datetime) -> list[Reminder]:
    """Every reminder whose moment is in [now - late limit, now], earliest first."""
    earliest = now - late_limit()
    # a reminder falls before its task's due moment and at most MAX_SPAN (or a day) before it
    tasks = (
        Task.objects.open()
        .filter(due_at__gt=earliest, due_at__lte=now + MAX_SPAN + dt.timedelta(days=1))
        .filter(owner__isnull=False)
        .exclude(owner__email="")
        .select_related("owner", "inspection")
        .order_by("due_at", "pk")
    )
    out = [
        Reminder(task, moment)
        for task in tasks
        for moment in reminder_moments(task.due_at, task.remind or [])
        if earliest <= moment <= now
    ]
    return sorted(out, key=lambda r: (r.moment, r.task.due_at, r.task.pk))


def when_due(due_at: dt.datetime, now: dt.datetime) -> str:
    """ "at 12:00 today", "at 09:00 tomorrow", "at 17:30 on Thursday 19 June"."""
    local, today = due_at.astimezone(LONDON), local_date(now)
    if local.date() == today:
        return f"at {local:%H:%M} today"
    if local.date() == today + dt.timedelta(days=1):
        return f"at {local:%H:%M} tomorrow"
    return f"at {local:%H:%M} on {local:%A} {local.day} {local:%B}"


def outgoing(reminder: Reminder, now: dt.datetime) -> Outgoing:
    task, inspection = reminder.task, reminder.task.inspection
    owner = task.owner
    assert owner is not None  # due_reminders only finds owned tasks
    local = task.due_at.astimezone(LONDON)
    waiting = [d.title for d in task.depends_on.all() if not d.is_done]
    context = {
        "inspection": inspection,
        "name": owner.full_name,
        "task": task,
        "when": when_due(task.due_at, now),
        "date": f"{local:%A} {local.day} {local:%B}",
        "waiting": waiting,
    }
    return Outgoing(
        email=owner.email,
        subject=f"Reminder: {task.title}, due {context['when']}",
        text=render_to_string("notify/email/reminder.txt", context),
        html=render_to_string("notify/email/reminder.html", context),
        person=owner,
    )


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Record every reminder and alert due now (once per key) and send those still pending.
    Counts: "created" new rows, and the status each send attempt left its row in."""
    now = now or timezone.now()
    items: list[tuple[Inspection, MessageKind, str, Outgoing]] = [
        (r.task.inspection, MessageKind.REMINDER, r.dedupe_key, outgoing(r, now))
        for r in due_reminders(now)
    ]
    items += [
        (inspection, MessageKind.ALERT, key, out)
        for inspection, key, out in alerts.due_alerts(now, late_limit())
    ]
    counts: dict[str, int] = {}
    for inspection, kind, key, out in items:
        message, created = queue_message(inspection, kind, key, out)
        if created:
            counts["created"] = counts.get("created", 0) + 1
        if message.status == MessageStatus.PENDING:
            # another worker may be sending it: send_message's claim lets only one through
            status = send_message(message.pk)
            counts[status] = counts.get(status, 0) + 1
    return counts
