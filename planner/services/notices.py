"""A risk or a change on the dashboard: one line a person can act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class Notice:
    text: str
    url: str = ""
    kind: str = ""  # "overdue", "evidence", "meetings", "release", "task"
    when: dt.datetime | None = None
