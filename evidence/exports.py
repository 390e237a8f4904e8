"""The library export: rows for inspections.exports.xlsx, the one renderer.

The first sheet's headers are the import's columns, so an exported workbook can be edited and
imported back (rows match on ref).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from evidence.models import DocumentStatus, LibraryDocument
from evidence.services.library import library_due_at, library_progress
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection

STATUS_LABELS = [str(label) for _, label in DocumentStatus.choices]
STATUS_COLOURS = {
    str(DocumentStatus.REQUESTED.label): "red",
    str(DocumentStatus.RECEIVED.label): "amber",
    str(DocumentStatus.QUALITY_ASSURED.label): "amber",
    str(DocumentStatus.UPLOADED.label): "green",
}
LIBRARY_COLUMNS = [
    Column("Ref", 24),
    Column("Title", 60, wrap=True),
    Column("Category", 24),
    Column("Owner", 24),
    Column("Status", 16, choices=STATUS_LABELS),
    Column("Notes", 40, wrap=True),
    Column("Owner email", 30),
    Column("Status changed", 18),
]
SUMMARY_COLUMNS = [Column("Status", 20), Column("Documents", 40)]


def library_rows(inspection: Inspection) -> Iterator[list[object]]:
    documents = LibraryDocument.objects.for_inspection(inspection).select_related("owner")
    for d in documents.iterator(chunk_size=1000):
        yield [
            d.ref,
            d.title,
            d.category,
            d.owner.full_name if d.owner else "",
            d.get_status_display(),
            d.notes,
            d.owner.email if d.owner else "",
            d.status_changed_at,
        ]


def summary_rows(inspection: Inspection) -> Iterator[list[object]]:
    progress = library_progress(inspection)
    for _, label, count in progress.by_status():
        yield [label, count]
    yield ["Total", progress.total]
    yield ["Progress", progress.label]
    yield ["Due", library_due_at(inspection)]
    if progress.risk:
        yield ["At risk", progress.risk]


def library_sheets(inspection: Inspection) -> Iterator[SheetSpec]:
    yield SheetSpec(
        "Library",
        LIBRARY_COLUMNS,
        library_rows(inspection),
        status_column="Status",
        status_colours=STATUS_COLOURS,
    )
    yield SheetSpec(
        "Summary", SUMMARY_COLUMNS, summary_rows(inspection), freeze_header=True, autofilter=False
    )


def export_library(inspection: Inspection, target: str | Path | IO[bytes]) -> None:
    render_workbook(library_sheets(inspection), target)


def library_workbook(inspection: Inspection) -> bytes:
    buffer = io.BytesIO()
    export_library(inspection, buffer)
    return buffer.getvalue()
