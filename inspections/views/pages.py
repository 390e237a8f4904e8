"""Lists: tasks with filters, people, inspectors, rooms and venues, and search.

Each page costs a fixed number of queries: filters go into one QuerySet, related rows come
through select_related / prefetch_related, and groups are built in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.calendar import LONDON, local_date, to_utc
from inspections.models import Person, PersonKind, PersonRole, Task, TaskStatus
from inspections.services.search import MIN_LENGTH, search
from inspections.views.core import get_inspection_or_404
from scheduling.models import Venue

GROUPINGS = {"day": "Day", "owner": "Owner", "status": "Status"}


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


@login_required
def tasks(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    group_by = request.GET.get("group", "day")
    if group_by not in GROUPINGS:
        group_by = "day"
    status = request.GET.get("status", "")
    role = request.GET.get("role", "")
    owner = request.GET.get("owner", "")
    day = _int_or_none(request.GET.get("day"))
    errors: dict[str, str] = {}
    if request.GET.get("day") and day is None:
        errors["day"] = "Enter the day as a whole number, like 3"

    qs = (
        inspection.tasks.select_related("owner")
        .prefetch_related(
            Prefetch("depends_on", queryset=Task.objects.only("pk", "title", "status"))
        )
        .order_by("due_at", "key")
    )
    if status == "open":
        qs = qs.open()
    elif status in TaskStatus.values:
        qs = qs.filter(status=status)
    if role:
        qs = qs.for_role(role)
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif _int_or_none(owner):
        qs = qs.filter(owner_id=int(owner))
    if day is not None:
        qs = qs.filter(due_day=day)

    now = timezone.now()
    today_start = to_utc(local_date(now), dt.time(0))
    calendar = inspection.calendar
    groups: dict[Any, dict[str, Any]] = {}
    for task in qs:
        if group_by == "day":
            key: Any = task.due_day
            label = (
                f"Day {task.due_day} · {task.due_at.astimezone(LONDON):%A %-d %B}"
                if task.due_day != 0
                else "Before day one"
            )
        elif group_by == "owner":
            key = task.owner.full_name if task.owner else f"~{task.owner_role}"
            label = (
                f"{task.owner.full_name} ({task.get_owner_role_display()})"
                if task.owner
                else f"Unassigned ({task.get_owner_role_display()})"
            )
        else:
            key = list(TaskStatus.values).index(task.status)
            label = task.get_status_display()
        group = groups.setdefault(key, {"label": label, "rows": []})
        group["rows"].append(
            {
                "task": task,
                "overdue": task.due_at < today_start and task.status != TaskStatus.DONE,
                "waits_on": [d for d in task.depends_on.all() if d.status != TaskStatus.DONE],
            }
        )
    owners = Person.objects.filter(inspection=inspection, tasks__isnull=False).distinct()
    roles = sorted({r for r in inspection.tasks.values_list("owner_role", flat=True)})
    return render(
        request,
        "inspections/tasks.html",
        {
            "inspection": inspection,
            "groups": [groups[k] for k in sorted(groups)],
            "count": sum(len(g["rows"]) for g in groups.values()),
            "group_by": group_by,
            "groupings": GROUPINGS,
            "filters": {
                "status": status,
                "role": role,
                "owner": owner,
                "day": request.GET.get("day", ""),
            },
            "statuses": [("open", "Not done"), *TaskStatus.choices],
            "roles": [(r, _role_label(r)) for r in roles],
            "owners": owners,
            "errors": errors,
            "last_day": calendar.last_day,
            "show_owner": group_by != "owner",
        },
    )


def _role_label(role: str) -> str:
    try:
        return str(PersonRole(role).label)
    except ValueError:
        return role


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    qs = inspection.people.all()
    if kind in PersonKind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = (
            qs.filter(full_name__icontains=q)
            | qs.filter(team__icontains=q)
            | qs.filter(job_title__icontains=q)
        )
    grouped: dict[str, list[Person]] = defaultdict(list)
    for person in qs.order_by("kind", "team", "full_name"):
        grouped[person.kind].append(person)
    groups = [(label, grouped[value]) for value, label in PersonKind.choices if grouped.get(value)]
    return render(
        request,
        "inspections/people.html",
        {
            "inspection": inspection,
            "groups": groups,
            "count": sum(len(p) for _, p in groups),
            "kinds": PersonKind.choices,
            "kind": kind,
            "q": q,
        },
    )


def _day_ranges(days: list[int]) -> str:
    out: list[str] = []
    for d in sorted(days):
        if out and "-" not in out[-1] and int(out[-1]) == d - 1:
            out[-1] = f"{out[-1]}-{d}"
        elif out and "-" in out[-1] and int(out[-1].split("-")[1]) == d - 1:
            out[-1] = f"{out[-1].split('-')[0]}-{d}"
        else:
            out.append(str(d))
    return ", ".join(out)


@login_required
def inspectors(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    today = inspection.day_number_today()
    rows = [
        {
            "inspector": i,
            "days": _day_ranges(list(i.onsite_days)) or "none",
            "on_site_today": today in i.onsite_days if today else False,
        }
        for i in inspection.inspectors.all()
    ]
    return render(
        request,
        "inspections/inspectors.html",
        {"inspection": inspection, "rows": rows, "today": today},
    )


@login_required
def rooms(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    venues = list(
        Venue.objects.filter(inspection=inspection).prefetch_related("rooms").order_by("name")
    )
    return render(
        request,
        "inspections/rooms.html",
        {"inspection": inspection, "venues": venues},
    )


@login_required
def search_page(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    q = request.GET.get("q", "").strip()
    error = ""
    hits = []
    if "q" in request.GET:
        if len(q) < MIN_LENGTH:
            error = f"Enter at least {MIN_LENGTH} characters to search for"
        else:
            hits = search(inspection, q)
    kinds: dict[str, list[Any]] = defaultdict(list)
    for hit in hits:
        kinds[hit.kind].append(hit)
    return render(
        request,
        "inspections/search.html",
        {
            "inspection": inspection,
            "q": q,
            "search_q": q,
            "error": error,
            "kinds": dict(kinds),
            "count": len(hits),
        },
    )
