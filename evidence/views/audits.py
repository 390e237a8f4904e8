"""Audits, deep-dive children and their case-record packs, and a page per child ID."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from evidence.models import (
    MAX_DEEP_DIVES,
    Audit,
    CasePackPart,
    DeepDive,
    Judgement,
    PlanType,
)
from evidence.progress import case_packs as case_packs_progress
from evidence.services.audits import COLUMNS, filter_audits, import_audits
from evidence.services.deep_dives import (
    case_packs_due_at,
    choose_audit,
    meetings_for_children,
    unchoose,
    update_pack_part,
)
from inspections.models import Inspection, Person, PersonKind
from inspections.services.errors import DomainError
from inspections.views.uploads import run_import


def _inspection(slug: str) -> Inspection:
    return get_object_or_404(Inspection, slug=slug)


def _next(request: HttpRequest, default: str) -> str:
    """The page to go back to: only a path on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def audits(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    filters = {k: request.GET.get(k, "").strip() for k in ("judgement", "chosen", "child")}
    rows = list(filter_audits(inspection, **filters))
    summary = Audit.objects.for_inspection(inspection).summary()
    return render(
        request,
        "evidence/audits.html",
        {
            "inspection": inspection,
            "audits": rows,
            "summary": summary,
            "judgement_counts": [
                (str(label), summary[value]) for value, label in Judgement.choices
            ],
            "judgements": Judgement.choices,
            "plan_types": PlanType.choices,
            "filters": filters,
            "max_deep_dives": MAX_DEEP_DIVES,
            "full": summary["chosen"] >= MAX_DEEP_DIVES,
        },
    )


@login_required
def audits_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    outcome = run_import(request, inspection, import_audits) if request.method == "POST" else None
    if outcome and outcome.done:
        return redirect("evidence:audits", slug=slug)
    heading, problems = (outcome.heading, outcome.problems) if outcome else ("", [])
    return render(
        request,
        "evidence/import.html",
        {
            "inspection": inspection,
            "problems": problems,
            "heading": heading,
            "title": "Import the audit list",
            "columns": COLUMNS,
            "help": "One row per audit completed in the 6 months before day one: child ID (never "
            "a name or date of birth), audit date, type, judgement (outstanding, good, requires "
            "improvement, inadequate), moderated and loop closed (closing-the-loop actions done: "
            "yes or no). A row with the same child, date and type updates that audit.",
            "back": "evidence:audits",
        },
    )


@login_required
@require_POST
def audit_choose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    audit = get_object_or_404(Audit, pk=pk, inspection=inspection)
    try:
        choose_audit(inspection, audit, request.POST.get("plan_type", ""))
        messages.success(request, f"{audit.child_id} is chosen for a deep dive.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_next(request, f"/inspections/{slug}/audits/#audit-{audit.pk}"))


@login_required
@require_POST
def deep_dive_unchoose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    deep_dive = get_object_or_404(DeepDive, pk=pk, inspection=inspection)
    audit_pk = deep_dive.audit_id
    try:
        child_id = unchoose(inspection, deep_dive)
        messages.success(request, f"{child_id} is no longer chosen; its pack was removed.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(_next(request, f"/inspections/{slug}/audits/#audit-{audit_pk}"))


def _pack_people(inspection: Inspection) -> list[Person]:
    return list(
        Person.objects.filter(
            inspection=inspection, kind__in=[PersonKind.PROJECT_TEAM, PersonKind.SENIOR_LEADER]
        ).order_by("full_name")
    )


@login_required
def deep_dives(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(slug)
    chosen = list(DeepDive.objects.for_inspection(inspection).with_packs())
    meetings = meetings_for_children(inspection, [d.child_id for d in chosen])
    return render(
        request,
        "evidence/deep_dives.html",
        {
            "inspection": inspection,
            "children": [(d, meetings.get(d.child_id, [])) for d in chosen],
            "progress": case_packs_progress(inspection),
            "due_at": case_packs_due_at(inspection),
            "people": _pack_people(inspection),
            "max_deep_dives": MAX_DEEP_DIVES,
        },
    )


def _person_or_none(inspection: Inspection, value: str | None) -> Person | None:
    if not value or not value.isdigit():
        return None
    return Person.objects.filter(inspection=inspection, pk=int(value)).first()


@login_required
@require_POST
def pack_part_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = _inspection(slug)
    part = get_object_or_404(
        CasePackPart.objects.select_related("deep_dive", "collator", "qa_by"),
        pk=pk,
        deep_dive__inspection=inspection,
    )
    problem = ""
    try:
        update_pack_part(
            part,
            collated=bool(request.POST.get("collated")),
            collator=_person_or_none(inspection, request.POST.get("collator")),
            quality_assured=bool(request.POST.get("quality_assured")),
            qa_by=_person_or_none(inspection, request.POST.get("qa_by")),
            uploaded=bool(request.POST.get("uploaded")),
        )
    except DomainError as exc:
        problem = str(exc)
        part.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "evidence/_pack_part.html",
            {
                "inspection": inspection,
                "part": part,
                "people": _pack_people(inspection),
                "problem": problem,
            },
        )
    if problem:
        messages.error(request, f"{part.deep_dive.child_id}: {problem}")
    else:
        messages.success(request, f"{part.deep_dive.child_id}: {part.label.lower()} saved.")
    return redirect(f"/inspections/{slug}/deep-dives/#child-{part.deep_dive.child_id}")


@login_required
def child(request: HttpRequest, slug: str, child_id: str) -> HttpResponse:
    inspection = _inspection(slug)
    child_id = child_id.upper()
    child_audits = list(
        Audit.objects.for_inspection(inspection)
        .filter(child_id=child_id)
        .select_related("deep_dive")
    )
    deep_dive = (
        DeepDive.objects.for_inspection(inspection).with_packs().filter(child_id=child_id).first()
    )
    if not child_audits and deep_dive is None:
        return render(
            request,
            "evidence/child.html",
            {"inspection": inspection, "child_id": child_id, "unknown": True},
            status=404,
        )
    return render(
        request,
        "evidence/child.html",
        {
            "inspection": inspection,
            "child_id": child_id,
            "audits": child_audits,
            "deep_dive": deep_dive,
            "meetings": meetings_for_children(inspection, [child_id]).get(child_id, []),
            "people": _pack_people(inspection) if deep_dive else [],
            "plan_types": PlanType.choices,
            "full": DeepDive.objects.for_inspection(inspection).count() >= MAX_DEEP_DIVES,
        },
    )
