"""The library tracker: filters, bulk status change (htmx or plain POST), import, export."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from evidence.exports import library_workbook
from evidence.forms import BulkStatusForm, LibraryFilterForm
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
from inspections.access import can, inspection_for
from inspections.forms.imports import ImportForm
from inspections.models import Inspection, Person, Role
from inspections.services.errors import DomainError
from inspections.views.uploads import import_page


def _results_context(
    request: HttpRequest,
    inspection: Inspection,
    filter_form: LibraryFilterForm,
    bulk_form: BulkStatusForm | None = None,
) -> dict[str, object]:
    filter_form.is_valid()
    filters = filter_form.filters()
    owner = filters["owner"]
    documents = list(
        filter_documents(
            inspection,
            status=filters["status"],
            category=filters["category"],
            owner=owner if isinstance(owner, int) else None,
            unowned=owner == "none",
            query=filters["q"],
        )
    )
    return {
        "inspection": inspection,
        "progress": library_progress(inspection),
        "documents": documents,
        "filter_form": filter_form,
        "bulk_form": bulk_form,
        "error_forms": [f for f in (filter_form, bulk_form) if f is not None and f.errors],
        "filters": {k: str(v) for k, v in filters.items()},
        "filter_query": urlencode(filter_form.query()),
        "statuses": DocumentStatus.choices,
        "due_at": library_due_at(inspection),
        # viewers read the library; the buttons are for those who may use them
        "may_edit": can(request.user, inspection, Role.PROJECT_TEAM),
        "may_export": can(request.user, inspection, Role.COORDINATOR),
    }


def _page(
    request: HttpRequest,
    inspection: Inspection,
    filter_form: LibraryFilterForm,
    bulk_form: BulkStatusForm | None = None,
) -> HttpResponse:
    context = _results_context(request, inspection, filter_form, bulk_form)
    context["categories"] = categories(inspection)
    context["owners"] = Person.objects.filter(library_documents__inspection=inspection).distinct()
    status = 400 if context["error_forms"] else 200
    return render(request, "evidence/library.html", context, status=status)


@login_required
def library(request: HttpRequest, slug: str) -> HttpResponse:
    # counts and titles, no child IDs: every member may read it
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    return _page(request, inspection, LibraryFilterForm(request.GET))


@login_required
@require_POST
def library_status(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    # the list's filters travel with the form, so the page comes back as it was
    filter_form = LibraryFilterForm(request.POST)
    form = BulkStatusForm(request.POST)
    notice = ""
    # a carried filter that fails is refused too: the page only ever sends valid ones
    filters_ok = filter_form.is_valid()
    if form.is_valid() and filters_ok:
        status = form.cleaned_data["new_status"]
        try:
            changed = set_status_bulk(
                inspection, form.cleaned_data["documents"], status, actor=request.user
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="documents")
        else:
            label = DocumentStatus(status).label.lower()
            notice = f"{changed} document{'s' if changed != 1 else ''} set to {label}."
    invalid = bool(filter_form.errors or form.errors)
    if request.htmx:  # type: ignore[attr-defined]
        context = _results_context(request, inspection, filter_form, form)
        context.update(notice=notice, partial=True)
        return render(
            request, "evidence/_library_results.html", context, status=400 if invalid else 200
        )
    if invalid:
        return _page(request, inspection, filter_form, form)
    messages.success(request, notice)
    query = urlencode(filter_form.query())
    return redirect(f"/inspections/{slug}/library/" + (f"?{query}" if query else ""))


@login_required
def library_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    return import_page(
        request,
        inspection,
        partial(import_library, actor=request.user),
        ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm(),
        template="evidence/import.html",
        done="evidence:library",
        context={
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
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    response = HttpResponse(
        library_workbook(inspection),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-library.xlsx"'
    return response
