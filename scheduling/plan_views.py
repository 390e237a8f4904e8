"""The timetable pages: the draft plan and the planner, absences, and releases. A form
parses the input (bad input is a 400 with the GOV.UK error summary); one service acts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from inspections.access import inspection_for
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling import editing
from scheduling.forms import AbsenceForm, PlanStartForm, PublishForm, field_values
from scheduling.models import Meeting, PlanRun, UnavailabilityReason
from scheduling.observations import consent_warnings
from scheduling.planning import check_draft
from scheduling.releases import draft_changes, latest_release, publish
from scheduling.runs import fail_stale_runs, start_plan_run
from scheduling.visibility import render_hiding_child_ids


def _plan_page(
    request: HttpRequest,
    inspection: Inspection,
    *,
    start_form: PlanStartForm | None = None,
    absence_form: AbsenceForm | None = None,
) -> HttpResponse:
    if start_form is None:
        start_form = PlanStartForm(initial={"time_limit": "10", "seed": "0"})
    if absence_form is None:
        absence_form = AbsenceForm(inspection)
    problems = [f for f in (start_form, absence_form) if f.errors]
    fail_stale_runs(inspection)  # a run whose worker died shows as failed, not running for ever
    violations, unplaced = check_draft(inspection)
    release = latest_release(inspection)
    changes = draft_changes(inspection)
    changed_ids = {
        e["meeting_id"]: kind
        for kind in ("moved", "new", "cancelled", "changed")
        for e in changes[kind]
    }
    meetings = list(
        Meeting.objects.for_inspection(inspection).with_people().order_by("start", "title")
    )
    published = {}
    if release is not None:
        published = {rm.meeting_pk: rm for rm in release.meetings.all()}
    rows = [
        {"meeting": m, "release": published.get(m.pk), "change": changed_ids.get(m.pk, "")}
        for m in meetings
    ]
    return render_hiding_child_ids(
        request,
        inspection,
        "scheduling/plan.html",
        {
            "inspection": inspection,
            "violations": violations,
            "unplaced": unplaced,
            "release": release,
            "changes": changes,
            "rows": rows,
            "run": PlanRun.objects.filter(inspection=inspection).first(),
            "inspectors": inspection.inspectors.all(),
            "days": range(1, inspection.calendar.last_day + 1),
            "reasons": UnavailabilityReason.choices,
            "start_form": start_form,
            "start": field_values(start_form),
            "absence_form": absence_form,
            "absence": field_values(absence_form),
            "problems": problems,
            "consent_warnings": consent_warnings(meetings),
        },
        status=400 if problems else 200,
    )


@login_required
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _plan_page(request, inspection_for(request, slug, need=Role.VIEWER))


@login_required
@require_POST
def plan_start(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = PlanStartForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, inspection, start_form=form)
    limit, seed, fresh = form.values()
    try:
        start_plan_run(inspection, actor=request.user, time_limit=limit, seed=seed, fresh=fresh)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The planner is working out the timetable.")
    return redirect("scheduling:plan", slug=slug)


@login_required
def plan_run(request: HttpRequest, slug: str, run_pk: int) -> HttpResponse:
    """htmx poll target: a run's progress (stops polling once it has finished)."""
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    fail_stale_runs(inspection)
    run = get_object_or_404(PlanRun, pk=run_pk, inspection=inspection)
    return render_hiding_child_ids(
        request, inspection, "scheduling/_plan_run.html", {"run": run, "inspection": inspection}
    )


@login_required
@require_POST
def absence(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = AbsenceForm(inspection, request.POST)
    if form.is_valid():
        try:
            record = editing.mark_inspector_absent(
                inspection,
                form.cleaned_data["inspector"],
                form.cleaned_data["day"],
                form.reason(),
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="day")
        else:
            messages.success(
                request, f"Recorded: {record}. Re-plan to move the meetings it affects."
            )
            return redirect("scheduling:plan", slug=slug)
    return _plan_page(request, inspection, absence_form=form)


def _consent_warnings(inspection: Inspection) -> list[str]:
    observed = Meeting.objects.for_inspection(inspection).observations()
    return consent_warnings(observed.select_related("meeting_type").order_by("pk"))


def _releases_page(
    request: HttpRequest, inspection: Inspection, form: PublishForm | None = None
) -> HttpResponse:
    if form is None:
        form = PublishForm()
    return render_hiding_child_ids(
        request,
        inspection,
        "scheduling/releases.html",
        {
            "inspection": inspection,
            "form": form,
            "data": field_values(form),
            "releases": inspection.releases.select_related("published_by").order_by("-number"),
            "pending": draft_changes(inspection),
            "consent_warnings": _consent_warnings(inspection),
        },
        status=400 if form.errors else 200,
    )


@login_required
def releases(request: HttpRequest, slug: str) -> HttpResponse:
    return _releases_page(request, inspection_for(request, slug, need=Role.VIEWER))


@login_required
@require_POST
def release_publish(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _releases_page(request, inspection, form)
    try:
        release = publish(inspection, actor=request.user, notes=form.cleaned_data["notes"])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Published {release.label}.")
        for warning in _consent_warnings(inspection):
            messages.warning(request, warning)
    return redirect("scheduling:releases", slug=slug)
