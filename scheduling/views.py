"""The meeting pages (list, new, detail, move, live check, status): a form parses the input
(bad input is a 400 with the GOV.UK error summary), one service acts, and a DomainError
becomes a form error or a message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from inspections.access import inspection_for
from inspections.calendar import LONDON, local_date, to_utc
from inspections.history import changes_of
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling import creating, editing
from scheduling.forms import (
    MeetingFilterForm,
    MeetingStatusForm,
    MeetingTypeForm,
    MoveMeetingForm,
    NewMeetingForm,
    PlacementForm,
    field_values,
)
from scheduling.models import (
    FamilyConsent,
    InspectorRule,
    Meeting,
    MeetingGroup,
    MeetingStatus,
    MeetingType,
    Mode,
    PlanRun,
    PlanRunStatus,
    Room,
)
from scheduling.planning import why_unplaced
from scheduling.runs import start_plan_run
from scheduling.visibility import render_hiding_child_ids, sees_child_ids_of

# "Plan it now" on a new meeting: a re-plan from the draft (fewest moves), kept short.
REPLAN_SECONDS = 5.0


def _meeting(inspection: Inspection, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.with_people().select_related("inspection"), pk=pk, inspection=inspection
    )


def _day_of(inspection: Inspection, meeting: Meeting) -> int | None:
    if meeting.start is None:
        return None
    try:
        return inspection.calendar.day_for_date(local_date(meeting.start))
    except ValueError:
        return None


def _days(inspection: Inspection) -> range:
    return range(1, inspection.calendar.last_day + 1)


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    form = MeetingFilterForm(inspection, request.GET)
    valid = form.is_valid()
    chosen = form.cleaned_data  # the filters that parsed; a refused one filters nothing
    qs = Meeting.objects.for_inspection(inspection).with_people().order_by("start", "title")
    if chosen.get("day"):
        date = inspection.calendar.date_for_day(chosen["day"])
        qs = qs.between(to_utc(date, dt.time(0)), to_utc(date + dt.timedelta(days=1), dt.time(0)))
    if chosen.get("inspector"):
        qs = qs.filter(assigned_inspectors__ref=chosen["inspector"])
    if chosen.get("type"):
        qs = qs.filter(meeting_type__key=chosen["type"])
    if chosen.get("status"):
        qs = qs.filter(status=chosen["status"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render_hiding_child_ids(
        request,
        inspection,
        "scheduling/meeting_list.html",
        {
            "inspection": inspection,
            "form": form,
            "page": page,
            "filters": {name: str(chosen.get(name) or "") for name in form.fields},
            "days": _days(inspection),
            "inspectors": inspection.inspectors.all(),
            "types": MeetingType.objects.all(),
            "statuses": MeetingStatus.choices,
            "total": qs.count(),
        },
        status=200 if valid else 400,
    )


def _detail_page(
    request: HttpRequest,
    inspection: Inspection,
    meeting: Meeting,
    status_form: MeetingStatusForm | None = None,
) -> HttpResponse:
    shown = sees_child_ids_of(request.user, meeting)
    return render_hiding_child_ids(
        request,
        inspection,
        "scheduling/meeting_detail.html",
        {
            "inspection": inspection,
            "meeting": meeting,
            "child_ids_shown": shown,
            "history": changes_of(meeting, child_ids=shown),
            "day": _day_of(inspection, meeting),
            "reasons": why_unplaced(meeting),
            "run": PlanRun.objects.filter(inspection=inspection).in_progress().first(),
            "status_form": status_form,
            "consents": FamilyConsent.choices,
        },
        status=400 if status_form is not None and status_form.errors else 200,
    )


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    return _detail_page(request, inspection, _meeting(inspection, pk))


def _attendee_groups(inspection: Inspection, chosen: list[str]) -> list[dict[str, Any]]:
    """People by team (partners by organisation); a group with someone ticked starts open."""
    groups: dict[str, list[Any]] = {}
    for p in inspection.people.order_by("team", "organisation", "full_name"):
        groups.setdefault(p.team or p.organisation or p.get_kind_display(), []).append(p)
    return [
        {"name": name, "people": people, "open": any(p.ref in chosen for p in people)}
        for name, people in sorted(groups.items())
    ]


def _new_page(
    request: HttpRequest,
    inspection: Inspection,
    form: NewMeetingForm | MeetingTypeForm,
    *,
    step: str = "details",
) -> HttpResponse:
    data = field_values(form)
    ctx = {
        "inspection": inspection,
        "form": form,
        "step": step,
        "data": data,
        "types": MeetingType.objects.exclude(group=MeetingGroup.OBSERVATION),
        "modes": Mode.choices,
        "rules": InspectorRule.choices,
        "venues": inspection.venues.all(),
        "inspectors": inspection.inspectors.all(),
        "attendee_groups": _attendee_groups(inspection, data.get("attendees", [])),
        "days": _days(inspection),
        "earlier": Meeting.objects.for_inspection(inspection).active().order_by("title"),
    }
    return render(request, "scheduling/meeting_new.html", ctx, status=400 if form.errors else 200)


@login_required
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    if request.method == "POST":
        form = NewMeetingForm(inspection, request.POST)
        if form.is_valid():
            try:
                meeting = creating.add_meeting(inspection, form.new_meeting(), actor=request.user)
            except DomainError as exc:
                form.add_domain_error(exc, field="meeting_type")
            else:
                messages.success(
                    request, f"Added {meeting.title} as a draft. Plan it now to give it a time."
                )
                return redirect("scheduling:meeting", slug=slug, pk=meeting.pk)
        return _new_page(request, inspection, form)
    if "meeting_type" not in request.GET:
        return _new_page(request, inspection, MeetingTypeForm(), step="type")
    # Choosing a type fills the rest of the form from the catalogue's defaults.
    chosen = MeetingTypeForm(request.GET)
    if not chosen.is_valid():
        return _new_page(request, inspection, chosen, step="type")
    defaults = NewMeetingForm.defaults(chosen.cleaned_data["meeting_type"])
    return _new_page(request, inspection, NewMeetingForm(inspection, initial=defaults))


@login_required
@require_POST
def meeting_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "Plan it now": a re-plan from the draft that places it while moving as few as it can."""
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _meeting(inspection, pk)
    try:
        start_plan_run(inspection, actor=request.user, time_limit=REPLAN_SECONDS)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("scheduling:meeting", slug=slug, pk=pk)
    run = PlanRun.objects.filter(inspection=inspection).first()
    meeting.refresh_from_db()
    if run is not None and run.status == PlanRunStatus.DONE:
        moved = len(run.summary.get("moved", []))
        if meeting.start is not None:
            messages.success(
                request,
                f"Planned {meeting.title}; {moved} other meeting{'s' if moved != 1 else ''} moved.",
            )
        else:
            messages.error(request, f"The planner could not place {meeting.title}.")
    else:
        messages.success(request, "The planner is placing it; this page shows the result soon.")
    return redirect("scheduling:meeting", slug=slug, pk=pk)


def _placement_initial(inspection: Inspection, meeting: Meeting) -> dict[str, Any]:
    start = meeting.start.astimezone(LONDON) if meeting.start else None
    return {
        "day": str(_day_of(inspection, meeting) or ""),
        "time": f"{start:%H:%M}" if start else "",
        "room": str(meeting.room_id or ""),
        "inspectors": [i.ref for i in meeting.assigned_inspectors.all()]
        or [i.ref for i in meeting.required_inspectors.all()],
        "version": str(meeting.version),
    }


def _edit_page(
    request: HttpRequest,
    inspection: Inspection,
    meeting: Meeting,
    form: MoveMeetingForm,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    rooms = Room.objects.for_inspection(inspection).filter(active=True).select_related("venue")
    if meeting.venue_id:
        rooms = rooms.filter(venue_id=meeting.venue_id)
    ctx = {
        "inspection": inspection,
        "meeting": meeting,
        "form": form,
        "data": field_values(form),
        "rooms": rooms.order_by("venue__name", "capacity"),
        "inspectors": inspection.inspectors.all(),
        "days": _days(inspection),
        **extra,
    }
    return render(request, "scheduling/meeting_edit.html", ctx, status=status)


@login_required
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _meeting(inspection, pk)
    if request.method != "POST":
        initial = _placement_initial(inspection, meeting)
        return _edit_page(
            request, inspection, meeting, MoveMeetingForm(inspection, meeting, initial=initial)
        )
    form = MoveMeetingForm(inspection, meeting, request.POST)
    if not form.is_valid():
        return _edit_page(request, inspection, meeting, form, status=400)
    try:
        editing.move_meeting(
            meeting,
            form.proposal(),
            opened_version=form.cleaned_data["version"],
            confirm=form.cleaned_data["confirm"],
            actor=request.user,
        )
    except editing.PlanConflict as exc:
        return _edit_page(
            request,
            inspection,
            meeting,
            form,
            status=400,
            error=exc.args[0],
            violations=exc.violations,
        )
    except editing.StaleMeeting as exc:
        return _edit_page(
            request, inspection, meeting, form, status=409, error=str(exc), stale=True
        )
    except DomainError as exc:
        return _edit_page(request, inspection, meeting, form, status=400, error=str(exc))
    messages.success(request, f"Saved: {meeting.title}.")
    return redirect("scheduling:meeting", slug=slug, pk=pk)


@login_required
@require_POST
def meeting_check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """htmx: the rules the form's current values would break, without saving."""
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _meeting(inspection, pk)
    form = PlacementForm(inspection, meeting, request.POST)
    ctx: dict[str, Any] = {"checked": True, "form": form}
    if not form.is_valid():
        return render(request, "scheduling/_violations.html", ctx, status=400)
    try:
        ctx["violations"] = editing.check_proposal(meeting, form.proposal())
    except DomainError as exc:
        ctx["error"] = str(exc)
    return render(request, "scheduling/_violations.html", ctx)


@login_required
@require_POST
def meeting_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    meeting = _meeting(inspection, pk)
    form = MeetingStatusForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, inspection, meeting, status_form=form)
    try:
        editing.set_status(
            meeting,
            MeetingStatus(form.cleaned_data["status"]),
            opened_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{meeting.title}: now {meeting.get_status_display().lower()}.")
    return redirect("scheduling:meeting", slug=slug, pk=pk)
