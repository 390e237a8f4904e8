"""Audits, deep-dive children and their case-record packs, and a page per child ID."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from evidence.forms import (
    AuditFilterForm,
    ChildForm,
    ChooseAuditForm,
    PackPartForm,
    UnchooseForm,
    pk_or_404,
)
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
from inspections.access import can, inspection_for
from inspections.forms.imports import ImportForm
from inspections.history import Change, latest_changes
from inspections.models import Inspection, Person, PersonKind, Role
from inspections.services.errors import DomainError
from inspections.views.uploads import import_page

CHOSEN = {"yes": True, "no": False}


def _may(request: HttpRequest, inspection: Inspection) -> dict[str, bool]:
    """What the page offers: these pages are the project team's; unchoosing deletes a pack."""
    return {"may_edit": True, "may_delete": can(request.user, inspection, Role.COORDINATOR)}


def _audits_page(
    request: HttpRequest,
    inspection: Inspection,
    filter_form: AuditFilterForm,
    choose_form: ChooseAuditForm | None = None,
    choosing: int | None = None,
) -> HttpResponse:
    filter_form.is_valid()
    filters = filter_form.filters()
    rows = list(
        filter_audits(
            inspection,
            judgement=filters["judgement"],
            chosen=CHOSEN.get(filters["chosen"]),
            child=filters["child"],
        )
    )
    summary = Audit.objects.for_inspection(inspection).summary()
    error_forms = [f for f in (filter_form, choose_form) if f is not None and f.errors]
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
            "filter_form": filter_form,
            "choose_form": choose_form,
            "error_forms": error_forms,
            "choosing": choosing,
            "max_deep_dives": MAX_DEEP_DIVES,
            "full": summary["chosen"] >= MAX_DEEP_DIVES,
            **_may(request, inspection),
        },
        status=400 if error_forms else 200,
    )


@login_required
def audits(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    return _audits_page(request, inspection, AuditFilterForm(request.GET))


@login_required
def audits_import(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    return import_page(
        request,
        inspection,
        partial(import_audits, actor=request.user),
        ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm(),
        template="evidence/import.html",
        done="evidence:audits",
        context={
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
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    audit = get_object_or_404(Audit, pk=pk_or_404(pk), inspection=inspection)
    form = ChooseAuditForm(request.POST)
    if not form.is_valid():
        return _audits_page(request, inspection, AuditFilterForm({}), form, choosing=audit.pk)
    try:
        choose_audit(inspection, audit, form.cleaned_data["plan_type"], actor=request.user)
        messages.success(request, f"{audit.child_id} is chosen for a deep dive.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(form.cleaned_data["next"] or f"/inspections/{slug}/audits/#audit-{audit.pk}")


@login_required
@require_POST
def deep_dive_unchoose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # it deletes the child's case-record pack
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    deep_dive = get_object_or_404(DeepDive, pk=pk_or_404(pk), inspection=inspection)
    form = UnchooseForm(request.POST)
    form.is_valid()  # only `next`, which is never an error: an unsafe one is dropped
    audit_pk = deep_dive.audit_id
    try:
        child_id = unchoose(inspection, deep_dive, actor=request.user)
        messages.success(request, f"{child_id} is no longer chosen; its pack was removed.")
    except DomainError as exc:
        messages.error(request, str(exc))
    target = form.cleaned_data.get("next") or f"/inspections/{slug}/audits/#audit-{audit_pk}"
    return redirect(target)


def _pack_people(inspection: Inspection) -> list[Person]:
    return list(_pack_people_query(inspection).order_by("full_name"))


def _pack_people_query(inspection: Inspection) -> QuerySet[Person]:
    return Person.objects.filter(
        inspection=inspection, kind__in=[PersonKind.PROJECT_TEAM, PersonKind.SENIOR_LEADER]
    )


def _deep_dives_page(
    request: HttpRequest,
    inspection: Inspection,
    part_form: PackPartForm | None = None,
    part_pk: int | None = None,
) -> HttpResponse:
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
            "part_form": part_form,
            "error_part": part_pk,
            **_may(request, inspection),
        },
        status=400 if part_form is not None and part_form.errors else 200,
    )


@login_required
def deep_dives(request: HttpRequest, slug: str) -> HttpResponse:
    return _deep_dives_page(request, inspection_for(request, slug, need=Role.PROJECT_TEAM))


@login_required
@require_POST
def pack_part_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    part = get_object_or_404(
        CasePackPart.objects.select_related("deep_dive", "collator", "qa_by"),
        pk=pk_or_404(pk),
        deep_dive__inspection=inspection,
    )
    form = PackPartForm(request.POST, people=_pack_people_query(inspection))
    if form.is_valid():
        try:
            update_pack_part(part, **form.cleaned_data, actor=request.user)
        except DomainError as exc:
            form.add_domain_error(exc)
            part.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "evidence/_pack_part.html",
            {
                "inspection": inspection,
                "part": part,
                "people": _pack_people(inspection),
                "part_form": form,
                "error_part": part.pk if form.errors else None,
            },
            status=400 if form.errors else 200,
        )
    if form.errors:
        return _deep_dives_page(request, inspection, form, part.pk)
    messages.success(request, f"{part.deep_dive.child_id}: {part.label.lower()} saved.")
    return redirect(f"/inspections/{slug}/deep-dives/#child-{part.deep_dive.child_id}")


def _child_history(inspection: Inspection, child_id: str) -> list[Change]:
    """The child's audits, deep dive and pack parts: each change, a deep dive unchosen since
    (and its deleted pack) included."""
    dives: Any = DeepDive.history.filter(inspection_id=inspection.pk, child_id=child_id)  # type: ignore[attr-defined]
    parts: Any = CasePackPart.history.filter(deep_dive_id__in=dives.values("id"))  # type: ignore[attr-defined]
    audits: Any = Audit.history.filter(inspection_id=inspection.pk, child_id=child_id)  # type: ignore[attr-defined]
    return latest_changes(dives, parts, audits)


@login_required
def child(request: HttpRequest, slug: str, child_id: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.PROJECT_TEAM)
    form = ChildForm({"child_id": child_id})
    if not form.is_valid():
        # the URL holds something other than a child ID (perhaps a name): never echo it
        return render(
            request,
            "evidence/child.html",
            {"inspection": inspection, "child_id": "", "unknown": True, "form": form},
            status=404,
        )
    child_id = form.cleaned_data["child_id"].upper()
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
            "history": _child_history(inspection, child_id),
            **_may(request, inspection),
        },
    )
