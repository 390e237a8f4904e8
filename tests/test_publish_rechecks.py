"""Publishing checks every row it publishes: a published meeting that is no longer placed keeps
its old slot, and that slot must not be taken by another meeting meanwhile."""

import datetime as dt
from types import SimpleNamespace

import pytest

from inspections.calendar import to_utc
from inspections.models import Inspection, Inspector, Person
from scheduling.catalogue import load_meeting_types
from scheduling.editing import Proposal, mark_inspector_absent, move_meeting, set_status
from scheduling.models import Meeting, MeetingStatus, MeetingType, Room, Venue
from scheduling.planning import replan
from scheduling.releases import PublishRefused, latest_release, latest_release_meetings, publish

MONDAY = dt.date(2025, 6, 23)  # day 6, on site


def at(hh, mm=0):
    return to_utc(MONDAY, dt.time(hh, mm))


@pytest.fixture
def published(db):
    """v1 holds 'a' on Monday 10:00 in Room 1 with Inspector A; then A is off sick on Monday,
    the only day and the only inspector 'a' can have, so re-planning leaves 'a' unplaced."""
    load_meeting_types()
    insp = Inspection.objects.create(
        slug="kept", title="Kept", local_authority="Test", day_one=dt.date(2025, 6, 16)
    )
    hub = Venue.objects.create(inspection=insp, ref="hub", name="Hub", kind="hub")
    ns = SimpleNamespace(
        inspection=insp,
        room=Room.objects.create(venue=hub, ref="r1", name="Room 1", capacity=6),
        ia=Inspector.objects.create(
            inspection=insp, ref="ia", full_name="A", role="team", onsite_days=[6, 7]
        ),
        ib=Inspector.objects.create(
            inspection=insp, ref="ib", full_name="B", role="team", onsite_days=[6, 7]
        ),
    )
    case = MeetingType.objects.get(key="case_discussion")
    for ref, days, rule, needed in (("a", [6], "named", 0), ("b", [6, 7], "any", 1)):
        m = Meeting.objects.create(
            inspection=insp,
            ref=ref,
            meeting_type=case,
            title=ref,
            duration=60,
            mode="in_person",
            inspector_rule=rule,
            inspectors_needed=needed,
            window_days=days,
        )
        m.attendees.set(
            [Person.objects.create(inspection=insp, ref=f"p{ref}", full_name=f"P{ref}")]
        )
        setattr(ns, ref, m)
    ns.a.required_inspectors.set([ns.ia])
    ns.a = _move(ns.a, at(10), ns.room, ns.ia)
    publish(insp)
    mark_inspector_absent(insp, ns.ia, 6)
    replan(insp)
    assert Meeting.objects.get(pk=ns.a.pk).start is None
    return ns


def _move(meeting, start, room, inspector):
    meeting.refresh_from_db()
    return move_meeting(
        meeting, Proposal(start, room, (inspector,)), opened_version=meeting.version
    )


def test_a_kept_slot_taken_meanwhile_is_not_published(published):
    _move(published.b, at(10, 30), published.room, published.ib)  # a's old room and time
    with pytest.raises(PublishRefused) as exc:
        publish(published.inspection)
    assert exc.value.problems == ["Room 1, Hub is booked for 'a' and 'b' at once (day 6 10:30)."]
    assert latest_release(published.inspection).number == 1


def test_a_kept_slot_left_free_is_published_again(published):
    _move(published.b, at(11), published.room, published.ib)  # right after a's old slot
    release = publish(published.inspection)
    assert release.number == 2
    assert release.changelog["unplaced"] == ["a"]
    slots = {s.title: (s.start, s.room) for s in latest_release_meetings(published.inspection)}
    assert slots == {"a": (at(10), "Room 1"), "b": (at(11), "Room 1")}


def test_cancelling_the_kept_meeting_frees_its_slot_for_the_next_release(published):
    _move(published.b, at(10, 30), published.room, published.ib)
    a = Meeting.objects.get(pk=published.a.pk)
    set_status(a, MeetingStatus.CANCELLED, opened_version=a.version)
    release = publish(published.inspection)
    assert [e["title"] for e in release.changelog["cancelled"]] == ["a"]
    states = {s.title: (s.status, s.start) for s in latest_release_meetings(published.inspection)}
    assert states == {"a": ("cancelled", at(10)), "b": ("planned", at(10, 30))}
