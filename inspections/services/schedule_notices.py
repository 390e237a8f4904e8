"""Risks and changes from the timetable, read from the scheduling app's models when present.

Fixed cost: two queries for the risks and one for the latest release, whatever the size of
the timetable. A clash check the scheduling app names in settings.SCHEDULE_CLASH_CHECK
((inspection) -> list of problems as text) is shown as well.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from inspections.models import Inspection
from scheduling.models import Meeting, MeetingStatus, Release


def schedule_risks(inspection: Inspection, now: dt.datetime) -> list[Any]:
    from inspections.services.dashboard import Notice

    url = reverse("scheduling:meetings", kwargs={"slug": inspection.slug})
    notices = []
    active = Meeting.objects.filter(inspection=inspection).exclude(status=MeetingStatus.CANCELLED)
    unplaced = active.filter(start__isnull=True).count()
    if unplaced:
        s = "s" if unplaced != 1 else ""
        notices.append(
            Notice(f"{unplaced} meeting{s} not yet placed in the timetable", url, "meetings")
        )
    if settings.SCHEDULE_CLASH_CHECK:
        problems = list(import_string(settings.SCHEDULE_CLASH_CHECK)(inspection))
        for problem in problems[:5]:
            notices.append(Notice(f"Clash: {problem}", url, "meetings"))
        if len(problems) > 5:
            notices.append(Notice(f"…and {len(problems) - 5} more clashes", url, "meetings"))
    return notices


CHANGELOG_LABELS = {
    "moved": "moved",
    "new": "new",
    "cancelled": "cancelled",
    "changed": "with people changed",
    "affected": "people affected",
    "unplaced": "not placed",
}


def _changelog_lines(changelog: Any) -> list[str]:
    """A release changelog as short lines, whatever its exact shape (dict of lists or counts)."""
    lines: list[str] = []
    if isinstance(changelog, dict):
        for key, value in changelog.items():
            label = CHANGELOG_LABELS.get(str(key), str(key).replace("_", " "))
            if isinstance(value, list):
                if value:
                    lines.append(f"{len(value)} {label}")
            elif isinstance(value, int | str) and value:
                lines.append(f"{label}: {value}")
    elif isinstance(changelog, list):
        lines = [str(item.get("summary") if isinstance(item, dict) else item) for item in changelog]
    return lines[:6]


def release_changes(inspection: Inspection, now: dt.datetime) -> list[Any]:
    from inspections.services.dashboard import Notice

    latest = Release.objects.filter(inspection=inspection).order_by("-number").first()
    if latest is None:
        return []
    detail = "; ".join(_changelog_lines(getattr(latest, "changelog", None))) or "first release"
    url = reverse("scheduling:releases", kwargs={"slug": inspection.slug})
    return [
        Notice(
            f"Timetable v{latest.number} published: {detail}",  # type: ignore[attr-defined]
            url,
            "release",
            getattr(latest, "published_at", None),
        )
    ]
