"""Progress of a task from the evidence trackers, through providers other apps register.

A provider is a function (inspection) -> Progress | None, named in settings.TASK_PROGRESS_PROVIDERS
under the `progress` key the workflow template gives a task ("annex_a", "library", ...).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from inspections.models import Inspection


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str  # "287 of 315 uploaded"
    risk: str = ""  # "41 documents not yet quality-assured" when behind

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@cache
def _providers() -> dict[str, object]:
    return {
        key: import_string(path)
        for key, path in getattr(settings, "TASK_PROGRESS_PROVIDERS", {}).items()
    }


def progress_for(inspection: Inspection, source: str) -> Progress | None:
    provider = _providers().get(source)
    if provider is None:
        return None
    return provider(inspection)  # type: ignore[operator]


def progress_map(inspection: Inspection, sources: set[str]) -> dict[str, Progress | None]:
    """One provider call per source, so a page of tasks costs a fixed number of queries."""
    return {source: progress_for(inspection, source) for source in sorted(sources) if source}


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def risk_text(progress: Progress, due_at: dt.datetime, now: dt.datetime) -> str:
    """ "library: 41 documents not yet quality-assured, due in 3 h" (or "overdue by 2 days")."""
    if not progress.risk or (progress.total and progress.done >= progress.total):
        return ""
    left = (due_at - now).total_seconds()
    when = f"due in {_span(left)}" if left > 0 else f"overdue by {_span(-left)}"
    return f"{progress.risk}, {when}"
