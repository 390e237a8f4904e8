"""Lines of enquiry: the register (each line with its evidence, flagged when it has none), a
form to add one, and each line's page with what links evidence to it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desk.line_forms import LineForm, LinkForm
from desk.models import LineOfEnquiry
from desk.services import lines as service
from evidence.models import LibraryDocument
from inspections.access import can, inspection_for, sees_all_child_ids
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting


def _line(inspection: Inspection, ref: str) -> LineOfEnquiry:
    line = service.lines_for(inspection).filter(ref=ref).first()
    if line is None:
        raise Http404("No such line of enquiry.")
    return line


def _line_form(inspection: Inspection, data: Any = None, **kwargs: Any) -> LineForm:
    return LineForm(data, people=inspection.people.order_by("full_name"), **kwargs)


def _seen(request: HttpRequest, inspection: Inspection) -> dict[str, bool]:
    return {
        "may_edit": can(request.user, inspection, Role.PROJECT_TEAM),
        # child IDs: the project team's; others see how many
        "show_children": sees_all_child_ids(request.user, inspection),
    }


@login_required
def line_list(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    rows = service.register(inspection)
    return render(
        request,
        "desk/lines.html",
        {
            "inspection": inspection,
            "rows": rows,
            "without": sum(1 for _, _, empty in rows if empty),
            **_seen(request, inspection),
        },
    )


@login_required
def line_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    posted = request.method == "POST"
    form = _line_form(inspection, request.POST if posted else None, initial={"status": "open"})
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            line = service.add_line(
                inspection,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                status=data["status"],
                from_setup_meeting=False,
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{line.ref} added.")
            return redirect("desk:line", slug=slug, ref=line.ref)
    return render(
        request,
        "desk/line_new.html",
        {"inspection": inspection, "form": form},
        status=400 if form.errors else 200,
    )


def _line_page(
    request: HttpRequest,
    inspection: Inspection,
    line: LineOfEnquiry,
    *,
    form: LineForm | None = None,
    link_form: LinkForm | None = None,
) -> HttpResponse:
    found = service.evidence(line)
    linked_docs = {d.pk for d in found.documents}
    linked_meetings = {m.pk for m in found.meetings}
    error_forms = [f for f in (form, link_form) if f is not None and f.errors]
    edit_form = form or _line_form(
        inspection,
        initial={
            "title": line.title,
            "description": line.description,
            "owner": line.owner_id or "",
            "status": line.status,
        },
    )
    return render(
        request,
        "desk/line.html",
        {
            "inspection": inspection,
            "line": line,
            "evidence": found,
            "empty": service.lines_without_evidence(inspection).filter(pk=line.pk).exists(),
            "form": edit_form,
            "link_form": link_form,
            "documents": LibraryDocument.objects.for_inspection(inspection)
            .exclude(pk__in=linked_docs)
            .order_by("title"),
            "meetings": Meeting.objects.filter(inspection=inspection)
            .exclude(pk__in=linked_meetings)
            .order_by("start", "title"),
            "error_forms": error_forms,
            **_seen(request, inspection),
        },
        status=400 if error_forms else 200,
    )


@login_required
def line_detail(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    return _line_page(request, inspection, _line(inspection, ref))


@login_required
@require_POST
def line_edit(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    line = _line(inspection, ref)
    form = _line_form(inspection, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.edit_line(
                line,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                status=data["status"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{line.ref} saved.")
            return redirect("desk:line", slug=slug, ref=ref)
    return _line_page(request, inspection, line, form=form)


@login_required
@require_POST
def line_link(request: HttpRequest, slug: str, ref: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    line = _line(inspection, ref)
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kind, linking = data["kind"], data["action"] == "link"
        try:
            if kind == "document":
                document = (
                    LibraryDocument.objects.for_inspection(inspection)
                    .filter(pk=data["document"])
                    .first()
                )
                if document is None:
                    raise Http404("No such document.")
                (service.link_document if linking else service.unlink_document)(
                    line, document, actor=request.user
                )
                what = document.title
            elif kind == "meeting":
                meeting = Meeting.objects.filter(inspection=inspection, pk=data["meeting"]).first()
                if meeting is None:
                    raise Http404("No such meeting.")
                (service.link_meeting if linking else service.unlink_meeting)(
                    line, meeting, actor=request.user
                )
                what = meeting.title
            else:
                (service.link_child if linking else service.unlink_child)(
                    line, data["child_id"], actor=request.user
                )
                what = f"child {data['child_id']}"
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            verb = "linked to" if linking else "unlinked from"
            messages.success(request, f"{what} {verb} {line.ref}.")
            return redirect("desk:line", slug=slug, ref=ref)
    return _line_page(request, inspection, line, link_form=form)
