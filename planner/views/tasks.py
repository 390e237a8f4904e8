"""All tasks with filters, and search.

Each page costs a fixed number of queries: filters go into one QuerySet, related rows come
through select_related / prefetch_related, and groups are built in Python.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from inspections.access import inspection_for, sees_all_child_ids
from inspections.calendar import LONDON
from inspections.models import PersonRole, Role, Task, TaskStatus
from planner.forms import GROUPINGS, SearchForm, TaskFilterForm
from planner.services.search import search
from planner.views.hiding import hidden_for, render_page


@login_required
def tasks(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    form = TaskFilterForm(request.GET, inspection=inspection)
    valid = form.is_valid()
    chosen: dict[str, Any] = form.cleaned_data if valid else {}
    group_by = chosen.get("group") or "day"
    status, role, owner = chosen.get("status"), chosen.get("role"), chosen.get("owner")
    day = chosen.get("day")

    qs = (
        inspection.tasks.select_related("owner")
        .prefetch_related(
            Prefetch("depends_on", queryset=Task.objects.only("pk", "title", "status"))
        )
        .order_by("due_at", "key")
    )
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if role:
        qs = qs.for_role(role)
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=int(owner))
    if day is not None:
        qs = qs.filter(due_day=day)

    now = timezone.now()
    groups: dict[Any, dict[str, Any]] = {}
    for task in qs if valid else []:
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
                "overdue": task.is_overdue(now),
                "waits_on": [d for d in task.depends_on.all() if not d.is_done],
            }
        )
    roles = sorted(set(inspection.tasks.values_list("owner_role", flat=True)))
    return render_page(
        request,
        inspection,
        "planner/tasks.html",
        {
            "inspection": inspection,
            "form": form,
            "groups": [groups[k] for k in sorted(groups)],
            "count": sum(len(g["rows"]) for g in groups.values()),
            "group_by": group_by,
            "groupings": GROUPINGS,
            "filters": {
                "status": str(request.GET.get("status", "")),
                "role": str(request.GET.get("role", "")),
                "owner": str(request.GET.get("owner", "")),
                "day": str(request.GET.get("day", "")),
            },
            "statuses": [("open", "Not done"), *TaskStatus.choices],
            "roles": [(r, _role_label(r)) for r in roles],
            "owners": form.owners,
            "errors": {name: str(errs[0]) for name, errs in form.errors.items()},
            "last_day": inspection.calendar.last_day,
            "show_owner": group_by != "owner",
        },
        status=200 if valid else 400,
    )


def _role_label(role: str) -> str:
    try:
        return str(PersonRole(role).label)
    except ValueError:
        return role


@login_required
def search_page(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    form = SearchForm(request.GET) if "q" in request.GET else SearchForm()
    # below the project team: no child-ID results, and nothing found only by a hidden ID
    hidden = hidden_for(request, inspection)
    sees_all = sees_all_child_ids(request.user, inspection)
    hits = (
        search(inspection, form.cleaned_data["q"], hidden_child_ids=None if sees_all else hidden)
        if form.is_bound and form.is_valid()
        else []
    )
    kinds: dict[str, list[Any]] = defaultdict(list)
    for hit in hits:
        kinds[hit.kind].append(hit)
    q = str(request.GET.get("q", "")).strip()[:200]
    return render_page(
        request,
        inspection,
        "planner/search.html",
        {
            "inspection": inspection,
            "form": form,
            "q": q,
            "search_q": q,
            "error": "; ".join(str(e) for e in form.errors.get("q", [])),
            "kinds": dict(kinds),
            "count": len(hits),
        },
        status=400 if form.is_bound and form.errors else 200,
        # the hits are hidden already; leave the user's own words as typed, or hiding an ID
        # they typed would tell them it is one
        hidden=frozenset(c for c in hidden if c not in q),
    )
