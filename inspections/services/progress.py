"""Progress of a task from an evidence tracker, and when it puts the task at risk.

The trackers (evidence, annex_a) each return a Progress; the planner app maps a task's
`progress` key ("annex_a", "library", ...) to its tracker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str  # "287 of 315 uploaded"
    risk: str = ""  # "41 documents not yet quality-assured" when behind

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


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
