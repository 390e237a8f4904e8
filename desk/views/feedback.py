"""Feedback after a contact with inspectors: the meeting's notes and the form to add one,
editing a note, and the senior leaders' rollup by theme and line of enquiry, day by day."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from desk.forms.feedback import FeedbackForm, RollupFilterForm
from desk.models import ContactFeedback
from desk.services import feedback as service
from desk.views.kits import render_desk
from inspections.access import NotAllowed, inspection_for
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting


def _meeting(inspection: Inspection, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.with_people().select_related("inspection"), pk=pk, inspection=inspection
    )


def _meeting_page(
    request: HttpRequest,
    inspection: Inspection,
    meeting: Meeting,
    form: FeedbackForm,
    status: int = 200,
) -> HttpResponse:
    notes = (
        ContactFeedback.objects.filter(meeting=meeting)
        .select_related("author")
        .prefetch_related("lines")
        .order_by("created_at", "pk")
    )
    rows = [
        {
            "note": n,
            "edit_url": reverse("desk:feedback-edit", args=[inspection.slug, n.pk])
            if service.may_edit(request.user, n)
            else "",
        }
        for n in notes
    ]
    return render_desk(
        request,
        inspection,
        "desk/feedback_meeting.html",
        {
            "meeting": meeting,
            "form": form,
            "rows": rows,
            "unfit": service.why_no_feedback(meeting),
            "day": service.day_of(inspection, meeting),
        },
        status=status,
    )


@login_required
def meeting_feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    meeting = _meeting(inspection, pk)
    if not service.may_record(request.user, meeting):
        raise NotAllowed(
            "Feedback on this meeting is for those who attended it, senior leaders and the "
            "project team."
        )
    if request.method != "POST":
        return _meeting_page(request, inspection, meeting, FeedbackForm(inspection))
    form = FeedbackForm(inspection, request.POST)
    if form.is_valid():
        try:
            service.record_feedback(meeting, **form.values(), actor=request.user)
        except DomainError as exc:
            form.add_domain_error(exc, field="themes")
        else:
            messages.success(request, f"Recorded your feedback on {meeting.title}.")
            return redirect("desk:meeting-feedback", slug=slug, pk=pk)
    return _meeting_page(request, inspection, meeting, form, status=400)


@login_required
def feedback_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    note = get_object_or_404(
        ContactFeedback.objects.select_related("meeting", "inspection"),
        pk=pk,
        inspection=inspection,
    )
    if not service.may_edit(request.user, note):
        raise NotAllowed("Only the note's author or the project team may change it.")
    if request.method == "POST":
        form = FeedbackForm(inspection, request.POST)
        if form.is_valid():
            try:
                service.edit_feedback(note, **form.values(), actor=request.user)
            except DomainError as exc:
                form.add_domain_error(exc, field="themes")
            else:
                messages.success(request, f"Saved your feedback on {note.meeting.title}.")
                return redirect("desk:meeting-feedback", slug=slug, pk=note.meeting_id)
        status = 400
    else:
        form = FeedbackForm(inspection, initial=FeedbackForm.initial_for(note))
        status = 200
    return render_desk(
        request,
        inspection,
        "desk/feedback_edit.html",
        {"note": note, "meeting": note.meeting, "form": form},
        status=status,
    )


@login_required
def feedback_rollup(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    if not service.may_see_rollup(request.user, inspection):
        raise NotAllowed("The feedback rollup is for senior leaders and the project team.")
    form = RollupFilterForm(inspection, request.GET)
    valid = form.is_valid()
    day = form.cleaned_data.get("day") if valid else None
    days = service.rollup(inspection, day=day) if valid else []
    return render_desk(
        request,
        inspection,
        "desk/feedback_rollup.html",
        {
            "form": form,
            "days": days,
            "day": day,
            "day_text": str(request.GET.get("day", ""))[:10],
            "total": sum(len(d.notes) for d in days),
        },
        status=200 if valid else 400,
    )
