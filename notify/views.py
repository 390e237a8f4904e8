"""What the planner has sent and what people choose to receive.

- messages_log: every message and what became of it, those that failed first, with how a send
  under way is going (messages_progress, the htmx poll target);
- my_choice: a member chooses for themself (everything, the morning digest only, nothing);
- choices / choice_edit: the coordinator sees everyone's choice and sets one, and whether an
  inspector wants the lead inspector's timetable workbook with their digest.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from inspections.access import inspection_for, person_for
from inspections.models import Inspector, Person, Role
from inspections.services.errors import DomainError
from notify.delivery import MAX_ATTEMPTS
from notify.forms import ChoiceForm, InspectorChoiceForm
from notify.models import Choice, Message, MessageStatus
from notify.preferences import (
    CONCERNS_RULE,
    preference_of,
    recipients,
    set_own_preference,
    set_preference,
)
from notify.progress import send_progress


def _role(request: HttpRequest) -> Role:
    return Role(request.inspection_role)  # type: ignore[attr-defined]  # set by inspection_for


@login_required
def messages_log(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, Role.PROJECT_TEAM)
    rows = (
        Message.objects.filter(inspection=inspection)
        .select_related("person", "inspector")
        .annotate(
            failed_first=Case(
                When(status=MessageStatus.FAILED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("failed_first", "-created_at", "-pk")
    )
    progress = send_progress(inspection)
    return render(
        request,
        "notify/messages.html",
        {
            "inspection": inspection,
            "rows": rows[:500],
            "failed": progress.failed,
            "progress": progress,
            "max_attempts": MAX_ATTEMPTS,
            "sets_choices": _role(request).allows(Role.COORDINATOR),
        },
    )


@login_required
def messages_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx poll target: the counts; it stops polling once nothing waits to be sent."""
    inspection = inspection_for(request, slug, Role.PROJECT_TEAM)
    progress = send_progress(inspection)
    response = render(
        request, "notify/_progress.html", {"inspection": inspection, "progress": progress}
    )
    if not progress.in_progress and request.headers.get("HX-Request"):
        # the send has finished: the page reloads once, so the table shows each message's end
        response["HX-Refresh"] = "true"
    return response


@login_required
def my_choice(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug)
    person = person_for(request.user, inspection)
    form = ChoiceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        choice = Choice(form.cleaned_data["choice"])
        try:
            set_own_preference(inspection, actor=request.user, choice=choice)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Saved your choice: {choice.label}.")
        return redirect("notify:my-choice", slug=slug)
    if not form.is_bound and person is not None:
        form = ChoiceForm(initial={"choice": preference_of(person).choice})
    return render(
        request,
        "notify/preferences.html",
        {"inspection": inspection, "form": form, "person": person, "rule": CONCERNS_RULE},
        status=400 if form.is_bound else 200,
    )


@login_required
def choices(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, Role.COORDINATOR)
    inspectors, people = recipients(inspection)
    return render(
        request,
        "notify/preferences_list.html",
        {
            "inspection": inspection,
            "inspectors": inspectors,
            "people": people,
            "rule": CONCERNS_RULE,
        },
    )


@login_required
def choice_edit(request: HttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """The coordinator sets one inspector's or person's choice."""
    inspection = inspection_for(request, slug, Role.COORDINATOR)
    model: type[Inspector] | type[Person] = Inspector if kind == "inspector" else Person
    who = get_object_or_404(
        model.objects.select_related("notify_preference"),  # type: ignore[attr-defined]
        pk=pk,
        inspection=inspection,
    )
    form_class = InspectorChoiceForm if isinstance(who, Inspector) else ChoiceForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                set_preference(
                    inspection,
                    actor=request.user,
                    choice=Choice(data["choice"]),
                    person=who if isinstance(who, Person) else None,
                    inspector=who if isinstance(who, Inspector) else None,
                    timetable_workbook=data.get("timetable_workbook"),
                )
            except DomainError as exc:
                form.add_domain_error(exc, "choice")
            else:
                messages.success(
                    request, f"Saved {who.full_name}'s choice: {Choice(data['choice']).label}."
                )
                url = reverse("notify:choices", kwargs={"slug": slug})
                return redirect(f"{url}#{kind}-{who.pk}")
        status = 400
    else:
        current = preference_of(who)
        form = form_class(
            initial={"choice": current.choice, "timetable_workbook": current.timetable_workbook}
        )
        status = 200
    return render(
        request,
        "notify/preferences_edit.html",
        {"inspection": inspection, "form": form, "who": who, "kind": kind, "rule": CONCERNS_RULE},
        status=status,
    )
