"""Starting an inspection and moving its day one: the Monday Ofsted phones."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from inspections.access import inspection_for
from inspections.forms import date_input
from inspections.models import InspectionType
from inspections.services.errors import DomainError, InvalidFields
from inspections.services.inspections import (
    check_new_inspection,
    create_inspection,
    dates_summary,
    day_one_problem,
    move_day_one,
    suggest_slug,
    workflows_by_type,
)
from planner.forms import DayOneForm, NewInspectionForm
from scheduling.models import Meeting

# the error summary lists problems in the order of the page
ORDER = ("local_authority", "title", "slug", "inspection_type", "day_one")


def _type_choices() -> list[tuple[str, str, bool]]:
    supported = workflows_by_type()
    return [(value, label, value in supported) for value, label in InspectionType.choices]


@login_required
def new_inspection(request: HttpRequest) -> HttpResponse:
    form = NewInspectionForm(request.POST if request.method == "POST" else None)
    values = {name: str(request.POST.get(name, "")).strip()[:500] for name in ORDER[:4]}
    errors: dict[str, str] = {}
    day_one = date_input.initial("day_one", "Day one", None)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        day = data.get("day_one")
        day_one = form.date_input("day_one")
        # a blank slug is suggested from the local authority and the year of day one
        suggested = "" if values["slug"] else suggest_slug(values["local_authority"], day)
        details = {
            "slug": values["slug"] or suggested,
            "title": values["title"],
            "local_authority": values["local_authority"],
            "inspection_type": data.get("inspection_type", ""),
        }
        try:
            if day is None:
                raise InvalidFields(check_new_inspection(**details, day_one=None))
            inspection = create_inspection(**details, day_one=day)
        except InvalidFields as exc:
            errors = dict(exc.errors)
        else:
            messages.success(request, f"{inspection.title} created. {dates_summary(inspection)}.")
            return redirect("planner:dashboard", slug=inspection.slug)
        if not values["slug"]:
            if suggested and day and "slug" in errors:
                # show the suggestion that failed so it can be edited
                values["slug"] = suggested
                errors["slug"] += " (suggested from the local authority and year)"
            else:
                # nothing to suggest from yet: the other fields' errors say what to enter
                errors.pop("slug", None)
        for name, problems in form.errors.items():
            errors.setdefault(name, str(problems[0]))
        if "day_one" in errors and not day_one.error:
            date_input.set_error(day_one, errors["day_one"])
    if not values["inspection_type"]:
        values["inspection_type"] = InspectionType.ILACS_STANDARD
    return render(
        request,
        "planner/new.html",
        {
            "values": values,
            "errors": {name: errors[name] for name in ORDER if name in errors},
            "day_one": day_one,
            "types": _type_choices(),
        },
        status=400 if errors else 200,
    )


@login_required
def inspection_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The inspection's dates; moving day one takes two steps: check, then confirm."""
    inspection = inspection_for(request, slug)
    field = date_input.initial("day_one", "Day one", inspection.day_one)
    proposed: dict[str, object] | None = None
    if request.method == "POST":
        form = DayOneForm(request.POST)
        valid = form.is_valid()
        field = form.date_input("day_one")
        new_day: dt.date | None = form.cleaned_data.get("day_one") if valid else None
        if new_day is not None:
            problem = day_one_problem(new_day)
            if problem is None and new_day == inspection.day_one:
                problem = f"Day one is already {new_day:%A %-d %B %Y}: enter a different date"
            if problem:
                date_input.set_error(field, problem)
        elif not field.error:
            date_input.set_error(field, "; ".join(m for _, m in form.error_list()))
        if not field.error and new_day is not None:
            if form.cleaned_data.get("confirm") == "yes":
                try:
                    move_day_one(inspection, new_day)
                except DomainError as exc:
                    date_input.set_error(field, str(exc))
                else:
                    messages.success(
                        request,
                        f"Dates changed. {dates_summary(inspection)} re-dated. The timetable's "
                        "placements were cleared: re-plan it and publish it again.",
                    )
                    return redirect("planner:settings", slug=slug)
            else:
                moved = replace(inspection.calendar, day_one=new_day)
                proposed = {"day_one": new_day, "final_day": moved.last_day_date}
    calendar = inspection.calendar
    onsite = [d for n, d in enumerate(calendar.dates, start=1) if calendar.is_onsite_day(n)]
    return render(
        request,
        "planner/settings.html",
        {
            "inspection": inspection,
            "field": field,
            "proposed": proposed,
            "onsite_first": onsite[0] if onsite else None,
            "task_count": inspection.tasks.count(),
            "placed_meetings": Meeting.objects.for_inspection(inspection).placed().count(),
        },
        status=400 if field.error else 200,
    )
