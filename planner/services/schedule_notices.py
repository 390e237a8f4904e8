"""The timetable's risks and changes for the dashboard.

Fixed cost: one count for the unplaced meetings, the draft's fingerprint (the clash check
itself runs only when the draft has changed since it last ran) and one query for the latest
release, whatever the size of the timetable.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.cache import cache
from django.urls import reverse

from inspections.models import Inspection
from planner.services.notices import Notice
from scheduling.fingerprint import draft_fingerprint
from scheduling.models import Meeting
from scheduling.planning import clash_messages
from scheduling.releases import latest_release

CLASHES_SHOWN = 5
# The key names the draft's content, so an entry is never stale: the timeout only frees room.
CLASHES_CACHED_SECONDS = 24 * 60 * 60

log = logging.getLogger(__name__)


def draft_clashes(inspection: Inspection) -> list[str]:
    """clash_messages of the draft, recomputed only when its fingerprint changes (any write
    to a meeting, its people, an absence, a room, venue, inspector or person). The fingerprint
    is read first: a write committed during the check leaves this entry under the old key."""
    key = f"draft-clashes:{inspection.pk}:{draft_fingerprint(inspection)}"
    try:
        problems: list[str] | None = cache.get(key)
    except Exception:  # a cache that is down costs the check, never the page
        log.warning("cache unavailable: checking the draft's clashes", exc_info=True)
        return clash_messages(inspection)
    if problems is None:
        problems = clash_messages(inspection)
        try:
            cache.set(key, problems, CLASHES_CACHED_SECONDS)
        except Exception:
            log.warning("cache unavailable: draft clashes not kept", exc_info=True)
    return problems


def schedule_risks(inspection: Inspection) -> list[Notice]:
    url = reverse("scheduling:meetings", kwargs={"slug": inspection.slug})
    notices = []
    unplaced = Meeting.objects.for_inspection(inspection).unplaced().count()
    if unplaced:
        s = "s" if unplaced != 1 else ""
        notices.append(
            Notice(f"{unplaced} meeting{s} not yet placed in the timetable", url, "meetings")
        )
    problems = draft_clashes(inspection)
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
