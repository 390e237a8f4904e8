"""People and inspectors of an inspection, and the people import: thin views over the services."""

from __future__ import annotations

from collections import defaultdict
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.access import inspection_for
from inspections.forms.imports import ImportForm
from inspections.forms.people import PeopleFilterForm
from inspections.models import Person, PersonKind, Role
from inspections.services.people_import import import_people
from inspections.views.uploads import import_page


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    form = PeopleFilterForm(request.GET)
    valid = form.is_valid()
    kind = form.cleaned_data.get("kind", "") if valid else ""
    q = form.cleaned_data.get("q", "") if valid else ""
    qs = inspection.people.all()
    if kind:
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
            "form": form,
            "groups": groups,
            "count": sum(len(p) for _, p in groups),
            "kinds": PersonKind.choices,
            "kind": kind,
            "q": q,
        },
        status=200 if valid else 400,
    )


def day_ranges(days: list[int]) -> str:
    """[6, 7, 8, 10] -> "6-8, 10"."""
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
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    today = inspection.day_number_today()
    rows = [
        {
            "inspector": i,
            "days": day_ranges(list(i.onsite_days)) or "none",
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
def people_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    return import_page(
        request,
        inspection,
        partial(import_people, actor=request.user),
        form,
        template="inspections/people_import.html",
        done="inspections:people-import",
        context={},
    )
