"""The factual-accuracy comment log as a workbook: rows for inspections.exports.xlsx, the one
renderer."""

from __future__ import annotations

import io
from collections.abc import Iterator

from aftermath.models import CommentStatus, FactualAccuracyComment
from inspections.exports.xlsx import Column, SheetSpec, render_workbook
from inspections.models import Inspection

STATUS_LABELS = [str(label) for _, label in CommentStatus.choices]
STATUS_COLOURS = {
    str(CommentStatus.DRAFT.label): "amber",
    str(CommentStatus.AGREED.label): "amber",
    str(CommentStatus.SENT.label): "green",
    str(CommentStatus.ACCEPTED.label): "green",
    str(CommentStatus.NOT_ACCEPTED.label): "red",
}
COLUMNS = [
    Column("Paragraph", 12),
    Column("Point", 60, wrap=True),
    Column("Evidence", 50, wrap=True),
    Column("Agreed by", 24),
    Column("Status", 20, choices=STATUS_LABELS),
    Column("Sent", 18),
]


def comment_rows(inspection: Inspection) -> Iterator[list[object]]:
    for c in FactualAccuracyComment.objects.for_inspection(inspection):
        yield [
            c.paragraph,
            c.point,
            c.evidence,
            c.agreed_by.full_name if c.agreed_by else "",
            c.get_status_display(),
            c.sent_at,
        ]


def comments_workbook(inspection: Inspection) -> bytes:
    buffer = io.BytesIO()
    render_workbook(
        [
            SheetSpec(
                "Factual accuracy",
                COLUMNS,
                comment_rows(inspection),
                status_column="Status",
                status_colours=STATUS_COLOURS,
            )
        ],
        buffer,
    )
    return buffer.getvalue()
