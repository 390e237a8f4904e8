"""The dashboard and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.services.dashboard import TIMELINE_HOURS, build_dashboard
from inspections.views.core import get_inspection_or_404


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = get_inspection_or_404(slug)
    board = build_dashboard(inspection, timezone.now())
    context = {
        "inspection": inspection,
        "board": board,
        "hours": TIMELINE_HOURS,
    }
    return render(request, "inspections/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    """The smallest Django view: the benchmark's baseline, and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
