"""The requests log: a one-line entry at the top, the list under it, one request's page, and
the log as Excel. Thin: each POST validates a form and calls one service function."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from desk.forms.requests import RequestEditForm, RequestEntryForm, RequestFilterForm
from desk.models import DueKind, InformationRequest, LineOfEnquiry, RequestStatus
from desk.requests_export import requests_workbook
from desk.services import requests as service
from evidence.models import Audit, DeepDive, LibraryDocument
from inspections.access import can, inspection_for, person_for
from inspections.calendar import LONDON
from inspections.history import changes_of
from inspections.models import Inspection, Inspector, Person, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting
from scheduling.visibility import hidden_child_ids, render_hiding_child_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _render(
    request: HttpRequest,
    inspection: Inspection,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render, hiding every child ID the user may not see: the timetable's, the evidence
    trackers' and the requests' own."""

    def also() -> set[str]:
        audits = Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True)
        dives = DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True)
        return set(audits) | set(dives) | service.child_ids_of_requests(inspection)

    hidden = hidden_child_ids(request.user, inspection, also=also)
    return render_hiding_child_ids(
        request, inspection, template, context, status=status, hidden=hidden
    )


def _choices(inspection: Inspection) -> dict[str, Any]:
    """What the entry's datalists offer: inspectors, people and meetings by ref."""
    return {
        "inspectors": Inspector.objects.filter(inspection=inspection).order_by("full_name"),
        "people": Person.objects.filter(inspection=inspection).order_by("full_name"),
        "meetings": Meeting.objects.filter(inspection=inspection)
        .only("ref", "title", "start")
        .order_by("start", "title"),
    }


def _log_page(
    request: HttpRequest,
    inspection: Inspection,
    entry: RequestEntryForm | None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    filter_form = RequestFilterForm(request.GET)
    which = filter_form.which()
    may_log = can(request.user, inspection, Role.PROJECT_TEAM)
    sees_rows = can(request.user, inspection, Role.STAFF)
    person = person_for(request.user, inspection)
    rows: list[InformationRequest] = []
    if sees_rows:
        visible = service.requests_for(request.user, inspection)
        rows = list(
            service.filter_requests(visible, which, person=person, now=now).order_by("-number")
        )
    logged = next((r for r in rows if str(r.number) == request.GET.get("logged")), None)
    if may_log and entry is None:
        entry = RequestEntryForm(inspection=inspection, initial={"due_kind": DueKind.END_OF_DAY})
    context = {
        "inspection": inspection,
        "counts": service.request_counts(inspection, now),
        "entry": entry,
        "filter_form": filter_form,
        "which": which,
        "filters": service.FILTERS,
        "rows": rows,
        "logged": f"{logged.label} logged: due {_when(logged)}." if logged else "",
        "now": now,
        "sees_rows": sees_rows,
        "may_log": may_log,
        "may_export": can(request.user, inspection, Role.COORDINATOR),
        "due_kinds": DueKind.choices,
        "error_forms": [f for f in (entry, filter_form) if f is not None and f.errors],
        **(_choices(inspection) if may_log else {}),
    }
    return _render(request, inspection, "desk/requests.html", context, status=status)


@login_required
def requests_log(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        # viewers see the counts; staff the requests they own; the project team all of them
        inspection = inspection_for(request, slug, need=Role.VIEWER)
        return _log_page(request, inspection, None)
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = RequestEntryForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            logged = service.log_request(request.user, inspection, **form.service_kwargs())
        except DomainError as exc:
            form.add_domain_error(exc, field="text")
        else:
            # said on the page, not in a banner: a banner takes the focus the next entry needs
            query = request.GET.copy()
            query["logged"] = str(logged.number)
            return redirect(f"{reverse('desk:requests', args=[slug])}?{query.urlencode()}")
    return _log_page(request, inspection, form, status=400)


def _when(row: InformationRequest) -> str:
    return f"{row.due_at.astimezone(LONDON):%H:%M %a %-d %b}"


def _request_or_404(request: HttpRequest, inspection: Inspection, number: int) -> Any:
    row = service.requests_for(request.user, inspection).filter(number=number).first()
    if row is None:
        raise Http404("No such request.")
    return row


@login_required
def request_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    # staff read the requests they own; only the project team changes one
    need = Role.PROJECT_TEAM if request.method == "POST" else Role.STAFF
    inspection = inspection_for(request, slug, need=need)
    row = _request_or_404(request, inspection, number)
    may_edit = can(request.user, inspection, Role.PROJECT_TEAM)
    form = None
    status = 200
    if request.method == "POST":
        form = RequestEditForm(request.POST, inspection=inspection)
        if form.is_valid():
            try:
                row = service.update_request(request.user, row, **form.service_kwargs())
            except DomainError as exc:
                form.add_domain_error(exc, field="status")
            else:
                messages.success(request, f"{row.label} saved: {row.get_status_display()}.")
                return redirect(reverse("desk:request", args=[slug, row.number]))
        status = 400
    elif may_edit:
        form = RequestEditForm(initial=RequestEditForm.initial_for(row), inspection=inspection)
    context = {
        "inspection": inspection,
        "row": row,
        "form": form,
        "may_edit": may_edit,
        "now": timezone.now(),
        "statuses": RequestStatus.choices,
        "lines": LineOfEnquiry.objects.filter(inspection=inspection),
        "documents": LibraryDocument.objects.filter(inspection=inspection).only("ref", "title")
        if may_edit
        else [],
        "history": changes_of(row) if may_edit else [],
        **(_choices(inspection) if may_edit else {}),
    }
    return _render(request, inspection, "desk/request.html", context, status=status)


@login_required
def requests_export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    response = HttpResponse(requests_workbook(inspection), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slug}-requests.xlsx"'
    return response
