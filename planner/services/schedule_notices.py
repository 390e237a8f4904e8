"""The timetable's risks and changes for the dashboard.

Fixed cost: one count for the unplaced meetings, the draft's clash check and one query for
the latest release, whatever the size of the timetable.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from inspections.models import Inspection
from planner.services.notices import Notice
from scheduling.models import Meeting
from scheduling.planning import clash_messages
from scheduling.releases import latest_release

CLASHES_SHOWN = 5


def schedule_risks(inspection: Inspection) -> list[Notice]:
    url = reverse("scheduling:meetings", kwargs={"slug": inspection.slug})
    notices = []
    unplaced = Meeting.objects.for_inspection(inspection).unplaced().count()
    if unplaced:
        s = "s" if unplaced != 1 else ""
        notices.append(
            Notice(f"{unplaced} meeting{s} not yet placed in the timetable", url, "meetings")
        )
    problems = clash_messages(inspection)
    for problem in problems[:CLASHES_SHOWN]:
        notices.append(Notice(f"Clash: {problem}", url, "meetings"))
    if len(problems) > CLASHES_SHOWN:
        more = len(problems) - CLASHES_SHOWN
        notices.append(Notice(f"…and {more} more clashes", url, "meetings"))
    return notices


def release_changes(inspection: Inspection, now: dt.datetime) -> list[Notice]:
    latest = latest_release(inspection)
    if latest is None:
        return []
    url = reverse("scheduling:releases", kwargs={"slug": inspection.slug})
    text = f"Timetable {latest.label} published: {latest.change_summary()}"
    return [Notice(text, url, "release", latest.published_at)]
