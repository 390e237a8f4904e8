"""Two rules the desk's logs share: "by the end of the working day" and numbering R-n / C-n."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from inspections import audit
from inspections.calendar import LONDON, add_working_days, is_working_day, to_utc
from inspections.models import Inspection
from inspections.services.errors import DomainError

END_OF_WORKING_DAY = dt.time(17, 0)
NUMBER_ATTEMPTS = 5


def end_of_working_day(moment: dt.datetime) -> dt.datetime:
    """17:00 London on the day of `moment` if that is a working day and it is before 17:00;
    otherwise 17:00 on the next working day (the evening, a weekend, a bank holiday)."""
    local = moment.astimezone(LONDON)
    day = local.date()
    if is_working_day(day) and local.time() < END_OF_WORKING_DAY:
        return to_utc(day, END_OF_WORKING_DAY)
    return to_utc(add_working_days(day, 1), END_OF_WORKING_DAY)


def create_numbered(model: Any, inspection: Inspection, **fields: Any) -> Any:
    """A new row numbered one past the inspection's last, under a lock on the inspection's row
    (PostgreSQL), and again on the rare clash the unique constraint catches (SQLite)."""
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                Inspection.objects.select_for_update().filter(pk=inspection.pk).first()
                last = model.objects.filter(inspection=inspection).aggregate(n=Max("number"))["n"]
                with audit.batch():
                    return model.objects.create(
                        inspection=inspection, number=(last or 0) + 1, **fields
                    )
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise DomainError("Too many logged at once: try again.") from None
    raise AssertionError("unreachable")
