"""Thin views over the scheduling services. Domain errors become GOV.UK error messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from inspections.calendar import LONDON, local_date, to_utc
from inspections.models import Inspection
from inspections.services.errors import DomainError
from scheduling import creating, editing
from scheduling.models import (
    InspectorRule,
    Meeting,
    MeetingStatus,
    MeetingType,
    Mode,
    PlanRun,
    PlanRunStatus,
    Room,
)
from scheduling.planning import check_draft, why_unplaced
from scheduling.releases import draft_changes, latest_release, publish
from scheduling.runs import start_plan_run

# "Plan it now" on a new meeting: a re-plan from the draft (fewest moves), kept short.
REPLAN_SECONDS = 5.0


def _inspection(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


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


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    qs = Meeting.objects.for_inspection(inspection).with_people().order_by("start", "title")
    f = {k: request.GET.get(k, "") for k in ("day", "inspector", "type", "status")}
    if f["day"].isdigit():
        try:
            date = inspection.calendar.date_for_day(int(f["day"]))
        except ValueError:
            messages.error(request, f"Day {f['day']} is not a day of this inspection.")
        else:
            start = to_utc(date, dt.time(0))
            qs = qs.between(start, to_utc(date + dt.timedelta(days=1), dt.time(0)))
    if f["inspector"]:
        qs = qs.filter(assigned_inspectors__ref=f["inspector"])
    if f["type"]:
        qs = qs.filter(meeting_type__key=f["type"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "scheduling/meeting_list.html",
        {
            "inspection": inspection,
            "page": page,
            "filters": f,
            "days": range(1, inspection.calendar.last_day + 1),
            "inspectors": inspection.inspectors.all(),
            "types": MeetingType.objects.all(),
            "statuses": MeetingStatus.choices,
            "total": qs.count(),
        },
    )


@login_required
def meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    meeting = _meeting(inspection, pk)
    return render(
        request,
        "scheduling/meeting_detail.html",
        {
            "inspection": inspection,
            "meeting": meeting,
            "day": _day_of(inspection, meeting),
            "reasons": why_unplaced(meeting),
            "run": PlanRun.objects.filter(inspection=inspection).in_progress().first(),
        },
    )


def _new_meeting_data(request: HttpRequest) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    data: dict[str, Any] = {
        k: source.get(k, "").strip()
        for k in (
            "meeting_type",
            "title",
            "purpose",
            "mode",
            "duration",
            "venue",
            "inspector_rule",
            "inspectors_needed",
            "family_count",
            "child_ids",
            "earliest",
            "latest",
            "follows",
        )
    }
    for k in ("inspectors", "attendees", "window_days"):
        data[k] = source.getlist(k)
    if request.method == "GET":
        # Choosing a type fills the rest from the catalogue's defaults.
        mtype = MeetingType.objects.filter(key=data["meeting_type"]).first()
        if mtype is not None:
            data.update(
                mode=data["mode"] or mtype.mode,
                duration=data["duration"] or str(mtype.duration),
                inspector_rule=data["inspector_rule"] or mtype.inspector_rule,
                inspectors_needed=data["inspectors_needed"]
                or str(mtype.inspectors_needed or (1 if mtype.inspector_rule == "any" else "")),
                earliest=data["earliest"] or f"{mtype.earliest:%H:%M}",
                latest=data["latest"] or f"{mtype.latest:%H:%M}",
            )
        data["family_count"] = data["family_count"] or "0"
    return data


def _attendee_groups(inspection: Inspection, chosen: list[str]) -> list[dict[str, Any]]:
    """People by team (partners by organisation); a group with someone ticked starts open."""
    groups: dict[str, list[Any]] = {}
    for p in inspection.people.order_by("team", "organisation", "full_name"):
        groups.setdefault(p.team or p.organisation or p.get_kind_display(), []).append(p)
    return [
        {"name": name, "people": people, "open": any(p.ref in chosen for p in people)}
        for name, people in sorted(groups.items())
    ]


@login_required
def meeting_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    data = _new_meeting_data(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            meeting = creating.add_meeting(
                inspection,
                meeting_type=data["meeting_type"],
                title=data["title"],
                purpose=data["purpose"],
                mode=data["mode"],
                duration=data["duration"],
                venue=data["venue"],
                inspector_rule=data["inspector_rule"],
                inspectors=data["inspectors"],
                inspectors_needed=data["inspectors_needed"],
                attendees=data["attendees"],
                family_count=data["family_count"],
                child_ids=data["child_ids"],
                window_days=data["window_days"],
                earliest=data["earliest"],
                latest=data["latest"],
                follows=[data["follows"]] if data["follows"] else [],
            )
        except creating.MeetingInvalid as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {"meeting_type": str(exc)}
        else:
            messages.success(
                request, f"Added {meeting.title} as a draft. Plan it now to give it a time."
            )
            return redirect("scheduling:meeting", slug=slug, pk=meeting.pk)
    ctx = {
        "inspection": inspection,
        "data": data,
        "errors": errors,
        "types": MeetingType.objects.all(),
        "modes": Mode.choices,
        "rules": InspectorRule.choices,
        "venues": inspection.venues.all(),
        "inspectors": inspection.inspectors.all(),
        "attendee_groups": _attendee_groups(inspection, data["attendees"]),
        "days": range(1, inspection.calendar.last_day + 1),
        "earlier": Meeting.objects.for_inspection(inspection).active().order_by("title"),
    }
    return render(request, "scheduling/meeting_new.html", ctx, status=400 if errors else 200)


@login_required
@require_POST
def meeting_plan(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """ "Plan it now": a re-plan from the draft that places it while moving as few as it can."""
    inspection = _inspection(slug)
    meeting = _meeting(inspection, pk)
    try:
        start_plan_run(inspection, user=request.user, time_limit=REPLAN_SECONDS)
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


def _edit_context(inspection: Inspection, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    rooms = Room.objects.for_inspection(inspection).filter(active=True).select_related("venue")
    if meeting.venue_id:
        rooms = rooms.filter(venue_id=meeting.venue_id)
    return {
        "inspection": inspection,
        "meeting": meeting,
        "data": data,
        "rooms": rooms.order_by("venue__name", "capacity"),
        "inspectors": inspection.inspectors.all(),
        "days": range(1, inspection.calendar.last_day + 1),
    }


def _form_data(request: HttpRequest, inspection: Inspection, meeting: Meeting) -> dict[str, Any]:
    if request.method == "POST":
        return {
            "day": request.POST.get("day", ""),
            "time": request.POST.get("time", ""),
            "room": request.POST.get("room", ""),
            "inspectors": request.POST.getlist("inspectors"),
            "version": request.POST.get("version", ""),
            "confirm": bool(request.POST.get("confirm")),
        }
    start = meeting.start.astimezone(LONDON) if meeting.start else None
    return {
        "day": str(_day_of(inspection, meeting) or ""),
        "time": f"{start:%H:%M}" if start else "",
        "room": str(meeting.room_id or ""),
        "inspectors": [i.ref for i in meeting.assigned_inspectors.all()]
        or [i.ref for i in meeting.required_inspectors.all()],
        "version": str(meeting.version),
        "confirm": False,
    }


@login_required
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    meeting = _meeting(inspection, pk)
    data = _form_data(request, inspection, meeting)
    ctx = _edit_context(inspection, meeting, data)
    if request.method == "POST":
        try:
            proposal = editing.parse_proposal(inspection, data, meeting)
            opened = int(data["version"]) if str(data["version"]).isdigit() else -1
            editing.move_meeting(meeting, proposal, opened_version=opened, confirm=data["confirm"])
        except editing.PlanConflict as exc:
            ctx.update(error=exc.args[0], violations=exc.violations)
        except DomainError as exc:
            ctx.update(error=str(exc), stale=isinstance(exc, editing.StaleMeeting))
        else:
            messages.success(request, f"Saved: {meeting.title}.")
            return redirect("scheduling:meeting", slug=slug, pk=pk)
        return render(
            request, "scheduling/meeting_edit.html", ctx, status=409 if ctx.get("stale") else 400
        )
    return render(request, "scheduling/meeting_edit.html", ctx)


@login_required
@require_POST
def meeting_check(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """htmx: the rules the form's current values would break, without saving."""
    inspection = _inspection(slug)
    meeting = _meeting(inspection, pk)
    data = _form_data(request, inspection, meeting)
    ctx: dict[str, Any] = {"checked": True}
    try:
        ctx["violations"] = editing.check_proposal(
            meeting, editing.parse_proposal(inspection, data, meeting)
        )
    except DomainError as exc:
        ctx["error"] = str(exc)
    return render(request, "scheduling/_violations.html", ctx)


@login_required
@require_POST
def meeting_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    meeting = _meeting(inspection, pk)
    version = request.POST.get("version", "")
    try:
        editing.set_status(
            meeting,
            request.POST.get("status", ""),
            opened_version=int(version) if version.isdigit() else -1,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{meeting.title}: now {meeting.get_status_display().lower()}.")
    return redirect("scheduling:meeting", slug=slug, pk=pk)


@login_required
def plan_page(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
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
    return render(
        request,
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
        },
    )


@login_required
@require_POST
def plan_start(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    try:
        limit = float(request.POST.get("time_limit") or 10)
        seed = int(request.POST.get("seed") or 0)
    except ValueError:
        messages.error(request, "Time limit and seed must be numbers.")
        return redirect("scheduling:plan", slug=slug)
    try:
        start_plan_run(
            inspection,
            user=request.user,
            time_limit=limit,
            seed=seed,
            fresh=bool(request.POST.get("fresh")),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The planner is working out the timetable.")
    return redirect("scheduling:plan", slug=slug)


@login_required
def plan_run(request: HttpRequest, slug: str, run_pk: int) -> HttpResponse:
    """htmx poll target: a run's progress (stops polling once it has finished)."""
    run = get_object_or_404(PlanRun, pk=run_pk, inspection__slug=slug)
    return render(request, "scheduling/_plan_run.html", {"run": run, "inspection": run.inspection})


@login_required
@require_POST
def absence(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    day = request.POST.get("day", "")
    try:
        record = editing.mark_inspector_absent(
            inspection,
            request.POST.get("inspector", ""),
            int(day) if day.lstrip("-").isdigit() else 0,
            request.POST.get("reason") or "sick",
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Recorded: {record}. Re-plan to move the meetings it affects.")
    return redirect("scheduling:plan", slug=slug)


@login_required
def releases(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    return render(
        request,
        "scheduling/releases.html",
        {
            "inspection": inspection,
            "releases": inspection.releases.select_related("published_by").order_by("-number"),
            "pending": draft_changes(inspection),
        },
    )


@login_required
@require_POST
def release_publish(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    try:
        release = publish(inspection, user=request.user, notes=request.POST.get("notes", "")[:2000])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Published {release.label}.")
    return redirect("scheduling:releases", slug=slug)
