"""Each hard rule: a by-hand change built to break it is refused, in plain English; the planner
repairs a broken draft and explains what it cannot place."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from inspections.calendar import to_utc
from inspections.models import Inspection, Inspector, Person
from scheduling.catalogue import load_meeting_types
from scheduling.editing import PlanConflict, Proposal, mark_inspector_absent, move_meeting
from scheduling.models import Meeting, MeetingType, Room, Travel, Unavailability, Venue
from scheduling.planning import check_draft, plan

MONDAY = dt.date(2025, 6, 23)  # day 6, first on-site day


@pytest.fixture
def small(db):
    load_meeting_types()
    insp = Inspection.objects.create(
        slug="small", title="Small", local_authority="Test", day_one=dt.date(2025, 6, 16)
    )
    ns = SimpleNamespace(inspection=insp)
    ns.lead = Inspector.objects.create(
        inspection=insp, ref="lead", full_name="Rana Patel", role="lead", onsite_days=[6, 7]
    )
    ns.team = Inspector.objects.create(
        inspection=insp, ref="team", full_name="Amir Khan", role="team", onsite_days=[6, 7]
    )
    ns.sam = Person.objects.create(
        inspection=insp, ref="sam", full_name="Sam Ward", kind="practitioner"
    )
    ns.jo = Person.objects.create(
        inspection=insp, ref="jo", full_name="Jo Lee", kind="practitioner"
    )
    ns.shrewsbury = Venue.objects.create(inspection=insp, ref="shr", name="Guildhall", kind="hub")
    ns.ludlow = Venue.objects.create(
        inspection=insp, ref="lud", name="Ludlow office", kind="office"
    )
    Travel.objects.create(origin=ns.shrewsbury, destination=ns.ludlow, minutes=50)
    ns.big = Room.objects.create(
        venue=ns.shrewsbury, ref="big", name="Big room", capacity=10, equipment=["screen"]
    )
    ns.tiny = Room.objects.create(venue=ns.shrewsbury, ref="tiny", name="Tiny room", capacity=2)
    ns.teme = Room.objects.create(venue=ns.ludlow, ref="teme", name="Teme room", capacity=6)
    return ns


def meeting(
    ns,
    ref,
    *,
    kind="case_discussion",
    attendees=(),
    mode="in_person",
    venue=None,
    days=(6, 7),
    needed=1,
    **kw,
):
    mtype = MeetingType.objects.get(key=kind)
    m = Meeting.objects.create(
        inspection=ns.inspection,
        ref=ref,
        meeting_type=mtype,
        title=kw.pop("title", ref),
        duration=kw.pop("duration", 60),
        mode=mode,
        inspector_rule=kw.pop("rule", "any"),
        inspectors_needed=needed,
        window_days=list(days),
        venue=venue,
        **kw,
    )
    m.attendees.set(attendees)
    return m


def at(hh, mm=0, date=MONDAY):
    return to_utc(date, dt.time(hh, mm))


def place(m, start, room=None, inspectors=()):
    m.refresh_from_db()
    return move_meeting(m, Proposal(start, room, tuple(inspectors)), opened_version=m.version)


def refused(m, start, room=None, inspectors=()):
    with pytest.raises(PlanConflict) as exc:
        place(m, start, room, inspectors)
    return {v.rule for v in exc.value.violations}, [v.message for v in exc.value.violations]


def test_a_clean_move_is_saved(small):
    m = meeting(small, "a", attendees=[small.sam])
    saved = place(m, at(10), small.big, [small.team])
    assert saved.start == at(10) and saved.room == small.big and saved.version == 2


def test_inspector_in_two_meetings_at_once_is_refused(small):
    place(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    rules, messages = refused(
        meeting(small, "b", attendees=[small.jo]), at(10, 30), small.teme, [small.team]
    )
    assert "inspector_clash" in rules
    assert any("Amir Khan" in m for m in messages)


def test_person_in_two_meetings_at_once_is_refused(small):
    place(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    rules, messages = refused(
        meeting(small, "b", attendees=[small.sam]), at(10), small.tiny, [small.lead]
    )
    assert "person_clash" in rules
    assert any("Sam Ward" in m for m in messages)


def test_room_booked_twice_is_refused(small):
    place(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    rules, _ = refused(
        meeting(small, "b", attendees=[small.jo]), at(10, 30), small.big, [small.lead]
    )
    assert "room_clash" in rules


def test_room_too_small_is_refused(small):
    m = meeting(small, "group", kind="focus_group", attendees=[small.sam, small.jo])
    rules, messages = refused(m, at(10), small.tiny, [small.team])
    assert "room_capacity" in rules
    assert any("Tiny room, Guildhall holds 2 people" in msg for msg in messages)


def test_room_without_the_kit_is_refused(small):
    m = meeting(small, "a", attendees=[small.sam], equipment=["screen"])
    rules, _ = refused(m, at(10), small.teme, [small.team])
    assert "room_equipment" in rules


def test_travel_between_venues_must_fit(small):
    place(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    # Ludlow is 50 minutes from Shrewsbury; at 12:00 only 15 are left between the write-up
    # after "a" (to 11:15) and the reading before "b" (from 11:30).
    rules, messages = refused(
        meeting(small, "b", attendees=[small.jo]), at(12), small.teme, [small.team]
    )
    assert "travel" in rules
    assert any("50" in m for m in messages)


def test_outside_working_hours_is_refused(small):
    rules, _ = refused(meeting(small, "a", attendees=[small.sam]), at(17), small.big, [small.team])
    assert "window" in rules


def test_inspector_absent_that_day_is_refused(small):
    mark_inspector_absent(small.inspection, small.team, 6)
    rules, _ = refused(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    assert "inspector_unavailable" in rules


def test_fifth_case_meeting_in_a_day_is_refused(small, settings):
    # each with its 30 minutes' reading before and 15 minutes' write-up after
    starts = [at(9), at(10, 45), at(13, 0), at(14, 45)]
    for n, start in enumerate(starts):
        person = Person.objects.create(
            inspection=small.inspection, ref=f"p{n}", full_name=f"Worker {n}", kind="practitioner"
        )
        m = meeting(small, f"case{n}", attendees=[person], mode="teams")
        place(m, start, None, [small.team])
    fifth = meeting(small, "case5", attendees=[small.jo], mode="teams")
    rules, _ = refused(fifth, at(15, 30), None, [small.team])
    assert "case_limit" in rules


def test_fixed_time_is_kept(small):
    m = meeting(
        small,
        "feedback",
        kind="final_feedback",
        rule="lead",
        needed=0,
        days=[7],
        fixed_day=7,
        fixed_time=dt.time(14, 0),
        attendees=[small.sam],
    )
    m.required_inspectors.set([small.lead])
    rules, _ = refused(m, at(10, date=MONDAY + dt.timedelta(days=1)), small.big, [small.lead])
    assert "fixed_start" in rules or "window" in rules


def test_planner_repairs_a_draft_with_a_clash(small):
    a = meeting(small, "a", attendees=[small.sam])
    b = meeting(small, "b", attendees=[small.sam])
    place(a, at(10), small.big, [small.team])
    # Write a clash straight into the database, as an import or old data might.
    Meeting.objects.filter(pk=b.pk).update(
        start=at(10), end=at(11), room=small.tiny, status="planned"
    )
    b.assigned_inspectors.set([small.lead])
    assert check_draft(small.inspection)[0]
    result = plan(small.inspection, time_limit=120, deterministic_time=0.05)
    assert result.placed == 2
    assert check_draft(small.inspection)[0] == []


def test_impossible_meeting_is_reported_with_reasons(small):
    Person.objects.filter(pk=small.jo.pk)
    for day in (6, 7):
        Unavailability.objects.create(
            inspection=small.inspection,
            person=small.jo,
            reason="leave",
            start=to_utc(MONDAY + dt.timedelta(days=day - 6), dt.time(0)),
            end=to_utc(MONDAY + dt.timedelta(days=day - 5), dt.time(0)),
        )
    ok = meeting(small, "ok", attendees=[small.sam])
    blocked = meeting(
        small, "blocked", attendees=[small.jo], title="Case discussion: child C100001"
    )
    result = plan(small.inspection, time_limit=120, deterministic_time=0.05)
    assert ok.pk not in result.unplaced
    title, reasons = result.unplaced[blocked.pk]
    assert title == "Case discussion: child C100001"
    assert reasons and any("Jo Lee" in r for r in reasons)


def test_detail_page_explains_an_unplaced_meeting(small, client, django_user_model):

    for day in (6, 7):
        Unavailability.objects.create(
            inspection=small.inspection,
            person=small.jo,
            reason="court",
            start=to_utc(MONDAY + dt.timedelta(days=day - 6), dt.time(0)),
            end=to_utc(MONDAY + dt.timedelta(days=day - 5), dt.time(0)),
        )
    m = meeting(small, "blocked", attendees=[small.jo])
    client.force_login(
        django_user_model.objects.create_user(
            "c", password="a-long-test-password", is_superuser=True
        )
    )
    page = client.get(reverse("scheduling:meeting", args=[small.inspection.slug, m.pk]))
    assert page.status_code == 200
    assert "The planner cannot place this meeting" in page.content.decode()
    assert "Jo Lee" in page.content.decode()


def test_placed_and_unplaced_leave_out_cancelled_meetings(small):
    placed = place(meeting(small, "a", attendees=[small.sam]), at(10), small.big, [small.team])
    waiting = meeting(small, "b", attendees=[small.jo])
    off_with_slot = place(
        meeting(small, "c", attendees=[small.jo]), at(14), small.big, [small.lead]
    )
    Meeting.objects.filter(pk=off_with_slot.pk).update(status="cancelled")
    meeting(small, "d", attendees=[small.jo], status="cancelled")
    meetings = Meeting.objects.for_inspection(small.inspection)
    assert {m.ref for m in meetings.placed()} == {placed.ref}
    assert {m.ref for m in meetings.unplaced()} == {waiting.ref}
    # A cancelled meeting keeps its last slot, so a release can announce the cancellation.
    assert {m.ref for m in meetings.with_slot()} == {placed.ref, off_with_slot.ref}
