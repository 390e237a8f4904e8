"""Thin views: parse the request, call a service, render. Domain errors become messages."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from annex_a.exports import export_annex_a
from annex_a.forms import ChecklistForm, UploadForm, number_or_404
from annex_a.models import CHECKLIST, AnnexAList, FileCheck, Finding, FindingGroup
from annex_a.services.checks import NamedFile, start_check, sweep_checks
from annex_a.services.lists import annex_a_spec, summarise, update_checklist
from inspections.access import can, inspection_for
from inspections.history import latest_changes
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _tracker(
    request: HttpRequest,
    inspection: Inspection,
    form: ChecklistForm | None = None,
    number: int | None = None,
) -> HttpResponse:
    sweep_checks(inspection)  # a check whose worker died shows as failed, its files deleted
    summary = summarise(inspection)
    specs = {s.number: s for s in annex_a_spec().lists}
    return render(
        request,
        "annex_a/tracker.html",
        {
            "inspection": inspection,
            "summary": summary,
            "checklist": CHECKLIST,
            "rows": [(item, specs[item.lst.number]) for item in summary.lists],
            "checks": inspection.annex_a_checks.all()[:5],
            "form": form,
            "error_list": number,
            # viewers see the counts; the checklist, checks and export are for those allowed
            "may_edit": can(request.user, inspection, Role.PROJECT_TEAM),
            "may_export": can(request.user, inspection, Role.COORDINATOR),
            # who ticked what, and when
            "history": latest_changes(AnnexAList.history.filter(inspection_id=inspection.pk)),  # type: ignore[attr-defined]
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def tracker(request: HttpRequest, slug: str) -> HttpResponse:
    return _tracker(request, inspection_for(request, slug, need=Role.VIEWER))


@login_required
@require_POST
def checklist(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    number = number_or_404(number, last=len(annex_a_spec().lists))
    lst = get_object_or_404(AnnexAList, inspection=inspection, number=number)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            update_checklist(
                lst,
                set(form.cleaned_data["done"]),
                actor=request.user,
                # a post without the notes box leaves the notes as they are
                notes=form.cleaned_data["notes"] if "notes" in request.POST else None,
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="done")
    if form.errors:
        return _tracker(request, inspection, form, number)
    messages.success(request, f"List {number} updated.")
    return redirect(reverse("annex_a:tracker", args=[slug]) + f"#list-{number}")


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    buffer = io.BytesIO()
    export_annex_a(inspection, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="annex-a-{inspection.slug}.xlsx"'
    return response


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        files = [NamedFile(f.name or "upload", f, f.size or 0) for f in form.cleaned_data["files"]]
        try:
            check = start_check(inspection, files, actor=request.user)
        except DomainError as exc:
            form.add_domain_error(exc, field="files")
        else:
            return redirect("annex_a:check", slug=slug, pk=check.pk)
    return render(
        request,
        "annex_a/upload.html",
        {"inspection": inspection, "form": form},
        status=400 if form.errors else 200,
    )


def _check_context(request: HttpRequest, slug: str, pk: int) -> dict[str, object]:
    # a check's findings name child IDs
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    sweep_checks(inspection)
    check = get_object_or_404(
        FileCheck.objects.select_related("inspection"), pk=number_or_404(pk), inspection=inspection
    )
    specs = {s.number: s for s in annex_a_spec().lists}
    lists = [
        {"number": int(n), "covers": specs[int(n)].covers if int(n) in specs else "", **c}
        for n, c in sorted(check.list_counts.items(), key=lambda x: int(x[0]))
    ]
    return {"inspection": check.inspection, "check": check, "lists": lists}


SHOWN_FINDINGS = 1000  # per-row findings read for the page's expandable detail


def _with_rows(groups: list[FindingGroup], findings: list[Finding]) -> list[FindingGroup]:
    """Each group's per-row findings (those kept), for the page to show when asked."""
    for group in groups:
        group.detail = [f for f in findings if group.matches(f)]  # type: ignore[attr-defined]
    return groups


@login_required
def check_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _check_context(request, slug, pk)
    check = context["check"]
    assert isinstance(check, FileCheck)
    findings = list(check.findings.all()[:SHOWN_FINDINGS])
    context["groups"] = _with_rows(list(check.groups.all()), findings)
    context["shown"] = len(findings)
    context["findings"] = [] if context["groups"] else findings  # a check from before groups
    return render(request, "annex_a/check.html", context)


@login_required
def check_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _check_context(request, slug, pk)
    response = render(request, "annex_a/_check_progress.html", context)
    check = context["check"]
    assert isinstance(check, FileCheck)
    if check.is_finished and request.headers.get("HX-Request"):
        # the whole page reloads once, to show the findings
        response["HX-Refresh"] = "true"
    return response
