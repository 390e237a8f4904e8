"""Which child IDs a user sees on the timetable's pages: the project team every one, staff
those of the meetings they attend, viewers none (they see counts).

Child IDs stand in meeting titles ("Case discussion: child C104233"), purposes, the planner's
reasons and release changelogs, so a page is rendered and then every ID the user may not see
is hidden wherever it appears: one rule at the page's edge, not a filter on every template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.access import can, person_for, sees_all_child_ids
from inspections.childids import hide_child_ids
from inspections.models import Inspection, Role
from scheduling.models import Meeting, ReleaseMeeting


def _ids(rows: Iterable[list[str]]) -> set[str]:
    return {child for row in rows for child in row or ()}


def child_ids_of(inspection: Inspection) -> set[str]:
    """Every child ID the timetable names: the draft's meetings and every release's."""
    draft = Meeting.objects.filter(inspection=inspection).values_list("child_ids", flat=True)
    released = ReleaseMeeting.objects.filter(release__inspection=inspection).values_list(
        "child_ids", flat=True
    )
    return _ids(draft) | _ids(released)


def attended_child_ids(user: Any, inspection: Inspection) -> set[str]:
    """The child IDs of the meetings the user's person attends (none without a person)."""
    person = person_for(user, inspection)
    if person is None:
        return set()
    rows = Meeting.objects.filter(inspection=inspection, attendees=person).values_list(
        "child_ids", flat=True
    )
    return _ids(rows)


def hidden_child_ids(
    user: Any, inspection: Inspection, *, also: Callable[[], Iterable[str]] | None = None
) -> frozenset[str]:
    """The child IDs to hide from `user`; `also` adds IDs a higher app knows (evidence)."""
    if sees_all_child_ids(user, inspection):
        return frozenset()
    known = child_ids_of(inspection) | set(also() if also else ())
    if can(user, inspection, Role.STAFF):
        known -= attended_child_ids(user, inspection)
    return frozenset(known)


def sees_child_ids_of(user: Any, meeting: Meeting) -> bool:
    """Whether the user sees this meeting's child IDs (staff: only if they attend it)."""
    inspection = meeting.inspection
    if sees_all_child_ids(user, inspection):
        return True
    if not can(user, inspection, Role.STAFF):
        return False
    person = person_for(user, inspection)
    return person is not None and any(p.pk == person.pk for p in meeting.attendees.all())


def render_hiding_child_ids(
    request: HttpRequest,
    inspection: Inspection,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    hidden: frozenset[str] | None = None,
) -> HttpResponse:
    """render(), then hide every child ID the signed-in user may not see (`hidden`, when a
    higher app has worked them out with more it knows)."""
    response = render(request, template, context, status=status)
    if hidden is None:
        hidden = hidden_child_ids(request.user, inspection)
    if hidden:
        charset = response.charset
        response.content = hide_child_ids(response.content.decode(charset), hidden).encode(charset)
    return response
