"""The concerns export: the coordinator's only (no other export or feed lists a concern).
Rows for inspections.exports.xlsx, the one renderer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from desk.models import Concern, ConcernAction
from inspections.calendar import LONDON
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection

CONCERN_COLUMNS = [
    Column("Concern", 9),
    Column("Child ID", 14),
    Column("Raised by", 24),
    Column("Raised (UK time)", 18),
    Column("Response due (UK time)", 18),
    Column("What the inspector raised", 50, wrap=True),
    Column("Status", 10, choices=["Open", "Closed"]),
    Column("Outcome", 50, wrap=True),
    Column("Closed (UK time)", 18),
    Column("Closed by", 18),
]
ACTION_COLUMNS = [
    Column("Concern", 9),
    Column("Action", 50, wrap=True),
    Column("Owner", 24),
    Column("Due (UK time)", 18),
    Column("Done (UK time)", 18),
]


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(LONDON).replace(tzinfo=None) if moment else None


def concern_rows(inspection: Inspection) -> Iterator[list[object]]:
    concerns = Concern.objects.filter(inspection=inspection).select_related(
        "raised_by", "closed_by"
    )
    for c in concerns.order_by("number"):
        yield [
            c.label,
            c.child_id,
            c.raised_by.full_name if c.raised_by else "",
            _local(c.raised_at),
            _local(c.response_due_at),
            c.text,
            c.get_status_display(),
            c.outcome,
            _local(c.closed_at),
            c.closed_by.get_username() if c.closed_by else "",
        ]


def action_rows(inspection: Inspection) -> Iterator[list[object]]:
    actions = ConcernAction.objects.filter(concern__inspection=inspection).select_related(
        "concern", "owner"
    )
    for a in actions.order_by("concern__number", "pk"):
        yield [
            a.concern.label,
            a.text,
            a.owner.full_name if a.owner else "",
            _local(a.due_at),
            _local(a.done_at),
        ]


def concern_sheets(inspection: Inspection) -> Iterator[SheetSpec]:
    yield SheetSpec(
        "Concerns",
        CONCERN_COLUMNS,
        concern_rows(inspection),
        status_column="Status",
        status_colours={"Open": "red", "Closed": "green"},
    )
    yield SheetSpec("Actions", ACTION_COLUMNS, action_rows(inspection))


def export_concerns(inspection: Inspection, target: str | Path | IO[bytes]) -> None:
    render_workbook(concern_sheets(inspection), target)
