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
from annex_a.models import CHECKLIST, AnnexAList, FileCheck
from annex_a.services.checks import NamedFile, start_check
from annex_a.services.lists import annex_a_spec, summarise, update_checklist
from inspections.models import Inspection
from inspections.services.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _inspection(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


@login_required
def tracker(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
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
        },
    )


@login_required
@require_POST
def checklist(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    lst = get_object_or_404(AnnexAList, inspection__slug=slug, number=number)
    try:
        update_checklist(
            lst, set(request.POST.getlist("done")), request.user, notes=request.POST.get("notes")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"List {number} updated.")
    return redirect(reverse("annex_a:tracker", args=[slug]) + f"#list-{number}")


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    buffer = io.BytesIO()
    export_annex_a(inspection, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="annex-a-{inspection.slug}.xlsx"'
    return response


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    error = ""
    if request.method == "POST":
        files = [
            NamedFile(f.name or "upload", f, f.size or 0) for f in request.FILES.getlist("files")
        ]
        try:
            check = start_check(inspection, files, request.user)
        except DomainError as exc:
            error = str(exc)
        else:
            return redirect("annex_a:check", slug=slug, pk=check.pk)
    return render(
        request,
        "annex_a/upload.html",
        {"inspection": inspection, "error": error},
        status=400 if error else 200,
    )


def _check_context(slug: str, pk: int) -> dict[str, object]:
    check = get_object_or_404(
        FileCheck.objects.select_related("inspection"), pk=pk, inspection__slug=slug
    )
    lists = [
        {"number": int(n), **c}
        for n, c in sorted(check.list_counts.items(), key=lambda x: int(x[0]))
    ]
    return {"inspection": check.inspection, "check": check, "lists": lists}


@login_required
def check_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _check_context(slug, pk)
    check = context["check"]
    assert isinstance(check, FileCheck)
    context["findings"] = check.findings.all()[:1000]
    return render(request, "annex_a/check.html", context)


@login_required
def check_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    context = _check_context(slug, pk)
    response = render(request, "annex_a/_check_progress.html", context)
    check = context["check"]
    assert isinstance(check, FileCheck)
    if check.is_finished and request.headers.get("HX-Request"):
        # the whole page reloads once, to show the findings
        response["HX-Refresh"] = "true"
    return response
