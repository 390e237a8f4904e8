"""Change notices per release: after an inspector's day of absence and a re-plan, publishing v2
e-mails each person and inspector whose meetings changed exactly one notice, through a real SMTP
server, listing only their changes; nobody else gets one; the task run again sends nothing; and
someone who chose the digest only gets none. (v1 sends none: tests/test_notify_invitations.py.)

What "changed" means is computed here from the two releases' rows alone: a meeting new in v2,
or whose time, place, status, chair or people differ from v1's row, changes for everyone in
it in either release."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import time_machine
from smtp_server import text_of
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture

from inspections.calendar import LONDON, local_date, to_utc
from inspections.models import Inspection
from notify.models import Choice, Message, MessageKind, MessageStatus, Preference
from notify.tasks import send_release_messages
from scheduling.editing import mark_inspector_absent
from scheduling.models import Release, ReleaseMeeting
from scheduling.planning import replan
from scheduling.releases import publish

DETERMINISTIC = {"time_limit": 120.0, "deterministic_time": 0.05, "seed": 0}
ITEM = re.compile(r"^\* (Added|Removed|Cancelled|Moved|Changed): (.+)$", re.M)

Who = tuple[str, str]  # (kind, ref)


def absent_and_replanned(inspection: Inspection) -> tuple[Who, set[int]]:
    """The inspector with the busiest on-site day of v1 falls ill that day; the draft is
    re-planned with the fewest moves. Their (kind, ref) and that day's meetings of theirs."""
    busiest: dict[tuple[str, int], set[int]] = defaultdict(set)
    for row in ReleaseMeeting.objects.filter(release__inspection=inspection, release__number=1):
        day = inspection.calendar.day_for_date(local_date(row.start))
        for a in row.inspectors:
            busiest[(a["ref"], day)].add(row.meeting_pk)
    (ref, day), hit = max(busiest.items(), key=lambda kv: (len(kv[1]), kv[0]))
    mark_inspector_absent(inspection, inspection.inspectors.get(ref=ref), day)
    replan(inspection, **DETERMINISTIC)
    return ("inspector", ref), hit


def before_fieldwork(inspection: Inspection) -> dt.datetime:
    """08:00 on day 1, the morning of the call: every meeting of the plan is still to come."""
    return to_utc(inspection.calendar.date_for_day(1), dt.time(8))


def publish_and_send(inspection: Inspection, capture) -> Release:
    """Publish as the releases page does on the day of the call, and run what its commit sets
    off (the signal, the task, the sends: background jobs run inline in the tests)."""
    with time_machine.travel(before_fieldwork(inspection)), capture(execute=True):
        return publish(inspection)


def people_of(row: ReleaseMeeting | None) -> set[Who]:
    if row is None:
        return set()
    return {(a["kind"], a["ref"]) for a in (*row.inspectors, *row.attendees)}


def visible(row: ReleaseMeeting) -> tuple[object, ...]:
    place = (row.mode, row.venue, row.room)
    return (row.start, row.end, place, row.status, row.chair, sorted(people_of(row)))


def changed_meetings(
    v1: Release, v2: Release
) -> dict[Who, list[tuple[ReleaseMeeting, ReleaseMeeting | None]]]:
    """Each person's meetings that v2 changed: (v2's row, v1's row or None), from the rows."""
    old = {r.meeting_pk: r for r in v1.meetings.all()}
    out: dict[Who, list[tuple[ReleaseMeeting, ReleaseMeeting | None]]] = defaultdict(list)
    for row in v2.meetings.all():
        was = old.get(row.meeting_pk)
        if was is not None and visible(was) == visible(row):
            continue
        for who in people_of(row) | people_of(was):
            out[who].append((row, was))
    return out


def emails(inspection: Inspection) -> dict[Who, str]:
    out = {("person", p.ref): p.email for p in inspection.people.all()}
    out |= {("inspector", i.ref): i.email for i in inspection.inspectors.all()}
    return out


def is_invitation(message) -> bool:
    return any(p.get_content_type() == "text/calendar" for p in message.walk())


def notices(received) -> dict[str, list[tuple[str, str]]]:
    """Each change notice received, by address: its (heading, title) items, in order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for message in received:
        if is_invitation(message):
            continue
        assert message["To"] not in out, f"two change notices to {message['To']}"
        out[message["To"]] = ITEM.findall(text_of(message))
    return out


def hm(moment) -> str:
    return f"{moment.astimezone(LONDON):%H:%M}"


def test_v2_after_an_absence_notifies_exactly_the_people_whose_meetings_changed(
    published,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    inspection = published
    v1 = Release.objects.get(inspection=inspection, number=1)
    absent, hit = absent_and_replanned(inspection)

    v2 = publish_and_send(inspection, django_capture_on_commit_callbacks)

    address = emails(inspection)
    changed = changed_meetings(v1, v2)
    expected = {
        address[who]: sorted(row.title for row, _ in rows)
        for who, rows in changed.items()
        if address[who]
    }
    got = notices(smtp.received)
    assert absent in changed and len(expected) > len(hit)  # the absence changed things
    assert {to: sorted(title for _, title in items) for to, items in got.items()} == expected
    assert Message.objects.filter(kind=MessageKind.CHANGE_NOTICE).count() == len(expected)

    # Each item says what changed for that person: the absent inspector is taken off the
    # meetings they are no longer in; a moved meeting gives its new time.
    mine = dict((title, heading) for heading, title in got[address[absent]])
    for row, _ in changed[absent]:
        if absent not in people_of(row):
            assert mine[row.title] == "Removed"
    moved = next(
        (row, was, who)
        for who, rows in sorted(changed.items())
        for row, was in rows
        if was is not None and was.start != row.start and who in people_of(row) & people_of(was)
    )
    row, was, who = moved
    text = text_of(
        next(m for m in smtp.received if m["To"] == address[who] and not is_invitation(m))
    )
    assert f"* Moved: {row.title}" in text
    assert f"{hm(row.start)} to {hm(row.end)} (was " in text and f"{hm(was.start)} to" in text

    # The task run again (a retry, a second worker): nothing recorded or sent twice.
    count, sent = Message.objects.count(), len(smtp.received)
    send_release_messages(v2.pk)
    assert (Message.objects.count(), len(smtp.received)) == (count, sent)


def test_someone_who_chose_the_digest_only_gets_no_change_notice(
    published,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    inspection = published
    absent, _ = absent_and_replanned(inspection)
    inspector = inspection.inspectors.get(ref=absent[1])
    Preference.objects.create(inspector=inspector, choice=Choice.DIGEST_ONLY)

    publish_and_send(inspection, django_capture_on_commit_callbacks)

    theirs = Message.objects.filter(inspector=inspector)
    assert set(theirs.values_list("kind", "status")) == {
        (MessageKind.CHANGE_NOTICE, MessageStatus.SKIPPED),
        (MessageKind.INVITATION, MessageStatus.SKIPPED),
    }
    assert theirs.filter(kind=MessageKind.CHANGE_NOTICE).count() == 1
    assert inspector.email not in {m["To"] for m in smtp.received}
    assert notices(smtp.received)  # everyone else affected still hears


def test_a_release_published_after_the_meetings_tells_nobody(
    published,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Re-published once the fieldwork is over (today, long after June 2025), v2's changes are
    all to meetings that have happened: no notice, no invitation."""
    inspection = published
    absent_and_replanned(inspection)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = publish(inspection)

    assert v2.changelog["affected"] != []
    assert (Message.objects.count(), smtp.received) == (0, [])
