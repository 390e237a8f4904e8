"""Service: one subscriber's feed, its ETag and Last-Modified.

A feed is a function of a few things read cheaply (`state`): the link, the published release (or,
for the deadlines feed, the latest change to tasks and requests) and whatever decides what the
subscriber may read. Its ETag and cache key are digests of exactly those, so a poll is answered
304 without building anything, and a feed is built once per release and subscriber
(calendars.feed_cache). A new release, a redaction change or a regenerated link is a new key:
nothing has to be deleted for a subscriber to see the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from calendars import feed_cache, feeds, sources
from calendars.models import FeedKind, FeedToken
from inspections.models import Inspection
from scheduling.snapshots import MeetingSnapshot

# Part of every key and ETag: bump it when the feed bytes change for the same inputs (what
# feeds.py writes, or what a state reads), so no cache or client keeps the old form.
SCHEMA = "feeds-2"


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str  # quoted, strong
    last_modified: dt.datetime
    filename: str


@dataclass(frozen=True)
class FeedState:
    """Everything one subscriber's feed is built from, short of the meetings themselves."""

    inspection: Inspection = field(compare=False)
    kind: str
    ref: str
    label: str
    link: tuple[object, ...]  # the link row: its id and secret's hash ((), unsaved)
    last_modified: dt.datetime
    release: sources.ReleaseInfo | None = None
    contact: str = ""  # room and venue feeds: whom building staff call
    scope: sources.PersonScope | None = None  # person feeds: whose children they may read
    marks: tuple[object, ...] = ()  # the deadlines feed: latest changes of what it reads

    @property
    def digest(self) -> str:
        release = self.release
        scope = self.scope
        parts = (
            SCHEMA,
            self.link,
            self.kind,
            self.ref,
            self.label,
            (self.inspection.pk, self.inspection.slug, self.inspection.title),
            self.last_modified.isoformat(),
            (getattr(release, "id", None), release.number, release.published_at.isoformat())
            if release
            else None,
            self.contact,
            (sorted(scope.case_types), sorted(scope.mine)) if scope else None,
            tuple(str(m) for m in self.marks),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @property
    def etag(self) -> str:
        return f'"{self.digest[:32]}"'

    @property
    def filename(self) -> str:
        return f"{self.inspection.slug}-{self.kind}{'-' + feeds.slug(self.ref) if self.ref else ''}.ics"


def state(
    inspection: Inspection, kind: str, ref: str, label: str, link: tuple[object, ...] = ()
) -> FeedState:
    """The feed's inputs in one to three small queries; no meetings are read."""
    # plain strings: FeedKind.PERSON and "person" must give one key (a key is a repr's digest)
    common = {
        "inspection": inspection,
        "kind": str(kind),
        "ref": str(ref),
        "label": str(label),
        "link": link,
    }
    if kind == FeedKind.DEADLINES:
        latest = sources.deadlines_state(inspection)
        return FeedState(**common, last_modified=latest.last_modified, marks=latest.marks)  # type: ignore[arg-type]
    release = sources.latest_release(inspection)
    stamp = release.published_at if release else inspection.created_at
    contact = sources.contact(inspection) if kind in (FeedKind.ROOM, FeedKind.VENUE) else ""
    scope = sources.person_scope(inspection, ref) if kind == FeedKind.PERSON else None
    return FeedState(**common, last_modified=stamp, release=release, contact=contact, scope=scope)  # type: ignore[arg-type]


def state_for_token(token: FeedToken) -> FeedState:
    return state(
        token.inspection, token.kind, token.ref, token.label, (token.pk, token.secret_hash)
    )


def _filter(kind: str, ref: str) -> Callable[[MeetingSnapshot], bool] | None:
    if kind in (FeedKind.INSPECTOR, FeedKind.PERSON):
        return feeds.attended_by(kind, ref)  # kind too: a person's ref may equal an inspector's
    if kind == FeedKind.ROOM:
        return feeds.in_room(ref)
    if kind == FeedKind.VENUE:
        return feeds.at_venue(ref)
    return None  # the whole inspection


def _audience(st: FeedState, meetings: list[MeetingSnapshot]) -> feeds.Audience:
    """What this kind of subscriber may read (inspectors and the whole inspection: all of it)."""
    if st.kind in (FeedKind.ROOM, FeedKind.VENUE):
        return feeds.for_building(st.contact)
    if st.kind == FeedKind.PERSON:
        assert st.scope is not None
        return feeds.for_person(st.kind, st.ref, sources.child_ids_in_scope(st.scope, meetings))
    return feeds.EVERYTHING


def build(st: FeedState) -> feed_cache.Built:
    """The feed's bytes, and whether they are the state's (so may be cached under its key)."""
    inspection = st.inspection
    name = f"{inspection.title}: {st.label}"
    if st.kind == FeedKind.DEADLINES:
        info = feeds.FeedInfo(
            name=name,
            stamp=st.last_modified,
            description="Dated deadlines of the inspection project team's task list",
            uid_scope=inspection.slug,
        )
        body = feeds.deadlines_feed(sources.deadlines(inspection), info)
        # Read after the state: a change since then is in the body, not in this key, so the
        # body is kept only when nothing moved meanwhile.
        latest = sources.deadlines_state(inspection)
        same = (latest.marks, latest.last_modified) == (st.marks, st.last_modified)
        return feed_cache.Built(body, cacheable=same)
    release = st.release
    meetings = sources.published_meetings(inspection) if release else []
    version = f"release v{release.number}" if release else "no release published yet"
    info = feeds.FeedInfo(
        name=name,
        stamp=st.last_modified,
        description=f"Inspection timetable, {version}",
        uid_scope=inspection.slug,
    )
    body = feeds.meetings_feed(
        meetings, info, include=_filter(st.kind, st.ref), audience=_audience(st, meetings)
    )
    # A release published between reading the state and the meetings: serve it, keep it not.
    same = release is not None and all(m.release == release.number for m in meetings)
    return feed_cache.Built(body, cacheable=same or (release is None and not meetings))


def rendered(st: FeedState, body: bytes) -> RenderedFeed:
    return RenderedFeed(
        body=body, etag=st.etag, last_modified=st.last_modified, filename=st.filename
    )


def render(inspection: Inspection, kind: str, ref: str, label: str) -> RenderedFeed:
    """A subscriber's feed built now (no cache): for checks that read every feed once."""
    st = state(inspection, kind, ref, label)
    return rendered(st, build(st).body)


def body_for(st: FeedState) -> bytes:
    """The feed's bytes: from the cache, or built once and kept under the state's key."""
    return feed_cache.get_or_build(st.digest, lambda: build(st))


def render_token(token: FeedToken) -> RenderedFeed:
    st = state_for_token(token)
    return rendered(st, body_for(st))
