"""Working days, day numbers and dates of an inspection. Pure: no Django imports.

Day numbers count working days (weekends and England & Wales bank holidays
skipped) from day one, the notification date. Day -1 is the working day before
day one; there is no day 0. Days after the final feedback keep counting, so
post-inspection steps ("factual accuracy check, day 25") have numbers too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


class CalendarError(ValueError):
    """A date or day number that the inspection calendar cannot accept."""


class NotAWorkingDay(CalendarError):
    pass


# No inspection step is 12 years from day one: a count past this is a typo or a probe, and
# refusing it stops a day number like 99999999 looping for seconds and then overflowing.
MAX_WORKING_DAYS = 3000
MAX_CALENDAR_DAYS = MAX_WORKING_DAYS * 2


@lru_cache(maxsize=64)
def _bank_holidays_for(year: int) -> dict[dt.date, str]:
    # England and Wales share every bank holiday the holidays package knows.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def bank_holiday_name(day: dt.date) -> str | None:
    return _bank_holidays_for(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


def why_not_working(day: dt.date) -> str | None:
    if day.weekday() >= 5:
        return f"{day:%A %-d %B %Y} is a weekend day"
    name = bank_holiday_name(day)
    if name:
        return f"{day:%A %-d %B %Y} is a bank holiday ({name})"
    return None


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The working day n working days after (n > 0) or before (n < 0) start."""
    if abs(n) > MAX_WORKING_DAYS:
        raise CalendarError(f"{n} working days is too far: at most {MAX_WORKING_DAYS}.")
    step = 1 if n >= 0 else -1
    day, remaining = start, abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """An aware datetime in Europe/London for a wall-clock time on a date."""
    return dt.datetime.combine(day, time, tzinfo=LONDON)


def to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    return local_datetime(day, time).astimezone(UTC)


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants a London day starts and the next one starts (23 or 25 hours apart when
    the clocks change): `start__gte`/`start__lt` on these is `local_date(start) == day`."""
    return to_utc(day, dt.time()), to_utc(day + dt.timedelta(days=1), dt.time())


@dataclass(frozen=True)
class InspectionCalendar:
    """Calendar weeks from day one with whole weeks on site (the ILACS inspections), or a
    visit counted in on-site working days: `onsite_days` working days on site from working
    day `onsite_first_day` (focused and monitoring visits, the JTAI); the last on-site day
    is then the final day."""

    day_one: dt.date
    weeks: int = 3
    onsite_weeks: tuple[int, ...] = (2, 3)
    onsite_first_day: int = 0
    onsite_days: int = 0

    def __post_init__(self) -> None:
        reason = why_not_working(self.day_one)
        if reason:
            raise NotAWorkingDay(f"Day one must be a working day: {reason}.")
        if self.onsite_days and self.onsite_first_day < 1:
            raise CalendarError("A visit's first on-site day must be day 1 or later.")

    # -- the shape of the inspection ---------------------------------------
    @property
    def counts_days(self) -> bool:
        """True when the shape is counted in on-site working days, not whole weeks."""
        return self.onsite_days > 0

    @property
    def onsite_day_numbers(self) -> list[int]:
        """The day numbers inspectors are on site."""
        if self.counts_days:
            first = self.onsite_first_day
            return list(range(first, first + self.onsite_days))
        return [n for n in range(1, self.last_day + 1) if self.is_onsite_day(n)]

    @property
    def offsite_day_numbers(self) -> list[int]:
        """Day one up to the last day, inspectors off site (the notification week ...)."""
        onsite = set(self.onsite_day_numbers)
        return [n for n in range(1, self.last_day + 1) if n not in onsite]

    @property
    def last_day_date(self) -> dt.date:
        """The last working day of the final week: the final feedback (for a visit counted
        in days, its last on-site day)."""
        if self.counts_days:
            return add_working_days(self.day_one, self.onsite_first_day + self.onsite_days - 2)
        friday = monday_of(self.day_one) + dt.timedelta(weeks=self.weeks - 1, days=4)
        day = friday
        while not is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    @property
    def dates(self) -> list[dt.date]:
        """Every working day from day one to the final feedback."""
        out, day = [], self.day_one
        while day <= self.last_day_date:
            if is_working_day(day):
                out.append(day)
            day += dt.timedelta(days=1)
        return out

    @property
    def length(self) -> int:
        return len(self.dates)

    @property
    def last_day(self) -> int:
        return self.length

    # -- conversions ------------------------------------------------------
    def date_for_day(self, n: int) -> dt.date:
        if n == 0:
            raise CalendarError(
                "There is no day 0: day 1 is day one, day -1 the working day before."
            )
        return add_working_days(self.day_one, n - 1 if n > 0 else n)

    def day_for_date(self, day: dt.date) -> int:
        reason = why_not_working(day)
        if reason:
            raise NotAWorkingDay(f"{reason}, so it has no day number.")
        if abs((day - self.day_one).days) > MAX_CALENDAR_DAYS:
            raise CalendarError(f"{day:%d/%m/%Y} is too far from day one to have a day number.")
        if day >= self.day_one:
            n, cursor = 1, self.day_one
            while cursor < day:
                cursor += dt.timedelta(days=1)
                n += is_working_day(cursor)
            return n
        n, cursor = 0, self.day_one
        while cursor > day:
            cursor -= dt.timedelta(days=1)
            n -= is_working_day(cursor)
        return n

    def week_for_date(self, day: dt.date) -> int:
        """Calendar week of the inspection: 1 is the week of day one; 0 the week before."""
        return (monday_of(day) - monday_of(self.day_one)).days // 7 + 1

    def week_for_day(self, n: int) -> int:
        return self.week_for_date(self.date_for_day(n))

    def days_in_week(self, week: int) -> list[int]:
        if abs(week) * 7 > MAX_CALENDAR_DAYS:
            raise CalendarError(f"Week {week} is too far from day one.")
        monday = monday_of(self.day_one) + dt.timedelta(weeks=week - 1)
        out = []
        for offset in range(5):
            day = monday + dt.timedelta(days=offset)
            if is_working_day(day):
                out.append(self.day_for_date(day))
        return out

    def is_onsite_day(self, n: int) -> bool:
        if self.counts_days:
            return self.onsite_first_day <= n < self.onsite_first_day + self.onsite_days
        return 1 <= n <= self.last_day and self.week_for_day(n) in self.onsite_weeks

    def phase_for_day(self, n: int) -> str:
        if n < 1:
            return "preparation"
        if n > self.last_day:
            return "after"
        week = self.week_for_day(n)
        return "onsite" if self.is_onsite_day(n) else f"week{week}"

    def describe_day(self, n: int) -> str:
        if n < 1:
            return f"Day {n} · preparation, before notification"
        if n > self.last_day:
            return f"Day {n} · after the inspection"
        week = self.week_for_day(n)
        where = "inspectors on site" if self.is_onsite_day(n) else "inspectors off site"
        return f"Day {n} of {self.last_day} · week {week}, {where}"

    def resolve_day(self, spec: int | str) -> int:
        """A template's day: a number, "last", or "last+N" / "last-N"."""
        if isinstance(spec, int):
            return spec
        text = spec.replace(" ", "")
        if text == "last":
            return self.last_day
        if text.startswith("last") and text[4:5] in "+-" and text[5:].isdigit():
            offset = int(text[5:]) * (1 if text[4] == "+" else -1)
            day = self.last_day + offset
            # stepping back across day 0 means the day before day one
            return day if day != 0 else -1
        raise CalendarError(f"Unrecognised day {spec!r}: use a number, 'last' or 'last+N'.")

    def due_at(self, spec: int | str, time: dt.time | None) -> dt.datetime:
        """Due moment in UTC: the given time, or the end of the working day (17:30)."""
        day = self.date_for_day(self.resolve_day(spec))
        return to_utc(day, time or END_OF_DAY)


END_OF_DAY = dt.time(17, 30)


@dataclass(frozen=True)
class VisitShape:
    """How an inspection type sits on the calendar: whole weeks on site (`weeks`,
    `onsite_weeks`), or `onsite_days` working days on site from day `onsite_first_day`."""

    weeks: int = 3
    onsite_weeks: tuple[int, ...] = (2, 3)
    onsite_first_day: int = 0
    onsite_days: int = 0

    def calendar(self, day_one: dt.date) -> InspectionCalendar:
        return InspectionCalendar(
            day_one,
            weeks=self.weeks,
            onsite_weeks=self.onsite_weeks,
            onsite_first_day=self.onsite_first_day,
            onsite_days=self.onsite_days,
        )
