"""Practice observation pages: add one (the project team), and record a family's consent on
its page. A form parses; one service acts; its InvalidFields land beside each field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inspections.access import inspection_for
from inspections.forms import invalid_form_response
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling import observations
from scheduling.forms import field_values
from scheduling.models import FamilyConsent, Meeting, Mode
from scheduling.observation_forms import ConsentForm, ObservationForm
from scheduling.observations import OBSERVATION_RULES, observation_types


def _page(request: HttpRequest, inspection: Inspection, form: ObservationForm) -> HttpResponse:
    ctx = {
        "inspection": inspection,
        "form": form,
        "data": field_values(form),
        "types": observation_types(),
        "modes": Mode.choices,
        "rules": [(r.value, r.label) for r in OBSERVATION_RULES],
        "consents": FamilyConsent.choices,
        "venues": inspection.venues.all(),
        "inspectors": inspection.inspectors.all(),
        "people": inspection.people.order_by("full_name"),
        "last_day": inspection.calendar.last_day,
    }
    return render(
        request, "scheduling/observation_new.html", ctx, status=400 if form.errors else 200
    )


@login_required
def observation_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    if request.method != "POST":
        initial = {"inspector_rule": "any", "inspectors_needed": "1", "family_count": "0"}
        return _page(request, inspection, ObservationForm(inspection, initial=initial))
    form = ObservationForm(inspection, request.POST)
    if form.is_valid():
        try:
            meeting = observations.add_observation(
                inspection, form.new_observation(), actor=request.user
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="meeting_type")
        else:
            messages.success(
                request,
                f"Added {meeting.title} at its fixed time. Plan it now to give it an inspector.",
            )
            return redirect("scheduling:meeting", slug=slug, pk=meeting.pk)
    return _page(request, inspection, form)


@login_required
@require_POST
def meeting_consent(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = get_object_or_404(Meeting, pk=pk, inspection=inspection)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            observations.record_consent(
                meeting,
                FamilyConsent(form.cleaned_data["family_consent"] or FamilyConsent.NOT_NEEDED),
                form.cleaned_data["family_count"] or 0,
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="family_consent")
        else:
            messages.success(request, f"Recorded the family's consent for {meeting.title}.")
            return redirect("scheduling:meeting", slug=slug, pk=pk)
    return invalid_form_response(
        request,
        form,
        heading="The consent was not recorded",
        back=reverse("scheduling:meeting", args=[slug, pk]),
    )
