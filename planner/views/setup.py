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
from inspections.models import InspectionType, Role
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
    day_one = date_input.initial("day_one", "Day one", None)
    values = {name: "" for name in ORDER[:4]}
    if form.is_bound:
        valid = form.is_valid()
        data = form.cleaned_data
        values = {name: str(form[name].value() or "").strip()[:500] for name in ORDER[:4]}
        day = data.get("day_one")
        # a blank slug is suggested from the local authority and the year of day one
        suggested = "" if data.get("slug") else suggest_slug(data.get("local_authority", ""), day)
        details = {
            "slug": data.get("slug") or suggested,
            "title": data.get("title", ""),
            "local_authority": data.get("local_authority", ""),
            "inspection_type": data.get("inspection_type", ""),
        }
        errors: dict[str, str] = {}
        try:
            if day is None or not valid:
                # the form's own problems, and every rule the service would refuse
                raise InvalidFields(check_new_inspection(**details, day_one=day))
            inspection = create_inspection(**details, day_one=day, coordinator=request.user)
        except InvalidFields as exc:
            errors = dict(exc.errors)
        else:
            messages.success(request, f"{inspection.title} created. {dates_summary(inspection)}.")
            return redirect("planner:dashboard", slug=inspection.slug)
        if not data.get("slug"):
            if suggested and day and "slug" in errors:
                # show the suggestion that failed so it can be edited
                values["slug"] = suggested
                errors["slug"] += " (suggested from the local authority and year)"
            else:
                # nothing to suggest from yet: the other fields' errors say what to enter
                errors.pop("slug", None)
        for name, message in errors.items():
            if name not in form.errors:
                form.add_error(name, message)
        day_one = form.date_input("day_one")
    if not values["inspection_type"]:
        values["inspection_type"] = InspectionType.ILACS_STANDARD
    field_errors = {name: str(form.errors[name][0]) for name in ORDER if name in form.errors}
    return render(
        request,
        "planner/new.html",
        {
            "form": form,
            "values": values,
            "errors": field_errors,
            "day_one": day_one,
            "types": _type_choices(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def inspection_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The inspection's dates; moving day one takes two steps: check, then confirm. Anyone
    may read the dates; only a coordinator may move them (both steps: it clears the timetable)."""
    need = Role.COORDINATOR if request.method == "POST" else Role.VIEWER
    inspection = inspection_for(request, slug, need=need)
    form = DayOneForm(request.POST if request.method == "POST" else None)
    field = date_input.initial("day_one", "Day one", inspection.day_one)
    proposed: dict[str, object] | None = None
    if form.is_bound:
        new_day: dt.date | None = form.cleaned_data.get("day_one") if form.is_valid() else None
        if new_day is not None:
            problem = day_one_problem(new_day)
            if problem is None and new_day == inspection.day_one:
                problem = f"Day one is already {new_day:%A %-d %B %Y}: enter a different date"
            if problem:
                form.add_error("day_one", problem)
        if not form.errors and new_day is not None:
            if form.cleaned_data.get("confirm") == "yes":
                try:
                    move_day_one(inspection, new_day, actor=request.user)
                except DomainError as exc:
                    form.add_domain_error(exc, field="day_one")
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
        field = form.date_input("day_one")
    calendar = inspection.calendar
    onsite = [d for n, d in enumerate(calendar.dates, start=1) if calendar.is_onsite_day(n)]
    return render(
        request,
        "planner/settings.html",
        {
            "inspection": inspection,
            "form": form,
            "field": field,
            "proposed": proposed,
            "onsite_first": onsite[0] if onsite else None,
            "task_count": inspection.tasks.count(),
            "placed_meetings": Meeting.objects.for_inspection(inspection).placed().count(),
        },
        status=400 if form.errors else 200,
    )
