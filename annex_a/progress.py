"""Task progress for "annex_a" tasks: lists signed off, from the one summary."""

from __future__ import annotations

from annex_a.services.lists import summarise
from inspections.models import Inspection
from inspections.services.progress import Progress


def annex_a(inspection: Inspection) -> Progress | None:
    if not inspection.annex_a_lists.exists():
        return None
    summary = summarise(inspection)
    return Progress(
        done=summary.signed_off, total=summary.total, label=summary.label, risk=summary.risk
    )
