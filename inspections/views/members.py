"""The members page: who may work on this inspection, and as what (coordinators only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from inspections.access import inspection_for
from inspections.forms.members import AddMemberForm, ChangeRoleForm
from inspections.history import latest_changes
from inspections.models import Membership, Role
from inspections.services.errors import DomainError
from inspections.services.members import find_user, grant, revoke


def _page(request: HttpRequest, inspection, add_form: AddMemberForm, status: int = 200):  # type: ignore[no-untyped-def]
    members = (
        Membership.objects.filter(inspection=inspection)
        .select_related("user", "person")
        .order_by("user__username")
    )
    return render(
        request,
        "inspections/members.html",
        {
            "inspection": inspection,
            "members": members,
            "form": add_form,
            "roles": Role.choices,
            # who added, changed or removed whom
            "history": latest_changes(Membership.history.filter(inspection_id=inspection.pk)),  # type: ignore[attr-defined]
        },
        status=status,
    )


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    if request.method != "POST":
        return _page(request, inspection, AddMemberForm(inspection=inspection))
    form = AddMemberForm(request.POST, inspection=inspection)
    if form.is_valid():
        try:
            user = find_user(form.cleaned_data["who"])
            membership = grant(
                inspection,
                user,
                Role(form.cleaned_data["role"]),
                actor=request.user,
                person=form.cleaned_data.get("person"),
            )
        except DomainError as exc:
            form.add_domain_error(exc, field="who")
        else:
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display().lower()}."
            )
            return redirect("inspections:members", slug=slug)
    return _page(request, inspection, form, status=400)


@login_required
@require_POST
def member_change(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, inspection=inspection
    )
    form = ChangeRoleForm(request.POST)
    if not form.is_valid():
        return _page(request, inspection, AddMemberForm(inspection=inspection), status=400)
    try:
        if form.cleaned_data["action"] == "remove":
            revoke(inspection, membership.user, actor=request.user)
            messages.success(request, f"{membership.user} is no longer a member.")
        else:
            role = Role(form.cleaned_data["role"])
            grant(inspection, membership.user, role, actor=request.user)
            messages.success(request, f"{membership.user} is now {role.label.lower()}.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("inspections:members", slug=slug)
