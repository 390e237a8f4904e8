"""Case tracking pages: the requests, "name a child" (worker and manager proposed from the
Annexe A mapping), and "find a slot" showing every move before it is accepted. Project team
and above; a form parses the input, one service acts, a DomainError becomes a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from desk.forms.tracking import AcceptForm, FindSlotForm, NameChildForm
from desk.models import CaseTrackingRequest
from desk.services import tracking
from inspections.access import inspection_for
from inspections.childids import is_child_id
from inspections.forms import invalid_form_response
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError

# "Find a slot" waits for the solver: a short re-plan from the draft.
SLOT_SECONDS = 10.0


def _request(inspection: Inspection, pk: int) -> CaseTrackingRequest:
    return get_object_or_404(
        CaseTrackingRequest.objects.select_related(
            "inspection", "inspector", "worker", "manager", "meeting"
        ),
        pk=pk,
        inspection=inspection,
    )


@login_required
def tracking_list(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    requests = CaseTrackingRequest.objects.filter(inspection=inspection).select_related(
        "inspector", "worker", "manager", "meeting"
    )
    return render(
        request,
        "desk/tracking_list.html",
        {"inspection": inspection, "requests": requests.order_by("-named_at", "-pk")},
    )


@login_required
def tracking_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    proposed = None
    if request.method == "POST":
        form = NameChildForm(request.POST, inspection=inspection)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = tracking.name_child(
                    request.user,
                    inspection,
                    data["child_id"],
                    data["kind"],
                    data["inspector"],
                    timezone.now(),
                    data["within_days"],
                    worker=data["worker"],
                    manager=data["manager"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, f"Child {made.child_id} recorded: now find a slot.")
                return redirect("desk:tracking-slot", slug=inspection.slug, pk=made.pk)
    else:
        child_id = request.GET.get("child_id", "").strip()
        initial: dict[str, Any] = {"child_id": child_id if is_child_id(child_id) else ""}
        if initial["child_id"]:
            proposed = tracking.propose_people(inspection, initial["child_id"])
            initial.update(worker=proposed.worker, manager=proposed.manager)
        form = NameChildForm(initial=initial, inspection=inspection)
    return render(
        request,
        "desk/tracking_new.html",
        {"inspection": inspection, "form": form, "proposed": proposed},
        status=400 if form.errors else 200,
    )


@login_required
def tracking_slot(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    item = _request(inspection, pk)
    offer = None
    problem = ""
    form = FindSlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offer = tracking.find_slot(
                request.user, item, mode=form.cleaned_data["mode"], time_limit=SLOT_SECONDS
            )
        except DomainError as exc:
            problem = str(exc)
    return render(
        request,
        "desk/tracking_slot.html",
        {
            "inspection": inspection,
            "item": item,
            "form": form,
            "offer": offer,
            "problem": problem,
            "days": tracking.window_days(item),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def tracking_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    item = _request(inspection, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return invalid_form_response(
            request, form, heading="The slot was not booked", back=request.path
        )
    try:
        meeting = tracking.accept(request.user, item, form.cleaned_data["token"])
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("desk:tracking-slot", slug=inspection.slug, pk=item.pk)
    messages.success(request, f"Booked: {meeting.title}.")
    return redirect("desk:tracking", slug=inspection.slug)
