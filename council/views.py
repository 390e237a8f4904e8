"""The council's pages: its year of inspections and visits, and its readiness checklist.
Anyone with a role on one of the council's inspections may read them; the project team (or
above) of any of them may change them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from council import services
from council.forms import EngagementMeetingForm, ReadinessItemForm, SelfEvaluationForm
from council.models import ReadinessItem
from inspections.access import NotAllowed
from inspections.models import Role
from inspections.services.errors import DomainError


def _council(request: HttpRequest, council: str, need: Role = Role.VIEWER) -> str:
    """The council named by the URL: 404 unless the user has a role on one of its
    inspections, 403 when that role is below `need`."""
    try:
        name = services.council_for_slug(council)
    except services.CouncilNotFound:
        raise Http404("No such council.") from None
    if not services.can_council(request.user, name, Role.VIEWER):
        raise Http404("No such council.")
    if not services.can_council(request.user, name, need):
        raise NotAllowed(f"You need the {Role(need).label.lower()} role to change this.")
    return name


@login_required
def council_page(request: HttpRequest, council: str) -> HttpResponse:
    name = _council(
        request, council, Role.PROJECT_TEAM if request.method == "POST" else Role.VIEWER
    )
    meeting_form = EngagementMeetingForm(
        request.POST if request.POST.get("form") == "meeting" else None, prefix="meeting"
    )
    version_form = SelfEvaluationForm(
        request.POST if request.POST.get("form") == "version" else None, prefix="version"
    )
    status = 200
    for form, kind in ((meeting_form, "meeting"), (version_form, "version")):
        if not form.is_bound:
            continue
        if form.is_valid():
            data = form.cleaned_data
            try:
                if kind == "meeting":
                    services.add_engagement_meeting(
                        name, date=data["date"], notes=data["notes"], actor=request.user
                    )
                    messages.success(
                        request, f"Engagement meeting of {data['date']:%-d %B %Y} added."
                    )
                else:
                    services.add_self_evaluation_version(
                        name,
                        version=data["version"],
                        date=data["date"],
                        owner=data["owner"],
                        note=data["note"],
                        actor=request.user,
                    )
                    messages.success(request, f"Self-evaluation version {data['version']} added.")
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                return redirect("council:page", council=council)
        status = 400
    year = services.council_year(name)
    return render(
        request,
        "council/page.html",
        {
            "council": name,
            "council_slug": council,
            "year": year,
            "can_edit": services.can_council(request.user, name, Role.PROJECT_TEAM),
            "meeting_form": meeting_form,
            "meeting_date": meeting_form.date_input("date"),
            "version_form": version_form,
            "version_date": version_form.date_input("date"),
        },
        status=status,
    )


@login_required
def readiness(request: HttpRequest, council: str) -> HttpResponse:
    name = _council(request, council)
    summary = services.readiness_summary(name)
    return render(
        request,
        "council/readiness.html",
        {
            "council": name,
            "council_slug": council,
            "summary": summary,
            "rows": [(item, item.is_ready(summary.on_date)) for item in summary.items],
            "can_edit": services.can_council(request.user, name, Role.PROJECT_TEAM),
        },
    )


@login_required
@require_POST
def readiness_reviewed(request: HttpRequest, council: str, key: str) -> HttpResponse:
    name = _council(request, council, Role.PROJECT_TEAM)
    item = get_object_or_404(ReadinessItem, local_authority=name, key=key)
    services.mark_reviewed(item, actor=request.user)
    messages.success(request, f"{item.title}: reviewed {timezone.localdate():%-d %B %Y}.")
    return redirect("council:readiness", council=council)


@login_required
def readiness_edit(request: HttpRequest, council: str, key: str) -> HttpResponse:
    name = _council(request, council, Role.PROJECT_TEAM)
    item = get_object_or_404(ReadinessItem, local_authority=name, key=key)
    initial = {
        "owner": item.owner,
        "review_interval_days": item.review_interval_days,
        "notes": item.notes,
    }
    form = ReadinessItemForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_item(
                item,
                owner=data["owner"],
                review_interval_days=data["review_interval_days"],
                notes=data["notes"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{item.title}: saved.")
            return redirect("council:readiness", council=council)
    return render(
        request,
        "council/readiness_edit.html",
        {"council": name, "council_slug": council, "item": item, "form": form},
        status=400 if form.errors else 200,
    )
