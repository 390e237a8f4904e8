"""Home, the day pages, ticking tasks and the people import: thin views over the services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.calendar import local_date, to_utc
from inspections.models import Inspection, Task, TaskStatus
from inspections.services.dashboard import TIMELINE_HOURS, meeting_lanes
from inspections.services.daysheet import build_daysheet
from inspections.services.errors import DomainError
from inspections.services.people_import import import_people
from inspections.services.progress import progress_for, risk_text
from inspections.services.tasks import set_task_status
from inspections.views.uploads import run_import


def get_inspection_or_404(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    current = list(Inspection.objects.current(today))
    return render(
        request,
        "inspections/home.html",
        {
            "current": current,
            "upcoming": Inspection.objects.upcoming(today),
            "past": Inspection.objects.past(today),
        },
    )


@login_required
def days(request: HttpRequest, slug: str) -> HttpResponse:
    """Every working day with its task counts: one aggregate query for the whole list."""
    inspection = get_inspection_or_404(slug)
    calendar = inspection.calendar
    counts: dict[int, Any] = {
        row["due_day"]: row
        for row in inspection.tasks.values("due_day").annotate(
            total=Count("pk"), open=Count("pk", filter=~Q(status=TaskStatus.DONE))
        )
    }
    today_day = inspection.day_number_today()
    # every day of the three weeks, and the days before and after that have tasks
    numbers = sorted(set(range(1, calendar.last_day + 1)) | {n for n in counts if n != 0})
    rows = []
    for n in numbers:
        date = calendar.date_for_day(n)
        rows.append(
            {
                "number": n,
                "date": date,
                "stage": calendar.describe_day(n).split(" · ", 1)[-1],
                "total": counts[n]["total"] if n in counts else 0,
                "open": counts[n]["open"] if n in counts else 0,
                "today": n == today_day,
            }
        )
    return render(
        request,
        "inspections/days.html",
        {"inspection": inspection, "rows": rows, "today_day": today_day},
    )


@login_required
def day_sheet(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
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
            "lanes": meeting_lanes(sheet.meetings),
            "hours": TIMELINE_HOURS,
            "previous_day": day - 1 if day > 1 else None,
            "next_day": day + 1 if day < calendar.last_day else None,
        },
    )


@login_required
@require_POST
def task_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.select_related("owner", "inspection"), pk=pk, inspection__slug=slug
    )
    error = ""
    try:
        task = set_task_status(task, request.POST.get("status", ""), request.user)
        note = f"“{task.title}” is now {task.get_status_display().lower()}."
    except DomainError as exc:
        error = note = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        # in place: the row comes back with the new status, or with the reason it can't change
        task = (
            Task.objects.select_related("owner", "inspection")
            .prefetch_related("depends_on")
            .get(pk=task.pk)
        )
        progress = (
            progress_for(task.inspection, task.progress_source) if task.progress_source else None
        )
        now = timezone.now()
        day_start = to_utc(local_date(now), dt.time(0))
        response = render(
            request,
            "inspections/_task_row.html",
            {
                "task": task,
                "inspection": task.inspection,
                "error": error,
                "show_owner": request.POST.get("show_owner") == "1",
                "waits_on": [d for d in task.depends_on.all() if d.status != TaskStatus.DONE],
                "overdue": task.due_at < day_start and not task.is_done,
                "progress": progress,
                "risk": risk_text(progress, task.due_at, now)
                if progress and not task.is_done
                else "",
            },
        )
        response["HX-Trigger"] = json.dumps(
            {"app:announce": note, **({} if error else {"app:task-changed": task.pk})}
        )
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = f"/inspections/{slug}/days/{task.due_day}/"
    return redirect(target)


@login_required
def people_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    outcome = run_import(request, inspection, import_people) if request.method == "POST" else None
    if outcome and outcome.done:
        return redirect("inspections:people-import", slug=slug)
    problems = [h for h in [outcome.heading] if h] + outcome.problems if outcome else []
    return render(
        request, "inspections/people_import.html", {"inspection": inspection, "problems": problems}
    )
