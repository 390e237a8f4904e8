"""Invitations by e-mail, through a real SMTP server: v1 invites each attendee who does not
subscribe to a feed to each of their meetings (and sends no change notice); a meeting moved in
v2 is re-sent as METHOD:REQUEST with its UID and a higher SEQUENCE; a cancelled one as
METHOD:CANCEL; each parses with icalendar, names its organizer and only its recipient, and
carries no child ID of a meeting they are not in. A real `qcluster` worker sends a release's
messages."""

from __future__ import annotations

import io
import re

import time_machine
from django.core.management import call_command
from django_q.conf import Conf
from django_q.models import Task
from icalendar import Calendar
from smtp_server import mail_env, text_of
from test_notify_change_notices import (
    DETERMINISTIC,
    absent_and_replanned,
    before_fieldwork,
    changed_meetings,
    emails,
    is_invitation,
    notices,
    people_of,
    publish_and_send,
)
from test_notify_delivery import smtp  # noqa: F401 - the SMTP server fixture
from test_worker_real import Worker, _poll

from calendars import tokens
from calendars.models import FeedKind
from inspections.childids import hide_child_ids
from inspections.models import Inspection, Person
from notify.models import Message, MessageKind, MessageStatus
from scheduling.editing import set_status
from scheduling.models import Meeting, MeetingStatus, Release, ReleaseMeeting
from scheduling.planning import plan
from scheduling.releases import publish

FROM = "planner@la.example"


def calendar_of(message) -> tuple[Calendar, str]:
    """The invitation's calendar alternative, parsed, and its Content-Type; the attached
    invite.ics holds the same bytes."""
    [alternative] = [
        p
        for p in message.walk()
        if p.get_content_type() == "text/calendar" and not p.get_filename()
    ]
    [attached] = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    body = alternative.get_payload(decode=True)
    assert attached.get_payload(decode=True) == body
    assert attached.get_content_type() == "text/calendar"
    return Calendar.from_ical(body), alternative["Content-Type"]


def event_of(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def invitations(received) -> dict[tuple[str, str], Calendar]:
    """Each invitation received by (address, UID)."""
    out = {}
    for message in received:
        if is_invitation(message):
            cal, _ = calendar_of(message)
            key = (message["To"], str(event_of(cal)["UID"]))
            assert key not in out, f"two invitations for {key}"
            out[key] = cal
    return out


def test_v1_invites_everyone_who_does_not_subscribe_and_sends_no_change_notice(
    scenario,
    smtp,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.DEFAULT_FROM_EMAIL = f"ILACS planner <{FROM}>"
    inspection = scenario
    plan(inspection, **DETERMINISTIC, fresh=True)
    # Feed links: one shown (handed out), one regenerated (the page shows the new link), one
    # shown then revoked, one made but never shown. Only the first two subscribe.
    links = {(t.kind, t.ref): t for _, t in tokens.ensure_tokens(inspection)}
    attending = Person.objects.filter(inspection=inspection, meetings__isnull=False)
    people = [("person", ref) for ref in attending.exclude(email="").values_list("ref", flat=True)]
    shown, regenerated, revoked, unshown = sorted(set(people))[:4]
    tokens.show(links[shown])
    tokens.regenerate(links[regenerated])
    tokens.revoke(tokens.show(links[revoked]))
    inspector = ("inspector", inspection.inspectors.order_by("ref")[0].ref)
    tokens.show(links[inspector])
    subscribed = {shown, regenerated, inspector}

    v1 = publish_and_send(inspection, django_capture_on_commit_callbacks)

    address = emails(inspection)
    rows = ReleaseMeeting.objects.filter(release=v1).exclude(status=MeetingStatus.CANCELLED)
    expected = {
        (address[who], row.uid): row
        for row in rows
        for who in people_of(row)
        if address[who] and who not in subscribed
    }
    got = invitations(smtp.received)
    assert set(got) == set(expected)
    invited = {to for to, _ in got}
    assert {address[unshown], address[revoked]} <= invited
    assert not {address[w] for w in subscribed} & invited
    assert notices(smtp.received) == {}
    assert not Message.objects.filter(kind=MessageKind.CHANGE_NOTICE).exists()
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}

    every_id = {c for row in ReleaseMeeting.objects.filter(release=v1) for c in row.child_ids}
    for (to, uid), cal in got.items():
        row = expected[(to, uid)]
        event = event_of(cal)
        assert str(cal["METHOD"]) == "REQUEST"
        assert (str(event["UID"]), int(event["SEQUENCE"])) == (row.uid, 0)
        assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (row.start, row.end)
        for name in ("DTSTART", "DTEND", "DTSTAMP"):  # written in UTC, no TZID to resolve
            assert event[name].to_ical().endswith(b"Z") and "TZID" not in event[name].params
        # a person's copy hides the child IDs their feed would (those they do not work with)
        assert str(event["SUMMARY"]) in (row.title, hide_child_ids(row.title, row.child_ids))
        assert str(event["STATUS"]) in ("TENTATIVE", "CONFIRMED")
        assert str(event["ORGANIZER"]) == f"mailto:{FROM}"
        assert event.decoded("DTSTAMP") == v1.published_at.replace(microsecond=0)
        assert "LOCATION" in event
        # the recipient alone, by address: nobody else's address travels
        assert str(event["ATTENDEE"]) == f"mailto:{to}"
        # child IDs only of the meeting the recipient is in, never another's
        shown_ids = set(re.findall(r"\b[A-Z]\d{4,}\b", cal.to_ical().decode()))
        assert shown_ids & every_id <= set(row.child_ids)


def test_a_moved_meeting_is_sent_again_as_a_request_with_its_uid_and_a_higher_sequence(
    published,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    inspection = published
    v1 = Release.objects.get(inspection=inspection, number=1)
    absent, _ = absent_and_replanned(inspection)

    v2 = publish_and_send(inspection, django_capture_on_commit_callbacks)

    address = emails(inspection)
    changed = changed_meetings(v1, v2)
    expected = {
        (address[who], row.uid) for who, rows in changed.items() for row, _ in rows if address[who]
    }
    got = invitations(smtp.received)
    assert set(got) == expected  # only the changed meetings, to each of their people
    row, was, who = next(
        (row, was, who)
        for who, rows in sorted(changed.items())
        for row, was in rows
        if was is not None and was.start != row.start and who in people_of(row) & people_of(was)
    )
    cal = got[(address[who], row.uid)]
    event = event_of(cal)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == row.uid == was.uid
    assert int(event["SEQUENCE"]) == row.sequence > was.sequence
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (row.start, row.end)
    assert str(event["ATTENDEE"]) == f"mailto:{address[who]}"
    # this meeting's message: the same person may also have another meeting cancelled
    message = next(
        m
        for m in smtp.received
        if m["To"] == address[who]
        and is_invitation(m)
        and str(event_of(calendar_of(m)[0])["UID"]) == row.uid
    )
    _, content_type = calendar_of(message)
    assert content_type.replace('"', "") == "text/calendar; method=REQUEST; charset=utf-8"
    assert message.get_content_type() == "multipart/mixed"
    assert "Updated invitation: " + row.title in message["Subject"]
    assert "This meeting has moved" in text_of(message)
    # The absent inspector, taken off a meeting, has their copy of it cancelled.
    off = [(row, was) for row, was in changed[absent] if absent not in people_of(row)]
    assert off
    for row, was in off:
        cal = got[(address[absent], row.uid)]
        event = event_of(cal)
        assert (str(cal["METHOD"]), int(event["SEQUENCE"])) == ("CANCEL", row.sequence)
        assert event.decoded("DTSTART") == was.start


def test_a_cancelled_meeting_is_sent_as_a_cancel(
    published,
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    inspection = published
    v1 = Release.objects.get(inspection=inspection, number=1)
    rows = ReleaseMeeting.objects.filter(release=v1).order_by("start", "meeting_pk")
    row = next(r for r in rows if r.attendees and r.inspectors)
    meeting = Meeting.objects.get(pk=row.meeting_pk)
    set_status(meeting, MeetingStatus.CANCELLED, opened_version=meeting.version)

    v2 = publish_and_send(inspection, django_capture_on_commit_callbacks)

    cancelled = ReleaseMeeting.objects.get(release=v2, meeting_pk=row.meeting_pk)
    address = emails(inspection)
    attendees = {address[w] for w in people_of(row) if address[w]}
    got = invitations(smtp.received)
    assert set(got) == {(to, row.uid) for to in attendees}
    for cal in got.values():
        event = event_of(cal)
        assert (str(cal["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
        assert str(event["UID"]) == row.uid
        assert int(event["SEQUENCE"]) == cancelled.sequence > row.sequence
    assert notices(smtp.received) == {to: [("Cancelled", row.title)] for to in attendees}


def test_a_real_qcluster_worker_sends_a_releases_messages(
    transactional_db,
    smtp,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """publish() queues each release's job through the broker, and a `qcluster` subprocess
    runs them and the sends they queue. Everyone but the absent inspector subscribes to a feed
    before the worker starts (a job reads who subscribes when it runs), so only they get
    invitations: to their meetings of v1, and again to those v2 changed."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    inspection = Inspection.objects.get(slug="shropshire-2025")
    plan(inspection, **DETERMINISTIC, fresh=True)
    with time_machine.travel(before_fieldwork(inspection)):
        v1 = publish(inspection)
    absent, _ = absent_and_replanned(inspection)
    for _, token in tokens.ensure_tokens(inspection):
        if (
            token.kind in (FeedKind.PERSON, FeedKind.INSPECTOR)
            and (token.kind, token.ref) != absent
        ):
            tokens.show(token)
    with time_machine.travel(before_fieldwork(inspection)):
        v2 = publish(inspection)
    address = emails(inspection)
    changed = changed_meetings(v1, v2)
    expected = {
        address[w]: sorted(r.title for r, _ in rows) for w, rows in changed.items() if address[w]
    }
    media = tmp_path / "media"
    media.mkdir()
    worker = Worker("orm", media, tmp_path / "qcluster.log")
    try:
        worker.start(extra=mail_env(smtp.port, FROM))
        done = Task.objects.filter(func="notify.tasks.send_release_messages", success=True)
        _poll(lambda: done.count(), lambda n: n == 2, worker)
        pending = Message.objects.exclude(status=MessageStatus.SENT)
        _poll(lambda: pending.count(), lambda n: n == 0, worker)
    finally:
        worker.stop()

    got = notices(smtp.received)
    assert {to: sorted(t for _, t in items) for to, items in got.items()} == expected
    invited = sorted(m["To"] for m in smtp.received if is_invitation(m))
    live = ReleaseMeeting.objects.filter(release=v1).exclude(status=MeetingStatus.CANCELLED)
    in_v1 = [row for row in live if absent in people_of(row)]
    assert invited == [address[absent]] * (len(in_v1) + len(changed[absent]))
