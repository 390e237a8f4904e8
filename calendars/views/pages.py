"""Calendar pages: day, week, room, person, and the day run-sheet.

Every member sees the published timetable; the draft is the project team's. Child IDs show as
the role allows: the project team all, staff those of meetings they attend, viewers none.

Each page makes a fixed number of queries: the inspection, the release's meetings (one call to
the timetabling work), then at most one query per model it names (inspectors, people, tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from calendars import planview, sources
from calendars.forms import PlanForm, day_or_404, key_or_404, ref_or_404, week_or_404
from inspections.access import NotAllowed, can, inspection_for, person_for, sees_all_child_ids
from inspections.calendar import LONDON, CalendarError, to_utc
from inspections.childids import hide_child_ids
from inspections.models import Inspection, Inspector, Person, Role, Task
from scheduling.snapshots import MeetingSnapshot


def _attends(person: Any, meeting: MeetingSnapshot) -> bool:
    return person is not None and any(
        a.kind == "person" and a.ref == person.ref for a in meeting.attendees
    )


def _without_child_ids(meeting: MeetingSnapshot) -> MeetingSnapshot:
    """The meeting with its child IDs gone, from the list and from the words around them
    (titles such as "Case discussion: child C104233")."""
    if not meeting.child_ids:
        return meeting
    ids = meeting.child_ids
    return replace(
        meeting,
        child_ids=(),
        title=hide_child_ids(meeting.title, ids),
        purpose=hide_child_ids(meeting.purpose, ids),
        what_to_bring=hide_child_ids(meeting.what_to_bring, ids),
    )


def shown_to(
    user: Any, inspection: Inspection, meetings: Iterable[MeetingSnapshot]
) -> list[MeetingSnapshot]:
    """The meetings as this user may see them: child IDs only where the role allows."""
    if sees_all_child_ids(user, inspection):
        return list(meetings)
    person = person_for(user, inspection) if can(user, inspection, Role.STAFF) else None
    return [m if _attends(person, m) else _without_child_ids(m) for m in meetings]


class Plan:
    """The meetings a page shows: the latest published release, or the draft on request.

    An unknown ?plan= shows the published release with the error summary, status 400."""

    def __init__(self, request: HttpRequest, inspection: Inspection) -> None:
        self.inspection = inspection
        self.form = PlanForm(request.GET)
        self.draft = self.form.is_valid() and self.form.cleaned_data["plan"] == "draft"
        # the draft is the project team's working copy; everyone else sees what is published
        self.may_draft = can(request.user, inspection, Role.PROJECT_TEAM)
        if self.draft and not self.may_draft:
            raise NotAllowed("Only the project team sees the draft timetable.")
        self.release = None if self.draft else sources.latest_release(self.inspection)
        every = sources.meetings(self.inspection, draft=self.draft)
        self.meetings: list[MeetingSnapshot] = shown_to(request.user, inspection, every)
        # an ID hidden on its meeting is hidden wherever else the page names it
        shown = {c for m in self.meetings for c in m.child_ids}
        self.hidden = frozenset(c for m in every for c in m.child_ids if c not in shown)
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
            "may_draft": self.may_draft,
            **extra,
        }

    def render(self, request: HttpRequest, template: str, **extra: object) -> HttpResponse:
        response = render(request, template, self.context(**extra), status=self.status)
        if self.hidden:
            page = response.content.decode(response.charset)
            response.content = hide_child_ids(page, self.hidden).encode(response.charset)
        return response


def _days(inspection: Inspection) -> list[dict[str, object]]:
    cal = inspection.calendar
    return [
        {"number": n, "date": cal.date_for_day(n), "week": cal.week_for_day(n)}
        for n in range(1, cal.last_day + 1)
    ]


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    plan = Plan(request, inspection_for(request, slug, need=Role.VIEWER))
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
        may_manage_links=can(request.user, plan.inspection, Role.COORDINATOR),
        # the lead inspector's timetable is an export: the coordinator's, like the others
        may_export=can(request.user, plan.inspection, Role.COORDINATOR),
    )


@login_required
def day(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
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
    inspection = inspection_for(request, slug, need=Role.VIEWER)
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
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    key = key_or_404(key)
    plan = Plan(request, inspection)
    meetings = planview.for_room(plan.meetings, key)
    rooms, _ = sources.rooms_and_venues(plan.meetings)
    if key not in rooms:
        raise Http404("No meetings in that room in this plan.")
    return _listing(request, plan, meetings, heading=rooms[key], caption="Room")


@login_required
def venue(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
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
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    ref = ref_or_404(ref)
    plan = Plan(request, inspection)
    inspector = Inspector.objects.filter(inspection=plan.inspection, ref=ref).first()
    if inspector is not None:
        kind, heading, caption = "inspector", inspector.full_name, inspector.get_role_display()
    else:
        who = Person.objects.filter(inspection=plan.inspection, ref=ref).first()
        if who is None:
            raise Http404("No inspector or person with that reference.")
        kind, heading, caption = "person", who.full_name, who.description or "Person"
    return _listing(
        request, plan, planview.for_ref(plan.meetings, kind, ref), heading=heading, caption=caption
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
    inspection = inspection_for(request, slug, need=Role.VIEWER)
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
