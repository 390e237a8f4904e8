"""Publishing: numbered releases, changelog, uid and SEQUENCE, and the day sheet's meetings."""

import datetime as dt

import pytest
from django.db import transaction

from inspections.calendar import local_date, to_utc
from inspections.services.errors import DomainError
from scheduling.daysheet import meetings_for_day
from scheduling.editing import Proposal, move_meeting, set_status
from scheduling.models import Meeting, MeetingStatus, Mode
from scheduling.planning import plan
from scheduling.releases import draft_meetings, latest_release, latest_release_meetings, publish
from scheduling.snapshots import SnapshotMode, SnapshotStatus


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def v1(scenario):
    plan(scenario, time_limit=0.5, fresh=True)
    publish(scenario, notes="Agreed with the lead inspector")
    return scenario


def _free_teams_meeting(inspection):
    return (
        Meeting.objects.for_inspection(inspection)
        .placed()
        .filter(mode="teams", meeting_type__key="case_discussion")
        .with_people()
        .first()
    )


def test_nothing_to_publish_before_planning(scenario):
    with pytest.raises(DomainError, match="run the planner"):
        publish(scenario)


def test_first_release_lists_every_meeting_as_new(v1):
    release = latest_release(v1)
    assert release.number == 1
    total = Meeting.objects.for_inspection(v1).placed().count()
    assert len(release.changelog["new"]) == total
    snaps = latest_release_meetings(v1)
    assert len(snaps) == total
    assert all(s.sequence == 0 and s.release == 1 for s in snaps)
    s = snaps[0]
    assert s.uid == f"meeting-{s.meeting_id}-shropshire-2025@ilacs-planner"


def test_a_move_and_a_cancellation_make_the_changelog_and_raise_sequence(v1):
    moved = _free_teams_meeting(v1)
    # The first slot, any on-site day, that breaks no rule.
    inspectors = tuple(moved.assigned_inspectors.all())
    slots = [
        to_utc(v1.calendar.date_for_day(day), dt.time(8, 30)) + dt.timedelta(minutes=15 * k)
        for day in range(6, 16)
        for k in range(33)
    ]
    for start in slots:
        if start == moved.start:
            continue
        try:
            version = Meeting.objects.get(pk=moved.pk).version
            move_meeting(moved, Proposal(start, None, inspectors), opened_version=version)
            break
        except DomainError:
            continue
    else:
        pytest.fail("no free slot anywhere")
    cancelled = (
        Meeting.objects.for_inspection(v1)
        .placed()
        .exclude(pk=moved.pk)
        .filter(meeting_type__key="focus_group")
        .first()
    )
    set_status(cancelled, "cancelled", opened_version=cancelled.version)

    # The published view does not change until the coordinator publishes.
    published = {s.meeting_id: s for s in latest_release_meetings(v1)}
    assert published[moved.pk].start == moved.start
    draft = {s.meeting_id: s for s in draft_meetings(v1)}
    assert draft[moved.pk].sequence == 1 and draft[moved.pk].start != moved.start

    v2 = publish(v1)
    assert [e["meeting_id"] for e in v2.changelog["moved"]] == [moved.pk]
    assert [e["meeting_id"] for e in v2.changelog["cancelled"]] == [cancelled.pk]
    entry = v2.changelog["moved"][0]
    assert entry["from"] != entry["to"] and entry["affected"]
    snaps = {s.meeting_id: s for s in latest_release_meetings(v1)}
    assert snaps[moved.pk].sequence == 1
    assert snaps[cancelled.pk].sequence == 1
    assert snaps[cancelled.pk].status is SnapshotStatus.CANCELLED
    assert snaps[moved.pk].uid == published[moved.pk].uid
    unchanged = [s for pk, s in snaps.items() if pk not in (moved.pk, cancelled.pk)]
    assert all(s.sequence == 0 for s in unchanged)

    v3 = publish(v1)
    snaps = {s.meeting_id: s for s in latest_release_meetings(v1)}
    assert v3.number == 3
    assert snaps[cancelled.pk].status is SnapshotStatus.CANCELLED
    assert snaps[cancelled.pk].sequence == 1
    assert v3.changelog["moved"] == [] and v3.changelog["cancelled"] == []


def test_published_views_take_a_fixed_number_of_queries(v1, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        latest_release_meetings(v1)
    with django_assert_max_num_queries(8):
        draft_meetings(v1)


def test_daysheet_meetings_come_from_the_latest_release(v1):
    date = dt.date(2025, 6, 24)
    rows = meetings_for_day(v1, date)
    assert rows
    for row in rows:
        assert set(row) >= {
            "title",
            "start",
            "end",
            "venue",
            "room",
            "mode",
            "inspectors",
            "attendees",
            "status",
        }
        start = dt.datetime.fromisoformat(row["start"])
        assert start.utcoffset() == dt.timedelta(hours=1)  # BST, written with its offset
        assert local_date(start) == date
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    kit = next(r for r in rows if r["title"].startswith("Lead inspector KIT"))
    assert kit["inspectors"] and kit["attendees"]


def test_daysheet_draft_shows_unpublished_changes(v1):
    m = Meeting.objects.for_inspection(v1).placed().filter(mode="teams").first()
    date = local_date(m.start)
    Meeting.objects.filter(pk=m.pk).update(title="Renamed in the draft")
    assert not any(r["title"] == "Renamed in the draft" for r in meetings_for_day(v1, date))
    assert any(r["title"] == "Renamed in the draft" for r in meetings_for_day(v1, date, draft=True))


def test_publishing_a_draft_with_a_clash_is_refused(v1):
    a, b = Meeting.objects.for_inspection(v1).placed().filter(mode="in_person")[:2]
    with transaction.atomic():  # never committed: PostgreSQL refuses a clash at commit
        Meeting.objects.filter(pk=b.pk).update(
            start=a.start, end=a.start + dt.timedelta(minutes=b.duration), room=a.room
        )
        with pytest.raises(DomainError, match="hard rules"):
            publish(v1)
        transaction.set_rollback(True)
    assert latest_release(v1).number == 1


def test_every_mode_and_placed_status_a_meeting_can_have_can_be_published():
    # Snapshots are built from stored rows with SnapshotMode(row["mode"]): a new model value
    # without a snapshot counterpart would break every feed of a release that holds it.
    assert set(Mode.values) == {m.value for m in SnapshotMode}
    placed = set(MeetingStatus.values) - {MeetingStatus.DRAFT}
    assert placed == {s.value for s in SnapshotStatus}
