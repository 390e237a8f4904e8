"""The coordinators' audit log: a filtered page of changes, and the same changes as Excel."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from inspections.access import inspection_for, sees_concerns
from inspections.history import Change
from inspections.models import Inspection, Role
from planner.history_form import HistoryFilterForm
from planner.services import history as log

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request: HttpRequest, inspection: Inspection) -> HistoryFilterForm:
    return HistoryFilterForm(request.GET, users=log.users_in_log(inspection))


@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    form = _form(request, inspection)
    page: Page[Any] | None = None
    changes: list[Change] = []
    if form.is_valid():
        # concerns about a child: only for those who see them
        chosen = replace(form.log_filter(), concerns=sees_concerns(request.user, inspection))
        page, changes = log.log_page(inspection, chosen, form.cleaned_data.get("page") or 1)
    query = form.query()
    return render(
        request,
        "planner/history.html",
        {
            "inspection": inspection,
            "form": form,
            "day_input": form.date_input("day"),
            "kinds": log.KINDS,
            "page": page,
            "changes": changes,
            "query": urlencode(query),
            "export_url": reverse("planner:history-export", kwargs={"slug": slug})
            + (f"?{urlencode(query)}" if query else ""),
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def history_export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    form = _form(request, inspection)
    if not form.is_valid():
        return history(request, slug)  # the page, with the error summary (400)
    buffer = io.BytesIO()
    log.export_log(inspection, form.log_filter(), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slug}-history.xlsx"'
    return response
