"""The library tracker: filters, bulk status change (htmx or plain POST), import, export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evidence.exports import library_workbook
from evidence.models import DocumentStatus
from evidence.services.library import (
    COLUMNS,
    categories,
    filter_documents,
    import_library,
    library_due_at,
    library_progress,
    set_status_bulk,
)
from inspections.models import Inspection, Person
from inspections.services.errors import DomainError
from inspections.views.uploads import run_import

FILTERS = ("status", "category", "owner", "q")


def _inspection(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


def _filters(data: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {key: str(data.get(key, "")).strip() for key in FILTERS}


def _results_context(inspection: Inspection, filters: dict[str, str]) -> dict[str, object]:
    documents = list(
        filter_documents(
            inspection,
            status=filters["status"],
            category=filters["category"],
            owner=filters["owner"],
            query=filters["q"],
        )
    )
    return {
        "inspection": inspection,
        "progress": library_progress(inspection),
        "documents": documents,
        "filters": filters,
        "filter_query": urlencode({k: v for k, v in filters.items() if v}),
        "statuses": DocumentStatus.choices,
        "due_at": library_due_at(inspection),
    }


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    context = _results_context(inspection, _filters(request.GET))
    context["categories"] = categories(inspection)
    context["owners"] = Person.objects.filter(library_documents__inspection=inspection).distinct()
    return render(request, "evidence/library.html", context)


@login_required
@require_POST
def library_status(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    filters = _filters(request.POST)
    ids = [int(i) for i in request.POST.getlist("documents") if i.isdigit()]
    status = request.POST.get("new_status", "")
    notice, problem = "", ""
    try:
        changed = set_status_bulk(inspection, ids, status)
        label = DocumentStatus(status).label.lower()
        notice = f"{changed} document{'s' if changed != 1 else ''} set to {label}."
    except DomainError as exc:
        problem = str(exc)
    if request.htmx:  # type: ignore[attr-defined]
        context = _results_context(inspection, filters)
        context.update(notice=notice, problem=problem)
        return render(request, "evidence/_library_results.html", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, notice)
    query = urlencode({k: v for k, v in filters.items() if v})
    return redirect(f"/inspections/{slug}/library/" + (f"?{query}" if query else ""))


@login_required
def library_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    outcome = run_import(request, inspection, import_library) if request.method == "POST" else None
    if outcome and outcome.done:
        return redirect("evidence:library", slug=slug)
    heading, problems = (outcome.heading, outcome.problems) if outcome else ("", [])
    return render(
        request,
        "evidence/import.html",
        {
            "inspection": inspection,
            "problems": problems,
            "heading": heading,
            "title": "Import the library index",
            "columns": COLUMNS,
            "help": "title and category are required; owner is a person's ref, email or name; "
            "status is requested, received, quality-assured or uploaded (blank: requested). "
            "Rows with a known ref or title update that document.",
            "back": "evidence:library",
        },
    )


@login_required
def library_export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    response = HttpResponse(
        library_workbook(inspection),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-library.xlsx"'
    return response
