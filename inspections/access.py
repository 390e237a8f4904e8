"""The one way a page finds the inspection in its URL (and, with roles, checks the user)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from inspections.models import Inspection


def inspection_for(request: HttpRequest, slug: str) -> Inspection:
    """The inspection named by `slug`, or 404."""
    return get_object_or_404(Inspection, slug=slug)
