"""The meetings part of the daysheet JSON: a day's meetings of the latest release (or the draft)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from inspections.calendar import LONDON
from inspections.models import Inspection
from scheduling.releases import draft_meetings, latest_release_meetings
from scheduling.snapshots import MeetingSnapshot


def snapshot_json(s: MeetingSnapshot, slug: str = "") -> dict[str, Any]:
    return {
        "uid": s.uid,
        "meeting_id": s.meeting_id,
        "url": reverse("scheduling:meeting", kwargs={"slug": slug, "pk": s.meeting_id})
        if slug
        else None,
        "title": s.title,
        "type": s.meeting_type,
        "start": s.start.astimezone(LONDON).isoformat(),
        "end": s.end.astimezone(LONDON).isoformat(),
        "venue": s.venue,
        "room": s.room,
        "mode": s.mode,
        "teams_url": s.teams_url or None,
        "inspectors": [a.name for a in s.inspectors],
        "attendees": [a.name for a in s.attendees],
        "family_count": s.family_count,
        "child_ids": list(s.child_ids),
        "status": s.status,
        "sequence": s.sequence,
        "release": s.release,
    }


def snapshots_for_day(
    inspection: Inspection, date: dt.date, draft: bool = False
) -> list[MeetingSnapshot]:
    """A day's meetings of the latest release (or of the draft), by start."""
    if draft:
        return draft_meetings(inspection, on=date)
    return latest_release_meetings(inspection, on=date)


def meetings_for_day(
    inspection: Inspection, date: dt.date, draft: bool = False
) -> list[dict[str, Any]]:
    return [snapshot_json(s, inspection.slug) for s in snapshots_for_day(inspection, date, draft)]
