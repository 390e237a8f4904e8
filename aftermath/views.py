"""The aftermath page: the events after the on-site weeks with the tasks dated from them, and
the factual-accuracy comment log. Views validate a form and call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aftermath import services
from aftermath.exports import comments_workbook
from aftermath.forms import CommentForm, EventForm
from aftermath.models import AftermathEvent, EventKind, FactualAccuracyComment
from inspections.access import can, inspection_for
from inspections.forms import date_input
from inspections.models import Inspection
from inspections.services.errors import DomainError


@login_required
def aftermath(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    sees_comments = can(request.user, inspection, services.KEEPS_COMMENTS)
    return render(
        request,
        "aftermath/index.html",
        {
            "inspection": inspection,
            "rows": services.aftermath_rows(inspection),
            "may_record": can(request.user, inspection, services.RECORDS_EVENTS),
            "sees_comments": sees_comments,
            "comments": (
                list(FactualAccuracyComment.objects.for_inspection(inspection))
                if sees_comments
                else []
            ),
        },
    )


def _kind(kind: str) -> tuple[str, str]:
    if kind not in EventKind.values:
        raise Http404("No such event.")
    return kind, str(EventKind(kind).label)


@login_required
def event(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.RECORDS_EVENTS)
    kind, label = _kind(kind)
    recorded = AftermathEvent.objects.filter(inspection=inspection, kind=kind).first()
    form = EventForm(request.POST if request.method == "POST" else None)
    field = date_input.initial("date", "Date", recorded.date if recorded else None)
    if form.is_bound:
        if form.is_valid():
            try:
                result = services.record_event(
                    request.user,
                    inspection,
                    kind,
                    form.cleaned_data["date"],
                    notes=form.cleaned_data["notes"],
                )
            except DomainError as exc:
                form.add_domain_error(exc, field="date")
            else:
                messages.success(
                    request, f"{label}: {form.cleaned_data['date']:%A %-d %B %Y}. {result}."
                )
                return redirect("aftermath:index", slug=slug)
        field = form.date_input("date")
    return render(
        request,
        "aftermath/event.html",
        {
            "inspection": inspection,
            "kind": kind,
            "label": label,
            "form": form,
            "field": field,
            "recorded": recorded,
            "notes": form["notes"].value()
            if form.is_bound
            else (recorded.notes if recorded else ""),
            "tasks": services.dependent_tasks(inspection, kind),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def event_clear(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.RECORDS_EVENTS)
    kind, label = _kind(kind)
    services.clear_event(request.user, inspection, kind)
    messages.success(request, f"{label} cleared: its tasks are dated provisionally again.")
    return redirect("aftermath:index", slug=slug)


def _comment_page(
    request: HttpRequest,
    inspection: Inspection,
    form: CommentForm,
    comment: FactualAccuracyComment | None,
) -> HttpResponse:
    return render(
        request,
        "aftermath/comment.html",
        {"inspection": inspection, "form": form, "comment": comment},
        status=400 if form.errors else 200,
    )


def _save_comment(
    request: HttpRequest,
    inspection: Inspection,
    form: CommentForm,
    comment: FactualAccuracyComment | None,
) -> HttpResponse:
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "paragraph": data["paragraph"],
            "point": data["point"],
            "evidence": data["evidence"],
            "agreed_by": data["agreed_by"],
            "status": data["status"],
        }
        try:
            if comment is None:
                services.add_comment(request.user, inspection, **fields)
            else:
                services.update_comment(request.user, comment, **fields)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            done = "added" if comment is None else "saved"
            messages.success(request, f"Comment on paragraph {data['paragraph']} {done}.")
            return redirect("aftermath:index", slug=inspection.slug)
    return _comment_page(request, inspection, form, comment)


@login_required
def comment_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.KEEPS_COMMENTS)
    if request.method == "POST":
        form = CommentForm(request.POST, inspection=inspection)
        return _save_comment(request, inspection, form, None)
    return _comment_page(request, inspection, CommentForm(inspection=inspection), None)


def _comment(inspection: Inspection, pk: int) -> FactualAccuracyComment:
    try:
        return services.comment_for(inspection, pk)
    except DomainError:
        raise Http404("No such comment.") from None


@login_required
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.KEEPS_COMMENTS)
    comment = _comment(inspection, pk)
    if request.method == "POST":
        form = CommentForm(request.POST, inspection=inspection)
        return _save_comment(request, inspection, form, comment)
    form = CommentForm(
        inspection=inspection,
        initial={
            "paragraph": comment.paragraph,
            "point": comment.point,
            "evidence": comment.evidence,
            "agreed_by": comment.agreed_by_id,
            "status": comment.status,
        },
    )
    return _comment_page(request, inspection, form, comment)


@login_required
@require_POST
def comment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.KEEPS_COMMENTS)
    comment = _comment(inspection, pk)
    services.delete_comment(request.user, comment)
    messages.success(request, f"Comment on paragraph {comment.paragraph} deleted.")
    return redirect("aftermath:index", slug=slug)


@login_required
def comments_export(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=services.KEEPS_COMMENTS)
    response = HttpResponse(
        comments_workbook(inspection),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-factual-accuracy.xlsx"'
    return response
