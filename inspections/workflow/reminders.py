"""When a task's owner is reminded of it: the template's `remind` lead times. Pure: no Django.

A lead time is either a span before the due moment ("3h", "90m") or a clock time on the day
the task is due ("09:00", Europe/London). A reminder at or after the due moment is dropped
(the task is then overdue, which the day sheet and the digest say), and two lead times that
land on the same moment make one reminder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from inspections.calendar import LONDON, to_utc

# Unless a template task says otherwise: 3 hours before, and at 09:00 on the day it is due.
DEFAULT_REMIND: tuple[str, ...] = ("3h", "09:00")
# A span longer than a week would remind about a task nobody is working on yet.
MAX_SPAN = dt.timedelta(days=7)

_SPAN = re.compile(r"(\d{1,4})([hm])")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class ReminderError(ValueError):
    """A lead time that is neither "<N>h", "<N>m" nor "HH:MM"."""


def _span(value: str) -> dt.timedelta | None:
    match = _SPAN.fullmatch(value)
    if match is None:
        return None
    number, unit = int(match[1]), match[2]
    return dt.timedelta(hours=number) if unit == "h" else dt.timedelta(minutes=number)


def _clock(value: str) -> dt.time | None:
    match = _CLOCK.fullmatch(value)
    return dt.time(int(match[1]), int(match[2])) if match else None


def parse_remind(value: object) -> tuple[str, ...]:
    """The lead times as written in a template (a list of strings), checked; [] means none."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ReminderError('remind must be a list like ["3h", "09:00"]')
    out: list[str] = []
    for raw in value:
        text = raw.strip()
        span = _span(text)
        if span is None and _clock(text) is None:
            raise ReminderError(
                f'remind {raw!r} is not a span before the deadline ("3h", "30m") '
                'or a time on the day it is due ("09:00")'
            )
        if span is not None and (span <= dt.timedelta(0) or span > MAX_SPAN):
            raise ReminderError(f"remind {raw!r} must be more than 0 and at most 7 days before")
        if text not in out:
            out.append(text)
    return tuple(out)


def reminder_moments(due_at: dt.datetime, remind: Iterable[str]) -> list[dt.datetime]:
    """The moments (UTC) a task due at `due_at` is reminded of, earliest first."""
    day = due_at.astimezone(LONDON).date()
    moments: set[dt.datetime] = set()
    for text in remind:
        span = _span(text)
        clock = _clock(text)
        if span is not None:
            moment = due_at - span
        elif clock is not None:
            moment = to_utc(day, clock)
        else:  # stored before a check existed, or edited by hand: never fatal to the job
            continue
        if moment < due_at:
            moments.add(moment.astimezone(dt.UTC))
    return sorted(moments)


def longest_lead(remind: Iterable[str]) -> dt.timedelta:
    """How long before its due moment a task's earliest reminder can fall (a clock time on
    the day: up to a day)."""
    leads = [(_span(t) or dt.timedelta(days=1)) for t in remind]
    return max(leads, default=dt.timedelta(0))
