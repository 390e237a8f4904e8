"""Thin views: parse the request, call a service, render. Domain errors become messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.models import Inspection, Task
from inspections.services.daysheet import build_daysheet
from inspections.services.errors import DomainError, ImportFailed
from inspections.services.people_import import import_people
from inspections.services.tasks import set_task_status


def _inspection(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "inspections/home.html",
        {
            "current": Inspection.objects.current(today),
            "upcoming": Inspection.objects.upcoming(today),
            "past": Inspection.objects.past(today),
        },
    )


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    calendar = inspection.calendar
    today_day = inspection.day_number_today()
    days = [
        {"number": n, "date": calendar.date_for_day(n), "week": calendar.week_for_day(n)}
        for n in range(1, calendar.last_day + 1)
    ]
    return render(
        request,
        "inspections/overview.html",
        {"inspection": inspection, "days": days, "today_day": today_day},
    )


@login_required
def day_sheet(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = _inspection(slug)
    role = request.GET.get("role") or None
    try:
        sheet = build_daysheet(inspection, day, role=role, draft=bool(request.GET.get("draft")))
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    calendar = inspection.calendar
    return render(
        request,
        "inspections/day.html",
        {
            "inspection": inspection,
            "sheet": sheet,
            "role": role,
            "previous_day": day - 1 if day > 1 else None,
            "next_day": day + 1 if day < calendar.last_day else None,
        },
    )


@login_required
@require_POST
def task_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = get_object_or_404(Task, pk=pk, inspection__slug=slug)
    try:
        task = set_task_status(task, request.POST.get("status", ""), request.user)
        messages.success(request, f"“{task.title}” is now {task.get_status_display().lower()}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    if request.htmx:  # type: ignore[attr-defined]
        task.refresh_from_db()
        return render(request, "inspections/_task_row.html", {"task": task, "inspection": task.inspection})
    return redirect(request.POST.get("next") or f"/inspections/{slug}/days/{task.due_day}/")


@login_required
def people_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = ["Choose a CSV or Excel file to upload."]
        else:
            try:
                result = import_people(inspection, upload.name or "upload", upload.read())
                messages.success(request, f"Imported {upload.name}: {result}.")
                return redirect("inspections:people-import", slug=slug)
            except ImportFailed as exc:
                messages.error(request, exc.args[0])
                problems = exc.problems
            except DomainError as exc:
                problems = [str(exc)]
    return render(
        request, "inspections/people_import.html", {"inspection": inspection, "problems": problems}
    )
