"""The child ID -> allocated worker and team mapping, kept from the last finished check.

The check keeps counts and findings, never rows; the checker (annex_a.checker) notes just two
cells of the lists that carry "Allocated Worker" / "Allocated Team" (lists 3 to 9) beside each
valid child ID, with its own header rule, so no name and no date of birth is ever held. This
stores that mapping, replacing the last one whole.
"""

from __future__ import annotations

from django.db import transaction

from annex_a.checker import CheckReport
from annex_a.models import ChildAllocation, FileCheck


@transaction.atomic
def record_allocations(file_check: FileCheck, report: CheckReport) -> int:
    """Replace the inspection's mapping with this finished check's; returns the count.

    A check that read none of the lists carrying worker and team (one CSV of contacts, say)
    leaves the last mapping alone rather than wiping it."""
    file_check.refresh_from_db(fields=["status"])
    if file_check.status != "done" or not report.allocation_lists:
        return 0
    inspection_id = file_check.inspection_id
    ChildAllocation.objects.filter(inspection_id=inspection_id).delete()
    rows = [
        ChildAllocation(
            inspection_id=inspection_id,
            check_run=file_check,
            child_id=a.child_id,
            worker=a.worker,
            team=a.team,
            list_number=a.list_number,
        )
        for _, a in sorted(report.allocations.items())
    ]
    ChildAllocation.objects.bulk_create(rows, batch_size=500)
    return len(rows)
