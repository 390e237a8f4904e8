"""Concerns about a child: the list, the log form and each concern's page. Every page is 404
for anyone who may not see concerns (inspections.access.sees_concerns): not even their
existence shows."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from desk.concern_forms import ActionDoneForm, ActionForm, CloseForm, ConcernForm, OutcomeForm
from desk.concerns_export import export_concerns
from desk.models import Concern
from desk.services import concerns as service
from inspections.access import can, inspection_for, sees_concerns
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError, InvalidFields

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _inspection(request: HttpRequest, slug: str) -> Inspection:
    inspection = inspection_for(request, slug)
    if not sees_concerns(request.user, inspection):
        raise Http404("No such page.")
    return inspection


def _concern(inspection: Inspection, number: int) -> Concern:
    concern = (
        Concern.objects.filter(inspection=inspection, number=number)
        .select_related("raised_by", "closed_by")
        .first()
    )
    if concern is None:
        raise Http404("No such concern.")
    return concern


def _concern_form(inspection: Inspection, data: Any = None) -> ConcernForm:
    return ConcernForm(data, inspectors=inspection.inspectors.order_by("full_name"))


def _action_form(inspection: Inspection, data: Any = None) -> ActionForm:
    return ActionForm(data, people=inspection.people.order_by("full_name"))


@login_required
def concern_list(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    concerns = (
        Concern.objects.filter(inspection=inspection)
        .select_related("raised_by", "closed_by")
        .order_by("-number")
    )
    groups = [
        ("Open", [c for c in concerns if c.is_open]),
        ("Closed", [c for c in concerns if not c.is_open]),
    ]
    return render(
        request,
        "desk/concerns.html",
        {
            "inspection": inspection,
            "groups": groups,
            "may_export": can(request.user, inspection, Role.COORDINATOR),
        },
    )


@login_required
def concern_new(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = _inspection(request, slug)
    form = _concern_form(inspection, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = service.log_concern(
                inspection,
                child_id=data["child_id"],
                text=data["text"],
                raised_by=data["raised_by"],
                raised_at=data["raised_at"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{concern.label} logged.")
            return redirect("desk:concern", slug=slug, number=concern.number)
    return render(
        request,
        "desk/concern_new.html",
        {"inspection": inspection, "form": form},
        status=400 if form.errors else 200,
    )


def _concern_page(
    request: HttpRequest,
    inspection: Inspection,
    concern: Concern,
    *,
    action_form: ActionForm | None = None,
    outcome_form: OutcomeForm | None = None,
    close_form: CloseForm | None = None,
) -> HttpResponse:
    forms = [f for f in (action_form, outcome_form, close_form) if f is not None and f.errors]
    return render(
        request,
        "desk/concern.html",
        {
            "inspection": inspection,
            "concern": concern,
            "actions": list(concern.actions.select_related("owner")),
            "action_form": action_form or _action_form(inspection),
            "outcome_form": outcome_form or OutcomeForm(initial={"outcome": concern.outcome}),
            "close_form": close_form or CloseForm(),
            "error_forms": forms,
        },
        status=400 if forms else 200,
    )


@login_required
def concern_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    return _concern_page(request, inspection, _concern(inspection, number))


@login_required
@require_POST
def concern_action(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    concern = _concern(inspection, number)
    form = _action_form(inspection, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_action(
                concern,
                text=data["text"],
                owner=data["owner"],
                due_at=data["due_at"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Action added to {concern.label}.")
            return redirect("desk:concern", slug=slug, number=number)
    return _concern_page(request, inspection, concern, action_form=form)


@login_required
@require_POST
def concern_action_done(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    concern = _concern(inspection, number)
    form = ActionDoneForm(request.POST)
    action = None
    if form.is_valid():
        action = concern.actions.filter(pk=form.cleaned_data["action"]).first()
    if action is None:
        raise Http404("No such action.")
    service.complete_action(action, actor=request.user)
    messages.success(request, "Action marked done.")
    return redirect("desk:concern", slug=slug, number=number)


@login_required
@require_POST
def concern_outcome(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    concern = _concern(inspection, number)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            service.record_outcome(
                concern, outcome=form.cleaned_data["outcome"], actor=request.user
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"Outcome of {concern.label} recorded.")
            return redirect("desk:concern", slug=slug, number=number)
    return _concern_page(request, inspection, concern, outcome_form=form)


@login_required
@require_POST
def concern_close(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    inspection = _inspection(request, slug)
    concern = _concern(inspection, number)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            service.close_concern(
                concern, outcome=form.cleaned_data["closing_outcome"], actor=request.user
            )
        except InvalidFields as exc:
            form.add_error("closing_outcome", " ".join(exc.errors.values()))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{concern.label} closed.")
            return redirect("desk:concerns", slug=slug)
    return _concern_page(request, inspection, concern, close_form=form)


@login_required
def concerns_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's workbook of concerns and their actions: the one export of them."""
    inspection = _inspection(request, slug)
    if not can(request.user, inspection, Role.COORDINATOR):
        raise Http404("No such page.")
    buffer = io.BytesIO()
    export_concerns(inspection, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{slug}-concerns.xlsx"'
    return response
