"""Calendar pages for the project team: day, week, room, person, and the day run-sheet.

Each page makes a fixed number of queries: the inspection, the release's meetings (one call to
the timetabling work), then at most one query per model it names (inspectors, people, tasks).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from calendars import planview, sources
from calendars.forms import PlanForm, day_or_404, key_or_404, ref_or_404, week_or_404
from inspections.access import inspection_for
from inspections.calendar import LONDON, CalendarError, to_utc
from inspections.models import Inspection, Inspector, Person, Task
from scheduling.snapshots import MeetingSnapshot


class Plan:
    """The meetings a page shows: the latest published release, or the draft on request.

    An unknown ?plan= shows the published release with the error summary, status 400."""

    def __init__(self, request: HttpRequest, inspection: Inspection) -> None:
        self.inspection = inspection
        self.form = PlanForm(request.GET)
        self.draft = self.form.is_valid() and self.form.cleaned_data["plan"] == "draft"
        self.release = None if self.draft else sources.latest_release(self.inspection)
        self.meetings: list[MeetingSnapshot] = sources.meetings(self.inspection, draft=self.draft)
        self.url = planview.meeting_url_maker(inspection.slug)

    @property
    def status(self) -> int:
        return 400 if self.form.errors else 200

    def items(self, meetings: list[MeetingSnapshot]) -> list[planview.Item]:
        return planview.items(meetings, self.url)

    def context(self, **extra: object) -> dict[str, object]:
        return {
            "inspection": self.inspection,
            "draft": self.draft,
            "release": self.release,
            "plan_query": "?plan=draft" if self.draft else "",
            "plan_form": self.form,
            **extra,
        }

    def render(self, request: HttpRequest, template: str, **extra: object) -> HttpResponse:
        return render(request, template, self.context(**extra), status=self.status)


def _days(inspection: Inspection) -> list[dict[str, object]]:
    cal = inspection.calendar
    return [
        {"number": n, "date": cal.date_for_day(n), "week": cal.week_for_day(n)}
        for n in range(1, cal.last_day + 1)
    ]


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    plan = Plan(request, inspection_for(request, slug))
    rooms, venues = sources.rooms_and_venues(plan.meetings)
    inspectors = list(Inspector.objects.filter(inspection=plan.inspection))
    refs = {a.ref for m in plan.meetings for a in m.attendees}
    people = list(Person.objects.filter(inspection=plan.inspection, ref__in=refs))
    weeks = sorted({d["week"] for d in _days(plan.inspection)})  # type: ignore[type-var]
    return plan.render(
        request,
        "calendars/index.html",
        days=_days(plan.inspection),
        weeks=weeks,
        rooms=sorted(rooms.items(), key=lambda kv: kv[1]),
        venues=sorted(venues.items(), key=lambda kv: kv[1]),
        inspectors=inspectors,
        people=people,
    )


@login_required
def day(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = inspection_for(request, slug)
    day = day_or_404(inspection, day)  # before any work: day 99999999 is a 404 at once
    plan = Plan(request, inspection)
    date = inspection.calendar.date_for_day(day)
    inspectors = [
        i
        for i in Inspector.objects.filter(inspection=plan.inspection)
        if day in (i.onsite_days or [])
    ]
    grid = planview.day_grid(
        plan.items(planview.on_date(plan.meetings, date)),
        date,
        [(i.ref, f"{i.full_name} ({i.get_role_display()})") for i in inspectors],
    )
    last = plan.inspection.calendar.last_day
    return plan.render(
        request,
        "calendars/day.html",
        day=day,
        date=date,
        grid=grid,
        describe=plan.inspection.calendar.describe_day(day),
        previous_day=day - 1 if day > 1 else None,
        next_day=day + 1 if day < last else None,
    )


@login_required
def week(request: HttpRequest, slug: str, week: int) -> HttpResponse:
    inspection = inspection_for(request, slug)
    week = week_or_404(inspection, week)  # before any work: week 99999999 is a 404 at once
    cal = inspection.calendar
    numbers = cal.days_in_week(week)
    if not numbers:
        raise Http404("That week has no working days.")
    plan = Plan(request, inspection)
    grouped = planview.by_day(plan.items(plan.meetings))
    days = []
    for n in numbers:
        date = cal.date_for_day(n)
        days.append({"number": n, "date": date, "items": grouped.get(date, [])})
    return plan.render(
        request,
        "calendars/week.html",
        week=week,
        days=days,
        previous_week=week - 1 if week > 1 else None,
        next_week=week + 1 if week < cal.week_for_day(cal.last_day) else None,
    )


def _listing(
    request: HttpRequest, plan: Plan, meetings: list[MeetingSnapshot], **extra: object
) -> HttpResponse:
    grouped = planview.by_day(plan.items(meetings))
    cal = plan.inspection.calendar
    days = []
    for date, its in grouped.items():
        try:
            number: int | None = cal.day_for_date(date)
        except CalendarError:
            number = None
        days.append({"date": date, "number": number, "items": its})
    return plan.render(request, "calendars/listing.html", days=days, **extra)


@login_required
def room(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    key = key_or_404(key)
    plan = Plan(request, inspection)
    meetings = planview.for_room(plan.meetings, key)
    rooms, _ = sources.rooms_and_venues(plan.meetings)
    if key not in rooms:
        raise Http404("No meetings in that room in this plan.")
    return _listing(request, plan, meetings, heading=rooms[key], caption="Room")


@login_required
def venue(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    key = key_or_404(key)
    plan = Plan(request, inspection)
    meetings = planview.for_venue(plan.meetings, key)
    _, venues = sources.rooms_and_venues(plan.meetings)
    if key not in venues:
        raise Http404("No meetings at that venue in this plan.")
    address = next((m.venue_address for m in meetings if m.venue_address), "")
    return _listing(request, plan, meetings, heading=venues[key], caption="Venue", address=address)


@login_required
def person(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    ref = ref_or_404(ref)
    plan = Plan(request, inspection)
    inspector = Inspector.objects.filter(inspection=plan.inspection, ref=ref).first()
    if inspector is not None:
        heading, caption = inspector.full_name, inspector.get_role_display()
    else:
        who = Person.objects.filter(inspection=plan.inspection, ref=ref).first()
        if who is None:
            raise Http404("No inspector or person with that reference.")
        heading, caption = who.full_name, who.description or "Person"
    return _listing(
        request, plan, planview.for_ref(plan.meetings, ref), heading=heading, caption=caption
    )


def _contacts(inspection: Inspection, meetings: list[MeetingSnapshot]) -> list[dict[str, str]]:
    refs = {a.ref for m in meetings for a in (*m.inspectors, *m.attendees)}
    out = [
        {"name": i.full_name, "role": i.get_role_display(), "email": i.email, "phone": i.phone}
        for i in Inspector.objects.filter(inspection=inspection, ref__in=refs)
    ]
    out += [
        {"name": p.full_name, "role": p.description, "email": p.email, "phone": p.phone}
        for p in Person.objects.filter(inspection=inspection, ref__in=refs)
    ]
    return sorted(out, key=lambda c: c["name"])


@login_required
def run_sheet(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = inspection_for(request, slug)
    day = day_or_404(inspection, day)
    plan = Plan(request, inspection)
    date = inspection.calendar.date_for_day(day)
    todays = planview.on_date(plan.meetings, date)
    start = to_utc(date, dt.time(0, 0))
    end = to_utc(date + dt.timedelta(days=1), dt.time(0, 0))
    tasks = list(
        Task.objects.filter(inspection=plan.inspection)
        .due_between(start, end)
        .select_related("owner")
        .order_by("due_at", "key")
    )
    return plan.render(
        request,
        "calendars/run_sheet.html",
        day=day,
        date=date,
        describe=plan.inspection.calendar.describe_day(day),
        items=plan.items(todays),
        tasks=tasks,
        contacts=_contacts(plan.inspection, todays),
        printed_zone=LONDON.key,
    )
