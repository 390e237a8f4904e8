"""One writer at a time per inspection's timetable.

Every path that places, moves, cancels, confirms, marks absent, applies a solution or publishes
calls `lock_schedule` first, inside its transaction. The checks that follow then read every
change the previous writer committed, and nobody commits a change between the check and the
write. PostgreSQL holds the row lock until the transaction ends; SQLite has no row locks but
lets one writer at a time anyway.
"""

from __future__ import annotations

from django.db import transaction

from inspections.models import Inspection


def lock_schedule(inspection_id: int) -> None:
    """Lock the inspection row for the rest of the current transaction (waits for a holder).

    FOR NO KEY UPDATE: writers of this timetable queue behind each other, while rows that
    merely refer to the inspection (a task, an upload) can still be inserted meanwhile.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_schedule() holds a lock until commit: call it in a transaction.")
    Inspection.objects.select_for_update(no_key=True).only("pk").get(pk=inspection_id)
