"""The Annexe A export: a summary sheet and one sheet per list (checklist, then findings).

Exporters yield rows; inspections.exports.xlsx renders them. Child IDs only, never rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from annex_a.models import CHECKLIST, STATUS_RAG, Finding, ListStatus
from annex_a.services.lists import ListSummary, Summary, summarise
from inspections.calendar import LONDON
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection

STATUS_LABELS = [label for _, label in ListStatus.choices]
STATUS_COLOURS = {ListStatus(value).label: rag for value, rag in STATUS_RAG.items()}
DONE, NOT_DONE = "Done", "Not done"
SEVERITY_COLOURS = {DONE: "green", NOT_DONE: "red", "Error": "red", "Warning": "amber"}

SUMMARY_COLUMNS = [
    Column("List", 6),
    Column("Name", 30),
    Column("Owner", 24),
    Column("Status", 14, choices=STATUS_LABELS),
    Column("Rows", 10, number_format="#,##0"),
    Column("Findings", 10, number_format="#,##0"),
    Column("Due", 18),
    Column("Signed off", 18),
    Column("Period (months)", 10),
    Column("Notes", 40, wrap=True),
]
LIST_COLUMNS = [
    Column("Section", 11),
    Column("Item or column", 42, wrap=True),
    Column("Status", 11, choices=[DONE, NOT_DONE, "Error", "Warning"]),
    Column("Row", 8),
    Column("Child ID", 14),
    Column("Detail", 70, wrap=True),
]


def summary_rows(summary: Summary) -> Iterator[list[object]]:
    due = summary.due_at.astimezone(LONDON).replace(tzinfo=None)
    for item in summary.lists:
        lst = item.lst
        yield [
            lst.number,
            lst.name,
            lst.owner.full_name if lst.owner else "",
            lst.get_status_display(),
            lst.row_count,
            item.findings,
            due,
            lst.signed_off_at,
            lst.period_months,
            lst.notes,
        ]


def list_rows(item: ListSummary, summary: Summary) -> Iterator[list[object]]:
    lst = item.lst
    for field, label in CHECKLIST.items():
        detail = ""
        if field == "signed_off" and lst.signed_off_at:
            detail = f"Signed off {lst.signed_off_at.astimezone(LONDON):%d/%m/%Y %H:%M}"
        yield ["Checklist", label, DONE if getattr(lst, field) else NOT_DONE, None, "", detail]
    check = summary.latest_check
    if check is None:
        return
    findings = Finding.objects.filter(check_run=check, list_number=lst.number).order_by("row", "pk")
    for f in findings.iterator():
        yield ["Finding", f.column, f.severity.capitalize(), f.row, f.child_id, f.message]
    counts = check.list_counts.get(str(lst.number))
    if counts and counts["findings"] > findings.count():
        more = counts["findings"] - findings.count()
        yield ["Finding", "", "Warning", None, "", f"… and {more:,} more like those above"]


def annex_a_sheets(inspection: Inspection) -> Iterator[SheetSpec]:
    summary = summarise(inspection)
    yield SheetSpec(
        "Summary",
        SUMMARY_COLUMNS,
        summary_rows(summary),
        status_column="Status",
        status_colours=STATUS_COLOURS,
    )
    for item in summary.lists:
        yield SheetSpec(
            f"List {item.lst.number}",
            LIST_COLUMNS,
            list_rows(item, summary),
            status_column="Status",
            status_colours=SEVERITY_COLOURS,
        )


def export_annex_a(inspection: Inspection, target: str | Path | IO[bytes]) -> None:
    render_workbook(annex_a_sheets(inspection), target)
