"""The planner's pages hide the child IDs a user may not see, as the timetable's pages do,
counting the evidence trackers' children (audits, deep dives) as well as the meetings'."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from desk.services.requests import child_ids_of_requests
from evidence.models import Audit, DeepDive
from inspections.models import Inspection
from scheduling.visibility import hidden_child_ids, render_hiding_child_ids


def evidence_child_ids(inspection: Inspection) -> set[str]:
    audits = Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True)
    dives = DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True)
    return set(audits) | set(dives)


def hidden_for(request: HttpRequest, inspection: Inspection) -> frozenset[str]:
    """Every child ID of the inspection the signed-in user may not see (none for the team)."""
    return hidden_child_ids(
        request.user,
        inspection,
        also=lambda: evidence_child_ids(inspection) | child_ids_of_requests(inspection),
    )


def render_page(
    request: HttpRequest,
    inspection: Inspection,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    hidden: frozenset[str] | None = None,
) -> HttpResponse:
    """render(), hiding the child IDs `hidden_for` names (pass them if already worked out)."""
    return render_hiding_child_ids(
        request,
        inspection,
        template,
        context,
        status=status,
        hidden=hidden if hidden is not None else hidden_for(request, inspection),
    )
