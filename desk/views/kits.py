"""The KIT pages: every KIT by day, one KIT's notes and actions, and its printable agenda.
Thin: each POST validates a form and calls one service function; a DomainError is shown on
the form or as a message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from desk.forms.kits import KitActionForm, KitActionStatusForm, KitNotesForm
from desk.models import Concern, InformationRequest, KitAction, KitNote
from desk.services import kits as service
from evidence.models import Audit, DeepDive
from inspections.access import NotAllowed, can, inspection_for
from inspections.forms import invalid_form_response
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.models import Meeting
from scheduling.visibility import hidden_child_ids, render_hiding_child_ids


def render_desk(
    request: HttpRequest,
    inspection: Inspection,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    reveal: Iterable[str] = (),
) -> HttpResponse:
    """Render, hiding every child ID the user may not see (the timetable's, the evidence
    trackers', the requests' and the concerns'), but those in `reveal` (shown on purpose)."""

    def also() -> set[str]:
        ids: set[str] = set()
        for model in (Audit, DeepDive, InformationRequest, Concern):
            ids |= set(
                model.objects.filter(inspection=inspection)  # type: ignore[attr-defined]
                .exclude(child_id="")
                .values_list("child_id", flat=True)
            )
        return ids

    shown = set(reveal)
    hidden = frozenset(
        c for c in hidden_child_ids(request.user, inspection, also=also) if c not in shown
    )
    context.setdefault("inspection", inspection)
    return render_hiding_child_ids(
        request, inspection, template, context, status=status, hidden=hidden
    )


def _inspection(request: HttpRequest, slug: str) -> Inspection:
    """The inspection, for the project team and senior leaders only (others: 403)."""
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    if not service.may_see_kits(request.user, inspection):
        raise NotAllowed("KIT notes are for the project team and senior leaders.")
    return inspection


def _kit(inspection: Inspection, pk: int) -> Meeting:
    return get_object_or_404(
        service.kit_meetings(inspection).with_people().select_related("inspection"), pk=pk
    )


@login_required
def kits(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    return render_desk(
        request, inspection, "desk/kits.html", {"days": service.kit_days(inspection)}
    )


def _kit_page(
    request: HttpRequest,
    inspection: Inspection,
    meeting: Meeting,
    *,
    notes_form: KitNotesForm | None = None,
    action_form: KitActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    note = KitNote.objects.filter(meeting=meeting).first()
    if notes_form is None:
        initial = (
            {f: getattr(note, f) for f in ("themes", "strengths", "worries", "requests_made")}
            if note
            else {}
        )
        notes_form = KitNotesForm(initial=initial)
    if action_form is None:
        action_form = KitActionForm(inspection)
    plan = service.agenda(inspection, meeting, None)  # the actions only: no concerns
    return render_desk(
        request,
        inspection,
        "desk/kit.html",
        {
            "meeting": meeting,
            "day": service.day_of(inspection, meeting),
            "note": note,
            "notes_form": notes_form,
            "action_form": action_form,
            "actions": plan.own,
            "carried": plan.carried,
            "may_edit": can(request.user, inspection, Role.PROJECT_TEAM),
            "forms": [f for f in (notes_form, action_form) if f.is_bound and f.errors],
        },
        status=status,
    )


@login_required
def kit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    return _kit_page(request, inspection, _kit(inspection, pk))


@login_required
@require_POST
def kit_notes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _kit(inspection, pk)
    form = KitNotesForm(request.POST)
    if form.is_valid():
        try:
            service.save_notes(meeting, **form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Saved the notes of {meeting.title}.")
            return redirect("desk:kit", slug=slug, pk=pk)
    return _kit_page(request, inspection, meeting, notes_form=form, status=400)


@login_required
@require_POST
def kit_action_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _kit(inspection, pk)
    form = KitActionForm(inspection, request.POST)
    if form.is_valid():
        try:
            action = service.add_action(
                meeting,
                text=form.cleaned_data["text"],
                owner=form.cleaned_data["owner"],
                due_at=form.due_at(),
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="text")
        else:
            messages.success(request, f"Added the action: {action}.")
            return redirect("desk:kit", slug=slug, pk=pk)
    return _kit_page(request, inspection, meeting, action_form=form, status=400)


@login_required
@require_POST
def kit_action_status(request: HttpRequest, slug: str, pk: int, action_pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    _kit(inspection, pk)  # the page to go back to: a KIT of this inspection
    # any action of the inspection: one carried from an earlier KIT is closed from this one's page
    action = get_object_or_404(KitAction, pk=action_pk, inspection=inspection)
    form = KitActionStatusForm(request.POST)
    back = reverse("desk:kit", args=[slug, pk])
    if not form.is_valid():
        return invalid_form_response(request, form, heading="The action was not changed", back=back)
    try:
        if form.cleaned_data["status"] == "closed":
            service.close_action(action, actor=request.user)
            messages.success(request, f"Closed the action: {action}.")
        else:
            service.reopen_action(action, actor=request.user)
            messages.success(request, f"Reopened the action: {action}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("desk:kit", slug=slug, pk=pk)


@login_required
def kit_agenda(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    meeting = _kit(inspection, pk)
    plan = service.agenda(inspection, meeting, request.user)
    # those who may see concerns see the child each is about
    reveal = [c.child_id for c in plan.concerns or ()]
    return render_desk(
        request,
        inspection,
        "desk/kit_agenda.html",
        {"meeting": meeting, "agenda": plan},
        reveal=reveal,
    )
