"""Practice observations: an existing council meeting an inspector joins, at its own fixed
time; its chair is the contact; a family present must say whether they agree."""

import datetime as dt
import html

import icalendar
import pytest
from calendars_snapshots import PUBLISHED, snapshot
from django.test import Client
from django.urls import reverse

from calendars import feeds, tokens
from calendars.models import FeedKind
from inspections.calendar import LONDON, to_utc
from inspections.models import Inspection, Inspector, Person, PersonKind, Role
from scheduling.catalogue import load_meeting_types
from scheduling.creating import MeetingInvalid, NewMeeting, add_meeting
from scheduling.editing import Proposal, check_proposal
from scheduling.models import FamilyConsent, Meeting, MeetingType, Room, Venue
from scheduling.observations import (
    NewObservation,
    ObservationInvalid,
    add_observation,
    record_consent,
)
from scheduling.planning import check_draft, plan
from scheduling.releases import PublishRefused, publish

BUDGET = {"time_limit": 120.0, "deterministic_time": 0.05, "seed": 0}
DAY_ONE = dt.date(2025, 6, 16)
DAY_7 = dt.date(2025, 6, 24)  # Tuesday, on site


@pytest.fixture
def inspection(db):
    load_meeting_types()
    insp = Inspection.objects.create(
        slug="observed", title="Observed", local_authority="Testshire", day_one=DAY_ONE
    )
    for ref, role in (("lead", "lead"), ("ia", "team"), ("ib", "team")):
        Inspector.objects.create(
            inspection=insp,
            ref=ref,
            full_name=f"Inspector {ref.upper()}",
            role=role,
            onsite_days=list(range(6, 16)),
        )
    Person.objects.create(
        inspection=insp,
        ref="chair-cp",
        full_name="Sam Chair",
        kind=PersonKind.PRACTITIONER,
        job_title="Independent chair",
        team="Safeguarding",
        phone="01743 000111",
        email="sam.chair@example.org",
    )
    Person.objects.create(
        inspection=insp,
        ref="sw-1",
        full_name="Pat Worker",
        kind=PersonKind.PRACTITIONER,
        job_title="Social worker",
        team="Assessment",
    )
    hub = Venue.objects.create(inspection=insp, ref="hub", name="Shirehall", kind="hub")
    Room.objects.create(venue=hub, ref="r1", name="Room 1", capacity=8)
    # other fieldwork on the same day, competing for the inspectors
    case = MeetingType.objects.get(key="case_discussion")
    for n in range(4):
        m = Meeting.objects.create(
            inspection=insp,
            ref=f"case-{n}",
            meeting_type=case,
            title=f"Case {n}",
            duration=60,
            mode="in_person",
            inspector_rule="any",
            inspectors_needed=1,
            window_days=[7],
        )
        m.attendees.set([Person.objects.get(inspection=insp, ref="sw-1")])
    return insp


def _form(**overrides):
    data = {
        "meeting_type": "obs_child_protection_conference",
        "title": "Initial child protection conference: child C104233",
        "day": "7",
        "time": "10:00",
        "duration": "",
        "mode": "visit",
        "venue": "hub",
        "inspector_rule": "any",
        "inspectors_needed": "1",
        "chair": "chair-cp",
        "attendees": ["sw-1"],
        "family_count": "2",
        "family_consent": "to_ask",
        "child_ids": "C104233",
    }
    data.update(overrides)
    return data


def test_the_page_adds_a_fixed_observation_with_its_chair(inspection, staff_client):
    url = reverse("scheduling:observation-new", args=[inspection.slug])
    assert (
        "Practice observation: child protection conference"
        in staff_client.get(url).content.decode()
    )
    response = staff_client.post(url, _form())
    assert response.status_code == 302
    meeting = Meeting.objects.with_people().get(title__startswith="Initial child protection")
    assert response["Location"] == reverse("scheduling:meeting", args=[inspection.slug, meeting.pk])
    assert (meeting.fixed_day, meeting.fixed_time, meeting.duration) == (7, dt.time(10), 90)
    assert (meeting.window_days, meeting.earliest, meeting.latest) == (
        [7],
        dt.time(10),
        dt.time(11, 30),
    )
    assert (meeting.inspector_rule, meeting.inspectors_needed, meeting.status) == (
        "any",
        1,
        "draft",
    )
    assert (meeting.chair.ref, meeting.family_count, meeting.family_consent) == (
        "chair-cp",
        2,
        "to_ask",
    )
    assert sorted(p.ref for p in meeting.attendees.all()) == ["chair-cp", "sw-1"]
    assert meeting.child_ids == ["C104233"]
    page = staff_client.get(response["Location"]).content.decode()
    chair = page.split('id="meeting-chair">')[1].split("</dd>")[0]
    assert chair == (
        "Sam Chair (Independent chair, Safeguarding), 01743 000111, sam.chair@example.org"
    )
    consent = page.split('id="meeting-consent">')[1].split("</dd>")[0]
    assert (
        consent.startswith("Still to ask")
        and "Ask the family before the inspector joins" in consent
    )


def test_errors_name_the_fields_missing_time_and_consent(inspection, staff_client):
    count = Meeting.objects.count()
    response = staff_client.post(
        reverse("scheduling:observation-new", args=[inspection.slug]),
        _form(time="", family_consent="", chair="", day="40"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    for field, message in [
        ("day", "Day must be between 1 and 15"),
        ("time", "Start time: enter the time it starts (HH:MM); the council has fixed it."),
        ("chair", "Chair: choose who chairs it; attendees are given them as the contact."),
        (
            "family_consent",
            "Family consent: a family is present, so say whether their consent is still to ask, "
            "given or refused.",
        ),
    ]:
        assert f'<a href="#{field}">{message}' in text, field
        assert f'id="{field}-error"' in text, field
    assert Meeting.objects.count() == count


def test_the_service_refuses_a_council_only_rule_and_the_generic_page_refuses_the_type(inspection):
    mtype = MeetingType.objects.get(key="obs_strategy_discussion")
    chair = Person.objects.get(inspection=inspection, ref="chair-cp")
    with pytest.raises(MeetingInvalid) as err:
        add_meeting(inspection, NewMeeting(meeting_type=mtype, title="Strategy discussion"))
    assert err.value.errors["meeting_type"].startswith(
        "Type of meeting: add a practice observation on its own page"
    )
    with pytest.raises(ObservationInvalid) as err:
        add_observation(
            inspection,
            NewObservation(
                meeting_type=mtype,
                title="Strategy",
                day=7,
                time=dt.time(20, 30),
                chair=chair,
                inspector_rule="none",
            ),
        )
    assert err.value.errors == {
        "time": "Start time: it must start at 08:30 or later and end by 21:00.",
        "inspector_rule": "Which inspectors: an inspector joins an observation; choose 'any' "
        "or name them.",
    }


def test_staff_may_not_add_one_and_strangers_see_nothing(inspection, member_client):
    url = reverse("scheduling:observation-new", args=[inspection.slug])
    assert member_client(inspection, Role.STAFF).post(url, _form()).status_code == 403
    other = Inspection.objects.create(
        slug="other", title="Other", local_authority="X", day_one=DAY_ONE
    )
    assert member_client(other, Role.COORDINATOR).get(url).status_code == 404
    assert not Meeting.objects.observations().exists()


def _observation(inspection, **overrides):
    values = {
        "meeting_type": MeetingType.objects.get(key="obs_strategy_discussion"),
        "title": "Strategy discussion: child C104233",
        "day": 7,
        "time": dt.time(11, 15),
        "chair": Person.objects.get(inspection=inspection, ref="chair-cp"),
    }
    values.update(overrides)
    return add_observation(inspection, NewObservation(**values))


def test_the_planner_keeps_it_at_its_fixed_time_with_an_inspector(inspection):
    strategy = _observation(inspection)
    conference = _observation(
        inspection,
        meeting_type=MeetingType.objects.get(key="obs_child_protection_conference"),
        title="Review conference",
        time=dt.time(9, 0),
        venue=Venue.objects.get(inspection=inspection, ref="hub"),
        inspector_rule="named",
        inspectors=(Inspector.objects.get(inspection=inspection, ref="ib"),),
        family_count=1,
        family_consent=FamilyConsent.GIVEN,
    )
    result = plan(inspection, **BUDGET, fresh=True)
    assert result.placed == result.total == 6
    assert check_draft(inspection) == ([], [])
    strategy = Meeting.objects.with_people().get(pk=strategy.pk)
    conference = Meeting.objects.with_people().get(pk=conference.pk)
    assert strategy.start == to_utc(DAY_7, dt.time(11, 15))
    assert strategy.end == to_utc(DAY_7, dt.time(12, 15))
    assert len(strategy.assigned_inspectors.all()) == 1
    assert conference.start.astimezone(LONDON) == dt.datetime(2025, 6, 24, 9, 0, tzinfo=LONDON)
    assert [i.ref for i in conference.assigned_inspectors.all()] == ["ib"]
    # nor can a by-hand move: its fixed time is a hard rule
    moved = check_proposal(
        strategy,
        Proposal(to_utc(DAY_7, dt.time(14)), None, tuple(strategy.assigned_inspectors.all())),
    )
    # (whatever else the plan has at 14:00 may clash too: the time rules come first)
    assert [v.rule for v in moved][:2] == ["window", "fixed_start"]
    # a fresh plan with another seed still cannot move them
    plan(inspection, **{**BUDGET, "seed": 7}, fresh=True)
    assert Meeting.objects.get(pk=strategy.pk).start == to_utc(DAY_7, dt.time(11, 15))
    assert Meeting.objects.get(pk=conference.pk).start == to_utc(DAY_7, dt.time(9, 0))


def _feed_events(inspection, kind, ref):
    links = {(sub.kind, sub.ref): tok for sub, tok in tokens.ensure_tokens(inspection)}
    body = Client().get(tokens.feed_path(links[(kind, ref)])).content
    return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_the_chair_is_the_contact_in_an_attendees_feed(inspection):
    _observation(inspection, attendees=(Person.objects.get(inspection=inspection, ref="sw-1"),))
    plan(inspection, **BUDGET, fresh=True)
    publish(inspection)
    events = _feed_events(inspection, FeedKind.PERSON, "sw-1")
    description = str(events["Strategy discussion: child C104233"]["DESCRIPTION"])
    assert (
        "Contact (chair): Sam Chair (Independent chair, Safeguarding), 01743 000111, "
        "sam.chair@example.org"
    ) in description.splitlines()
    # a meeting without a chair names no chair
    assert "Contact (chair)" not in str(events["Case 0"]["DESCRIPTION"])


def test_consent_warns_on_the_plan_and_a_refusal_stops_publishing(inspection, staff_client):
    meeting = _observation(inspection, family_count=2, family_consent=FamilyConsent.TO_ASK)
    plan(inspection, **BUDGET, fresh=True)
    warning = (
        "'Strategy discussion: child C104233' (day 7 11:15): a family is present and their "
        "consent is not recorded as given. Ask them before the inspector joins."
    )
    page = staff_client.get(reverse("scheduling:plan", args=[inspection.slug])).content.decode()
    assert warning in html.unescape(page)
    response = staff_client.post(
        reverse("scheduling:release-publish", args=[inspection.slug]), follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Published v1.", warning]

    record_consent(meeting, FamilyConsent.REFUSED, 2)
    with pytest.raises(PublishRefused) as err:
        publish(inspection)
    assert err.value.problems == [
        "'Strategy discussion: child C104233' (day 7 11:15): the family refused an inspector "
        "joining; cancel it or record that no family is present."
    ]
    # on the page: the consent form records that consent was given; publishing goes ahead
    response = staff_client.post(
        reverse("scheduling:meeting-consent", args=[inspection.slug, meeting.pk]),
        {"family_count": "2", "family_consent": "given"},
    )
    assert response.status_code == 302
    assert publish(inspection).number == 2
    page = staff_client.get(reverse("scheduling:plan", args=[inspection.slug])).content.decode()
    assert "consent-warnings" not in page


def test_the_consent_form_refuses_a_family_without_an_answer(inspection, staff_client):
    meeting = _observation(inspection)
    response = staff_client.post(
        reverse("scheduling:meeting-consent", args=[inspection.slug, meeting.pk]),
        {"family_count": "1", "family_consent": "not_needed"},
    )
    assert response.status_code == 400
    assert "Family consent: a family is present" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.family_count, meeting.family_consent) == (0, "not_needed")


def test_building_staff_feeds_name_the_booking_contact_not_the_chair():
    observed = snapshot(1, DAY_7, "10:00", chair="Sam Chair (Independent chair), 01743 000111")
    info = feeds.FeedInfo(name="Room 2", stamp=PUBLISHED)
    building = feeds.meetings_feed([observed], info, audience=feeds.for_building("C Ord"))
    person = feeds.meetings_feed([observed], info, audience=feeds.for_person("person", "sw-1"))

    def lines(body):
        event = next(iter(icalendar.Calendar.from_ical(body).walk("VEVENT")))
        return [x for x in str(event["DESCRIPTION"]).splitlines() if x.startswith("Contact")]

    assert lines(building) == ["Contact: C Ord"]
    assert lines(person) == ["Contact (chair): Sam Chair (Independent chair), 01743 000111"]
