"""The Rooms page: venues across the county and their rooms."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.access import inspection_for
from inspections.models import Role
from scheduling.models import Venue


@login_required
def rooms(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.VIEWER)
    venues = list(
        Venue.objects.filter(inspection=inspection).prefetch_related("rooms").order_by("name")
    )
    return render(request, "scheduling/rooms.html", {"inspection": inspection, "venues": venues})
