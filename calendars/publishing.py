"""Service: the bytes, ETag and Last-Modified of one subscriber's feed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from calendars import feeds, sources
from calendars.models import FeedKind, FeedToken
from inspections.models import Inspection
from scheduling.snapshots import MeetingSnapshot


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str  # quoted, strong
    last_modified: dt.datetime
    filename: str


def _filter(kind: str, ref: str) -> Callable[[MeetingSnapshot], bool] | None:
    if kind in (FeedKind.INSPECTOR, FeedKind.PERSON):
        return feeds.attended_by(kind, ref)  # kind too: a person's ref may equal an inspector's
    if kind == FeedKind.ROOM:
        return feeds.in_room(ref)
    if kind == FeedKind.VENUE:
        return feeds.at_venue(ref)
    return None  # the whole inspection


def _audience(
    inspection: Inspection, kind: str, ref: str, meetings: list[MeetingSnapshot]
) -> feeds.Audience:
    """What this kind of subscriber may read (inspectors and the whole inspection: all of it)."""
    if kind in (FeedKind.ROOM, FeedKind.VENUE):
        return feeds.for_building(sources.contact(inspection))
    if kind == FeedKind.PERSON:
        return feeds.for_person(kind, ref, sources.child_ids_known_to(inspection, ref, meetings))
    return feeds.EVERYTHING


def render(inspection: Inspection, kind: str, ref: str, label: str) -> RenderedFeed:
    name = f"{inspection.title}: {label}"
    if kind == FeedKind.DEADLINES:
        deadlines = sources.deadlines(inspection)
        stamps = [d.updated_at for d in deadlines if d.updated_at] or [inspection.updated_at]
        # a request sent leaves the feed: its change still moves Last-Modified on
        stamps += [at for at in [sources.requests_changed_at(inspection)] if at]
        stamp = max(stamps)
        info = feeds.FeedInfo(
            name=name,
            stamp=stamp,
            description="Dated deadlines of the inspection project team's task list",
            uid_scope=inspection.slug,
        )
        body = feeds.deadlines_feed(deadlines, info)
    else:
        release = sources.latest_release(inspection)
        meetings = sources.published_meetings(inspection) if release else []
        stamp = release.published_at if release else inspection.created_at
        version = f"release v{release.number}" if release else "no release published yet"
        info = feeds.FeedInfo(
            name=name,
            stamp=stamp,
            description=f"Inspection timetable, {version}",
            uid_scope=inspection.slug,
        )
        body = feeds.meetings_feed(
            meetings,
            info,
            include=_filter(kind, ref),
            audience=_audience(inspection, kind, ref, meetings),
        )
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    filename = f"{inspection.slug}-{kind}{'-' + feeds.slug(ref) if ref else ''}.ics"
    return RenderedFeed(body=body, etag=etag, last_modified=stamp, filename=filename)


def render_token(token: FeedToken) -> RenderedFeed:
    return render(token.inspection, token.kind, token.ref, token.label)
