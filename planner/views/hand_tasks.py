"""Add, change or delete a task by hand (the project team): a form parses, one service acts,
and its InvalidFields land on the form beside each field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inspections.access import inspection_for
from inspections.models import Inspection, Role, Task
from inspections.services import hand_tasks
from inspections.services.errors import DomainError
from inspections.services.hand_tasks import DAYS_AFTER, DAYS_BEFORE
from planner.task_forms import HandTaskForm, owner_queryset
from scheduling.forms import field_values


def _page(
    request: HttpRequest, inspection: Inspection, form: HandTaskForm, task: Task | None = None
) -> HttpResponse:
    others = inspection.tasks.order_by("due_day", "due_at", "key")
    if task is not None:
        others = others.exclude(pk=task.pk)
    by_day: dict[int, list[Task]] = {}
    for t in others:
        by_day.setdefault(t.due_day, []).append(t)
    data = field_values(form)
    last = inspection.calendar.last_day
    return render(
        request,
        "planner/task_form.html",
        {
            "inspection": inspection,
            "form": form,
            "task": task,
            "data": data,
            "owners": owner_queryset(inspection),
            "task_days": [
                {"day": d, "tasks": ts, "open": any(str(t.pk) in data["depends_on"] for t in ts)}
                for d, ts in sorted(by_day.items())
            ],
            "first_day": -DAYS_BEFORE,
            "final_day": last + DAYS_AFTER,
            "last_day": last,
        },
        status=400 if form.errors else 200,
    )


@login_required
def task_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    if request.method != "POST":
        return _page(request, inspection, HandTaskForm(inspection))
    form = HandTaskForm(inspection, request.POST)
    if form.is_valid():
        try:
            task = hand_tasks.add_task(request.user, inspection, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc, field="title")
        else:
            messages.success(request, f"Added “{task.title}” to day {task.due_day}.")
            return redirect(reverse("planner:day", args=[slug, task.due_day]))
    return _page(request, inspection, form)


def _hand_task(inspection: Inspection, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("owner", "inspection"),
        pk=pk,
        inspection=inspection,
        template_key="",
    )


@login_required
def task_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    task = _hand_task(inspection, pk)
    if request.method != "POST":
        form = HandTaskForm(inspection, task=task, initial=HandTaskForm.initial_for(task))
        return _page(request, inspection, form, task)
    form = HandTaskForm(inspection, request.POST, task=task)
    if form.is_valid():
        try:
            task = hand_tasks.edit_task(request.user, task, **form.values())
        except DomainError as exc:
            form.add_domain_error(exc, field="title")
        else:
            messages.success(request, f"Saved “{task.title}”.")
            return redirect(reverse("planner:day", args=[slug, task.due_day]))
    return _page(request, inspection, form, task)


@login_required
@require_POST
def task_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    task = _hand_task(inspection, pk)
    try:
        hand_tasks.delete_task(request.user, task)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("planner:task-edit", args=[slug, pk]))
    messages.success(request, f"Deleted “{task.title}”.")
    return redirect(reverse("planner:tasks", args=[slug]))
