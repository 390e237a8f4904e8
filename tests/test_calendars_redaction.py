"""Feeds share only what each subscriber needs, and links follow their subscriber."""

import datetime as dt
import io
from dataclasses import replace

import icalendar
import pytest
from calendars_snapshots import LEAD, PUBLISHED, SW, TEAM, install, plan, small_inspection, snapshot
from django.core.management import call_command

from calendars import feeds, sources, tokens
from calendars.models import FeedKind, FeedToken
from evidence.models import Audit, DeepDive
from inspections.childids import HIDDEN_CHILD_ID
from inspections.models import Inspector, Person
from scheduling import releases
from scheduling.models import Meeting, Room, Venue
from scheduling.snapshots import Attendee, SnapshotMode

SLUG = "shropshire-2025"
INFO = feeds.FeedInfo(name="Shropshire ILACS 2025", stamp=PUBLISHED, uid_scope="shrop")
CONTACT = "Jo Marsh (Coordinator), 01743 250000, jo.marsh@council.example"


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def _text(body: bytes) -> str:
    """The feed as one searchable text: folded lines joined, iCalendar escapes undone."""
    unfolded = body.decode().replace("\r\n ", "")
    return unfolded.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


# -- the pure builder -------------------------------------------------------------------------
def test_a_person_with_an_inspectors_ref_gets_none_of_the_inspectors_meetings():
    namesake = Attendee(LEAD.ref, "Pat Lane", "Partner, Cafcass", "person")
    meetings = [*plan(), snapshot(5, dt.date(2025, 6, 24), "10:00", attendees=(namesake,))]
    body = feeds.meetings_feed(
        meetings,
        INFO,
        include=feeds.attended_by(FeedKind.PERSON, LEAD.ref),
        audience=feeds.for_person(FeedKind.PERSON, LEAD.ref),
    )
    assert set(_events(body)) == {"shrop.meeting-5@ilacs-planner"}
    lead = feeds.meetings_feed(meetings, INFO, include=feeds.attended_by("inspector", LEAD.ref))
    assert len(_events(lead)) == 4  # meetings 1, 3, 4 and the namesake's, led by the lead


def test_a_building_feed_shows_title_time_place_and_contact_only():
    hybrid = snapshot(
        7,
        dt.date(2025, 6, 24),
        "13:00",
        title="Case discussion: child C-000123",
        teams_url="https://teams.example/meet/7",
        family_count=2,
    )
    body = feeds.meetings_feed([*plan(), hybrid], INFO, audience=feeds.for_building(CONTACT))
    event = _events(body)["shrop.meeting-1@ilacs-planner"]
    assert str(event["SUMMARY"]) == "Case discussion 1"
    assert str(event["LOCATION"]) == "Room 2, Shirehall, Abbey Foregate, Shrewsbury SY2 6ND"
    assert f"Contact: {CONTACT}" in str(event["DESCRIPTION"])
    text = _text(body)
    for secret in (LEAD.name, TEAM.name, SW.name, "C-000123", "teams.example", "Purpose"):
        assert secret not in text, secret
    assert "Families attending" not in text and "Bring:" not in text
    assert str(_events(body)["shrop.meeting-7@ilacs-planner"]["SUMMARY"]) == (
        f"Case discussion: child {HIDDEN_CHILD_ID}"
    )
    # The Teams call is still in the whole feed, as "Microsoft Teams" with no link to join.
    teams = _events(body)["shrop.meeting-3@ilacs-planner"]
    assert str(teams["LOCATION"]) == "Microsoft Teams" and "URL" not in teams


def test_a_persons_feed_carries_only_the_child_ids_they_work_with():
    two = snapshot(
        1,
        dt.date(2025, 6, 23),
        "09:00",
        title="Sibling group: child C-000123 and child C-000999",
        child_ids=("C-000123", "C-000999"),
    )
    other = snapshot(2, dt.date(2025, 6, 23), "11:00", child_ids=("C-000555",))
    mine = feeds.for_person(FeedKind.PERSON, SW.ref, {"C-000123"})
    body = feeds.meetings_feed([two, other], INFO, audience=mine)
    event = _events(body)["shrop.meeting-1@ilacs-planner"]
    assert "Child IDs: C-000123" in str(event["DESCRIPTION"])
    assert str(event["SUMMARY"]) == f"Sibling group: child C-000123 and child {HIDDEN_CHILD_ID}"
    assert "C-000999" not in _text(body) and "C-000555" not in _text(body)
    assert f"- {LEAD.name}" in str(event["DESCRIPTION"])  # whom they are meeting
    full = _text(feeds.meetings_feed([two], INFO))
    assert "C-000999" in full  # the coordinators' whole feed keeps every ID


def test_a_teams_link_goes_only_to_people_invited_to_the_meeting():
    call = plan()[2]  # the Teams call with the lead, the team inspector and the DCS
    invited = feeds.redactor(feeds.for_person(FeedKind.PERSON, "pt-dcs"))(call)
    assert invited.teams_url == call.teams_url
    outsider = feeds.redactor(feeds.for_person(FeedKind.PERSON, SW.ref))(call)
    assert outsider.teams_url == ""
    assert call.mode == SnapshotMode.TEAMS
    # A link that itself names a child the invitee does not work with is withheld whole.
    named = replace(
        call, teams_url="https://teams.example/join/debrief-C-000123", child_ids=("C-000123",)
    )
    assert feeds.redactor(feeds.for_person(FeedKind.PERSON, "pt-dcs"))(named).teams_url == ""
    worker = feeds.for_person(FeedKind.PERSON, "pt-dcs", {"C-000123"})
    assert feeds.redactor(worker)(named).teams_url == named.teams_url


# -- the scenario, planned and published ------------------------------------------------------
@pytest.fixture
def published(scenario):
    call_command("plan_meetings", SLUG, "--publish", "--time-limit", "2", stdout=io.StringIO())
    return scenario


def _bodies(inspection, client, *kinds):
    out = []
    for sub, token in tokens.ensure_tokens(inspection):
        if sub.kind in kinds:
            response = client.get(tokens.feed_path(token))
            assert response.status_code == 200, sub
            out.append((sub, response.content))
    return out


def _child_ids(inspection, snapshots) -> set[str]:
    ids = {c for m in snapshots for c in m.child_ids}
    ids |= set(Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    ids |= set(DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    return ids


def test_room_and_venue_feeds_of_the_scenario_hold_no_child_id_name_or_teams_link(
    published, client
):
    snapshots = releases.latest_release_meetings(published)
    children = _child_ids(published, snapshots)
    contact = sources.contact(published)
    coordinator = Person.objects.get(inspection=published, ref="pt-coordinator")
    assert contact.startswith(coordinator.full_name)
    names = {
        n
        for n in [
            *Person.objects.filter(inspection=published).values_list("full_name", flat=True),
            *Inspector.objects.filter(inspection=published).values_list("full_name", flat=True),
        ]
        if n != coordinator.full_name  # the contact building staff may call
    }
    teams_urls = {m.teams_url for m in snapshots if m.teams_url}
    assert len(children) > 40 and len(names) > 100 and teams_urls
    bodies = _bodies(published, client, FeedKind.ROOM, FeedKind.VENUE)
    assert sum(len(_events(b)) for _, b in bodies) > 60
    for sub, body in bodies:
        text = _text(body)
        assert not [c for c in children if c in text], sub
        assert not [n for n in names if n in text], sub
        assert not [u for u in teams_urls if u in text] and "teams.example" not in text, sub
        assert all(f"Contact: {contact}" in str(e["DESCRIPTION"]) for e in _events(body).values())


def test_each_persons_feed_of_the_scenario_holds_only_their_own_meetings(published, client):
    snapshots = releases.latest_release_meetings(published)
    bodies = _bodies(published, client, FeedKind.PERSON)
    assert len(bodies) > 100
    with_meetings = 0
    for sub, body in bodies:
        theirs = {
            m.uid for m in snapshots if any(a.ref == sub.ref for a in m.attendees)
        }  # attendees are council people and partners; inspectors are listed apart
        assert set(_events(body)) == theirs, sub
        with_meetings += bool(theirs)
    assert with_meetings > 80


def test_a_worker_sees_their_childs_id_and_the_debriefing_leader_does_not(published, client):
    snapshots = releases.latest_release_meetings(published)
    # A debrief whose leader was not in the case discussion (the manager and, for an audit
    # child, the auditor attend it with the worker): the worker is the one attendee of both.
    for debrief in (m for m in snapshots if m.meeting_type == "staff_debrief" and m.child_ids):
        (child,) = debrief.child_ids
        case = next(
            m for m in snapshots if m.meeting_type == "case_discussion" and child in m.child_ids
        )
        in_case = [a for a in debrief.attendees if a in case.attendees]
        if len(in_case) == 1:
            break
    else:
        pytest.fail("no debrief led by someone outside the case discussion")
    (worker,) = in_case
    leader = next(a for a in debrief.attendees if a.ref != worker.ref)
    feeds_by_ref = {s.ref: b for s, b in _bodies(published, client, FeedKind.PERSON)}
    assert f"Child IDs: {child}" in _text(feeds_by_ref[worker.ref])
    assert debrief.teams_url and debrief.teams_url in _text(feeds_by_ref[worker.ref])
    leader_feed = feeds_by_ref[leader.ref]
    assert debrief.uid in set(_events(leader_feed))  # the meeting, without the child's ID
    assert child not in _text(leader_feed)
    # The worker's team manager may read the child's ID too, should they meet about it.
    team = Person.objects.get(inspection=published, ref=worker.ref).team
    manager = (
        Person.objects.filter(inspection=published, team=team, job_title__icontains="manager")
        .exclude(ref=worker.ref)
        .first()
    )
    assert manager is not None
    assert child in sources.child_ids_known_to(published, manager.ref, snapshots)
    assert child not in sources.child_ids_known_to(published, leader.ref, snapshots)


# -- links follow their subscriber ------------------------------------------------------------
@pytest.fixture
def small(db, monkeypatch):
    install(monkeypatch, plan())
    inspection = small_inspection()
    shirehall = Venue.objects.create(inspection=inspection, ref="shirehall", name="Shirehall")
    Room.objects.create(venue=shirehall, ref="room-2", name="Room 2", capacity=8)
    Room.objects.create(venue=shirehall, ref="room-5", name="Room 5", capacity=8)
    return inspection


def _link(inspection, kind, ref) -> FeedToken:
    return next(t for s, t in tokens.ensure_tokens(inspection) if (s.kind, s.ref) == (kind, ref))


def test_renaming_a_room_revokes_its_link(small, client):
    path = tokens.feed_path(_link(small, FeedKind.ROOM, "shirehall--room-2"))
    other = tokens.feed_path(_link(small, FeedKind.ROOM, "shirehall--room-5"))
    assert client.get(path).status_code == 200
    room = Room.objects.get(venue__inspection=small, ref="room-2")
    room.capacity = 10
    room.save()  # not a rename: the link stays
    assert client.get(path).status_code == 200
    room.name = "Council Chamber"
    room.save()
    assert client.get(path).status_code == 404
    assert client.get(other).status_code == 200


def test_renaming_a_venue_revokes_its_link_and_its_rooms(small, client):
    venue = tokens.feed_path(_link(small, FeedKind.VENUE, "shirehall"))
    room = tokens.feed_path(_link(small, FeedKind.ROOM, "shirehall--room-5"))
    shirehall = Venue.objects.get(inspection=small)
    shirehall.name = "Guildhall"
    shirehall.save()
    assert client.get(venue).status_code == 404
    assert client.get(room).status_code == 404


def test_deleting_a_venue_revokes_its_link_and_its_rooms(small, client):
    venue = tokens.feed_path(_link(small, FeedKind.VENUE, "shirehall"))
    room = tokens.feed_path(_link(small, FeedKind.ROOM, "shirehall--room-2"))
    lead = tokens.feed_path(_link(small, FeedKind.INSPECTOR, LEAD.ref))
    Venue.objects.get(inspection=small).delete()
    assert client.get(venue).status_code == 404
    assert client.get(room).status_code == 404
    assert client.get(lead).status_code == 200


def test_deleting_or_renaming_a_person_revokes_their_link(small, client):
    sw = tokens.feed_path(_link(small, FeedKind.PERSON, SW.ref))
    lead = tokens.feed_path(_link(small, FeedKind.INSPECTOR, LEAD.ref))
    assert client.get(sw).status_code == 200
    Person.objects.get(inspection=small, ref=SW.ref).delete()
    assert client.get(sw).status_code == 404
    inspector = Inspector.objects.get(inspection=small, ref=LEAD.ref)
    inspector.full_name = "Alex Khan-Reid"
    inspector.save()
    assert client.get(lead).status_code == 404
    assert tokens.regenerate(_link(small, FeedKind.INSPECTOR, LEAD.ref))  # a new link for them


def test_links_without_a_subscriber_are_listed_and_can_be_revoked(small, client, staff_client):
    token = _link(small, FeedKind.PERSON, SW.ref)
    path = tokens.feed_path(token)
    # A bulk update sends no signal: the link outlives its subscriber and still works.
    Person.objects.filter(inspection=small, ref=SW.ref).update(ref="sw-1-old")
    assert client.get(path).status_code == 200
    assert tokens.orphans(small) == [token]
    page = staff_client.get(f"/inspections/{small.slug}/feeds/").content.decode()
    listed = page.split("Links without a subscriber", 1)[1]
    assert token.label in listed and "Still works" in listed
    staff_client.post(
        f"/inspections/{small.slug}/feeds/action/", {"action": "revoke", "token": token.pk}
    )
    assert client.get(path).status_code == 404
    page = staff_client.get(f"/inspections/{small.slug}/feeds/").content.decode()
    assert "Still works" not in page.split("Links without a subscriber", 1)[1]


def test_no_teams_link_of_the_scenario_names_a_child(scenario):

    meetings = Meeting.objects.filter(inspection=scenario).exclude(teams_url="")
    child_ids = {c for m in Meeting.objects.filter(inspection=scenario) for c in m.child_ids}
    assert meetings.exists() and child_ids
    assert [m.teams_url for m in meetings if any(c in m.teams_url for c in child_ids)] == []
