"""The soak's accounts, and what its users can click on, read from the freshly loaded database.

Needs Django set up (benchmarks.soak.__main__ does that first). Every account gets the same
password hash, computed once: 50 PBKDF2 hashes would add half a minute of set-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore

from calendars import tokens
from calendars.feeds import slug as feed_slug
from evidence.models import Audit
from inspections.models import Inspection, Membership, Person, Role
from scheduling.models import Meeting, MeetingStatus, Mode, Room


@dataclass(frozen=True)
class MeetingInfo:
    pk: int
    mode: str
    venue_id: int | None
    days: tuple[int, ...]  # the days it may be placed on
    earliest: int  # minutes after midnight, UK time
    latest: int  # the latest end
    duration: int
    inspectors: tuple[str, ...]  # refs assigned at set-up (the soak never changes who)
    attendees: tuple[str, ...]
    room_id: int | None

    def starts(self) -> list[int]:
        """Every start on the planner's 15-minute grid that ends by `latest`."""
        return list(range(self.earliest, self.latest - self.duration + 1, 15))


@dataclass(frozen=True)
class TaskInfo:
    pk: int
    due_day: int
    status: str
    owner_ref: str


@dataclass(frozen=True)
class FeedInfo:
    kind: str
    ref: str
    path: str  # holds the secret: never printed


@dataclass
class Site:
    """One inspection's pages and objects."""

    slug: str
    last_day: int
    weeks: list[int]
    meetings: dict[int, MeetingInfo]
    rooms: list[tuple[int, int]]  # (room pk, venue pk), active rooms only
    room_keys: list[str]
    venue_keys: list[str]
    person_refs: list[str]
    child_ids: list[str]
    tasks: dict[int, TaskInfo] = field(default_factory=dict)
    feeds: list[FeedInfo] = field(default_factory=list)

    def movable(self) -> list[MeetingInfo]:
        return sorted(self.meetings.values(), key=lambda m: m.pk)

    def rooms_for(self, meeting: MeetingInfo) -> list[int]:
        return [pk for pk, venue in self.rooms if meeting.venue_id in (None, venue)]


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    slug: str
    person_ref: str = ""


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def load_site(slug: str, *, with_feeds: bool) -> Site:
    inspection = Inspection.objects.get(slug=slug)
    cal = inspection.calendar
    every_day = tuple(range(1, cal.last_day + 1))
    meetings: dict[int, MeetingInfo] = {}
    for m in Meeting.objects.for_inspection(inspection).with_people():
        if m.fixed_day is not None or m.fixed_time is not None:
            continue  # fixed meetings cannot be moved by hand to another slot
        if m.status == MeetingStatus.CANCELLED:
            continue
        meetings[m.pk] = MeetingInfo(
            pk=m.pk,
            mode=m.mode,
            venue_id=m.venue_id,
            days=tuple(d for d in (m.window_days or every_day) if 1 <= d <= cal.last_day),
            earliest=_minutes(m.earliest),
            latest=_minutes(m.latest),
            duration=m.duration,
            inspectors=tuple(sorted(i.ref for i in m.assigned_inspectors.all())),
            attendees=tuple(sorted(p.ref for p in m.attendees.all())),
            room_id=m.room_id if m.mode == Mode.IN_PERSON else None,
        )
    rooms = Room.objects.for_inspection(inspection).filter(active=True).select_related("venue")
    # the children the evidence pages know: the audits' (a meeting's child IDs may have none)
    child_ids = sorted(
        set(Audit.objects.for_inspection(inspection).values_list("child_id", flat=True))
    )
    site = Site(
        slug=slug,
        last_day=cal.last_day,
        weeks=sorted({cal.week_for_day(d) for d in every_day}),
        meetings=meetings,
        rooms=[(r.pk, r.venue_id) for r in rooms],
        room_keys=sorted({f"{feed_slug(r.venue.name)}--{feed_slug(r.name)}" for r in rooms}),
        venue_keys=sorted({feed_slug(r.venue.name) for r in rooms}),
        person_refs=list(
            Person.objects.filter(inspection=inspection)
            .order_by("ref")
            .values_list("ref", flat=True)
        ),
        child_ids=child_ids,
    )
    for task in inspection.tasks.select_related("owner").order_by("pk"):
        site.tasks[task.pk] = TaskInfo(
            task.pk, task.due_day, task.status, task.owner.ref if task.owner else ""
        )
    if with_feeds:
        site.feeds = [
            FeedInfo(sub.kind, sub.ref, tokens.feed_path(token))
            for sub, token in tokens.ensure_tokens(inspection)
            if not token.is_revoked
        ]
    return site


def create_accounts(plan: list[Account], password: str, *, form_sign_in: int) -> dict[str, str]:
    """The users and their memberships (a staff user is the council person named), and a
    signed-in session for all but every `form_sign_in`-th: those sign in through the form,
    the rest come back to the site still signed in from the day before. Returns
    username -> session key."""
    users = get_user_model()._default_manager
    hashed = make_password(password)
    inspections = {i.slug: i for i in Inspection.objects.all()}
    sessions = {}
    for n, account in enumerate(plan):
        user = users.create(username=account.username, password=hashed, is_active=True)
        inspection = inspections[account.slug]
        person = (
            Person.objects.get(inspection=inspection, ref=account.person_ref)
            if account.person_ref
            else None
        )
        Membership.objects.create(
            inspection=inspection, user=user, role=Role(account.role), person=person
        )
        if n % form_sign_in:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            sessions[account.username] = str(session.session_key)
    return sessions
