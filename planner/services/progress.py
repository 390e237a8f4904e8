"""A task's progress, from the evidence tracker its workflow `progress` key names."""

from __future__ import annotations

from collections.abc import Callable

from annex_a import progress as annex_a_progress
from evidence import progress as evidence_progress
from inspections.models import Inspection
from inspections.services.progress import Progress

# The workflow template's `progress` keys and the tracker behind each.
TRACKERS: dict[str, Callable[[Inspection], Progress | None]] = {
    "annex_a": annex_a_progress.annex_a,
    "library": evidence_progress.library,
    "audits": evidence_progress.audits,
    "deep_dives": evidence_progress.deep_dives,
    "case_packs": evidence_progress.case_packs,
}


def progress_for(inspection: Inspection, source: str) -> Progress | None:
    """An unknown key is a KeyError, never a silent blank: tests/test_workflow.py checks that
    every template's `progress` keys have a tracker."""
    return TRACKERS[source](inspection)


def progress_map(inspection: Inspection, sources: set[str]) -> dict[str, Progress | None]:
    """One tracker call per source, so a page of tasks costs a fixed number of queries."""
    return {source: progress_for(inspection, source) for source in sorted(sources) if source}
