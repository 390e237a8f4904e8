"""The requests log as Excel (for the KIT): rows for inspections.exports.xlsx, the one renderer.
Child IDs only, as the log holds them; the export is the coordinator's."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from desk.models import InformationRequest, RequestStatus
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection

STATUS_LABELS = [str(label) for _, label in RequestStatus.choices]
STATUS_COLOURS = {
    str(RequestStatus.NEW.label): "red",
    str(RequestStatus.ASKED_AGAIN.label): "red",
    str(RequestStatus.IN_HAND.label): "amber",
    str(RequestStatus.SENT.label): "green",
    str(RequestStatus.CLOSED.label): "green",
}
REQUEST_COLUMNS = [
    Column("Number", 9),
    Column("Request", 60, wrap=True),
    Column("Inspector", 24),
    Column("Received (UK time)", 18),
    Column("Due (UK time)", 18),
    Column("Owner", 24),
    Column("Status", 18, choices=STATUS_LABELS),
    Column("Times asked", 8),
    Column("Child ID", 14),
    Column("Meeting", 30),
    Column("Library document", 30),
    Column("Line of enquiry", 14),
    Column("Response", 60, wrap=True),
    Column("Sent (UK time)", 18),
    Column("Closed (UK time)", 18),
]


def request_rows(inspection: Inspection) -> Iterator[list[object]]:
    rows = (
        InformationRequest.objects.filter(inspection=inspection)
        .select_related("inspector", "owner", "meeting", "document", "line")
        .order_by("number")
    )
    for r in rows.iterator(chunk_size=500):
        yield [
            r.label,
            r.text,
            r.inspector.full_name if r.inspector else "",
            r.received_at,
            r.due_at,
            r.owner.full_name if r.owner else "",
            r.get_status_display(),
            r.times_asked,
            r.child_id,
            r.meeting.title if r.meeting else "",
            r.document.title if r.document else "",
            r.line.ref if r.line else "",
            r.response,
            r.sent_at,
            r.closed_at,
        ]


def request_sheets(inspection: Inspection) -> Iterator[SheetSpec]:
    yield SheetSpec(
        "Requests",
        REQUEST_COLUMNS,
        request_rows(inspection),
        status_column="Status",
        status_colours=STATUS_COLOURS,
    )


def export_requests(inspection: Inspection, target: str | Path | IO[bytes]) -> None:
    render_workbook(request_sheets(inspection), target)


def requests_workbook(inspection: Inspection) -> bytes:
    buffer = io.BytesIO()
    export_requests(inspection, buffer)
    return buffer.getvalue()
