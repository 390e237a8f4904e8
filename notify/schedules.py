"""The cluster's standing jobs for messages, installed on every `migrate` (notify.apps):

- the morning digests at 07:30 Europe/London every day (django-q2's DAILY schedule keeps the
  wall-clock time across the clock changes in its TIME_ZONE, the site's); the task itself
  skips inspections whose today is not a working day, so weekends and bank holidays send
  nothing. (A cron schedule would need croniter, which is not installed.)
- a sweep every few minutes that sends what is due: retries after their back-off, and any
  message whose first send was lost with its queue entry.
- the deadline reminders and coordinators' alerts due now, every few minutes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_q.models import Schedule

from inspections.calendar import LONDON

DIGEST_SCHEDULE = "Send the morning digests"
DIGEST_AT = dt.time(7, 30)
RETRY_SCHEDULE = "Send due messages"
RETRY_EVERY_MINUTES = 5
# Reminders and alerts: what is due now, every few minutes (notify.reminders).
REMINDER_SCHEDULE = "Send due reminders and alerts"
REMINDER_EVERY_MINUTES = 5


def next_digest_run(now: dt.datetime) -> dt.datetime:
    """The next 07:30 in London after `now`."""
    local = now.astimezone(LONDON)
    run = dt.datetime.combine(local.date(), DIGEST_AT, tzinfo=LONDON)
    if run <= local:
        run = dt.datetime.combine(local.date() + dt.timedelta(days=1), DIGEST_AT, tzinfo=LONDON)
    return run


def install_schedules(using: str = "default") -> None:
    """Running this again changes nothing (a schedule already there keeps its next run)."""
    schedules = Schedule.objects.using(using)
    digest = schedules.filter(name=DIGEST_SCHEDULE).first()
    if digest is None:
        schedules.create(
            name=DIGEST_SCHEDULE,
            func="notify.tasks.send_due_digests",
            schedule_type=Schedule.DAILY,
            next_run=next_digest_run(timezone.now()),
            repeats=-1,
        )
    schedules.update_or_create(
        name=RETRY_SCHEDULE,
        defaults={
            "func": "notify.tasks.send_due_messages",
            "schedule_type": Schedule.MINUTES,
            "minutes": RETRY_EVERY_MINUTES,
            "repeats": -1,
        },
    )
    schedules.update_or_create(
        name=REMINDER_SCHEDULE,
        defaults={
            "func": "notify.tasks.send_reminders",
            "schedule_type": Schedule.MINUTES,
            "minutes": REMINDER_EVERY_MINUTES,
            "repeats": -1,
        },
    )
