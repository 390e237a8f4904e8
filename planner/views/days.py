"""Home, the day pages and ticking tasks: thin views over the services."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from council.services import readiness_overview
from desk.services.requests import requests_for
from inspections.access import NotAllowed, inspection_for, visible_inspections
from inspections.forms import invalid_form_response
from inspections.models import Role, Task, TaskStatus
from inspections.services.errors import DomainError
from inspections.services.progress import risk_text
from inspections.services.tasks import may_change_status, set_task_status
from planner.forms import DaySheetForm, TaskStatusForm
from planner.services.daysheet import (
    build_daysheet,
    day_bounds,
    limit_requests,
    overdue_moment,
)
from planner.services.progress import progress_for
from planner.views.dashboard import meeting_grid
from planner.views.hiding import render_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    mine = visible_inspections(request.user)
    councils = list(mine.values_list("local_authority", flat=True).distinct())
    return render(
        request,
        "planner/home.html",
        {
            "current": list(mine.current(today)),
            "upcoming": mine.upcoming(today),
            "past": mine.past(today),
            "readiness": readiness_overview(councils, today),
        },
    )


@login_required
def days(request: HttpRequest, slug: str) -> HttpResponse:
    """Every working day with its task counts: one aggregate query for the whole list."""
    inspection = inspection_for(request, slug, need=Role.VIEWER)
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
        rows.append(
            {
                "number": n,
                "date": calendar.date_for_day(n),
                "stage": calendar.describe_day(n).split(" · ", 1)[-1],
                "total": counts[n]["total"] if n in counts else 0,
                "open": counts[n]["open"] if n in counts else 0,
                "today": n == today_day,
            }
        )
    return render(
        request,
        "planner/days.html",
        {"inspection": inspection, "rows": rows, "today_day": today_day},
    )


@login_required
def day_sheet(request: HttpRequest, slug: str, day: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    calendar = inspection.calendar
    form = DaySheetForm(request.GET)
    valid = form.is_valid()
    role = (form.cleaned_data.get("role") or None) if valid else None
    draft = bool(form.cleaned_data.get("draft")) if valid else False
    try:
        sheet = build_daysheet(inspection, day, role=role, draft=draft)
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    # inspectors' requests: the project team sees all, staff their own, viewers a count
    visible = set(requests_for(request.user, inspection).values_list("pk", flat=True))
    requests_not_shown = limit_requests(sheet, visible)
    return render_page(
        request,
        inspection,
        "planner/day.html",
        {
            "inspection": inspection,
            "form": form,
            "sheet": sheet,
            "requests_not_shown": requests_not_shown,
            "role": role,
            "lanes": meeting_grid(inspection, sheet.date, sheet.snapshots),
            "previous_day": day - 1 if day > 1 else None,
            "next_day": day + 1 if day < calendar.last_day else None,
        },
        status=200 if valid else 400,
    )


@login_required
@require_POST
def task_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # staff tick their own tasks; the project team any task
    inspection = inspection_for(request, slug, need=Role.STAFF)
    task = get_object_or_404(
        Task.objects.select_related("owner", "inspection"), pk=pk, inspection=inspection
    )
    if not may_change_status(request.user, task, inspection):
        raise NotAllowed("Staff may tick only their own tasks: ask the project team.")
    form = TaskStatusForm(request.POST)
    error = ""
    if not form.is_valid():
        if not request.htmx:  # type: ignore[attr-defined]
            back = reverse("planner:day", args=[slug, task.due_day])
            return invalid_form_response(
                request, form, heading="The task was not changed", back=back
            )
        error = note = "; ".join(message for _, message in form.error_list())
    else:
        try:
            task = set_task_status(task, form.cleaned_data["status"], actor=request.user)
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
        day = form.cleaned_data.get("day")
        overdue_at = now
        if day is not None:
            try:
                overdue_at = overdue_moment(*day_bounds(inspection, day), now)
            except DomainError:
                day = None
        response = render(
            request,
            "planner/_task_row.html",
            {
                "task": task,
                "inspection": task.inspection,
                "error": error,
                "show_owner": bool(form.cleaned_data.get("show_owner")),
                "sheet": {"day": day} if day is not None else None,
                "waits_on": [d for d in task.depends_on.all() if not d.is_done],
                "overdue": task.is_overdue(overdue_at),
                "progress": progress,
                "risk": risk_text(progress, task.due_at, now)
                if progress and not task.is_done
                else "",
            },
            status=400 if error and not form.is_valid() else 200,
        )
        response["HX-Trigger"] = json.dumps(
            {"app:announce": note, **({} if error else {"app:task-changed": task.pk})}
        )
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, note)
    target = (form.cleaned_data.get("next") if form.is_valid() else "") or ""
    return redirect(target or f"/inspections/{slug}/days/{task.due_day}/")
