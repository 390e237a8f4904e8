"""The dashboard and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from inspections.access import inspection_for
from inspections.models import Role
from planner.services.dashboard import build_dashboard, meeting_grid
from planner.views.hiding import render_page

__all__ = ["dashboard", "healthz", "meeting_grid"]


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    board = build_dashboard(inspection, timezone.now(), viewer=request.user)
    return render_page(
        request, inspection, "planner/dashboard.html", {"inspection": inspection, "board": board}
    )


def healthz(request: HttpRequest) -> HttpResponse:
    """The smallest Django view: the benchmark's baseline, and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
