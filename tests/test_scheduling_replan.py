"""Planning the Shropshire scenario, and re-planning after an inspector's day of absence."""

import datetime as dt

import pytest

from inspections.calendar import LONDON, local_date
from scheduling.editing import mark_inspector_absent, set_status
from scheduling.models import Meeting, MeetingStatus, Room
from scheduling.planning import check_draft, plan
from scheduling.releases import publish

# A budget of CP-SAT's deterministic time (one worker, a fixed seed): the plans these tests judge
# are the same on every run, however busy the machine; the wall-clock limit is only a safety cap.
BUDGET = {"time_limit": 120.0, "deterministic_time": 0.05}


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def planned(scenario):
    result = plan(scenario, **BUDGET, seed=0, fresh=True)
    assert result.placed == result.total and not result.unplaced
    return scenario


def _slots(inspection):
    return {
        m.pk: (m.start, m.room_id, tuple(sorted(i.ref for i in m.assigned_inspectors.all())))
        for m in Meeting.objects.for_inspection(inspection).with_people()
    }


def test_the_whole_scenario_is_placed_without_a_clash(planned):
    violations, unplaced = check_draft(planned)
    assert violations == [] and unplaced == []
    assert not Meeting.objects.for_inspection(planned).unplaced().exists()


def test_absence_moves_only_the_meetings_that_had_to_move(planned):
    # The team inspector with the busiest on-site day falls ill that day.
    busiest: dict[tuple[str, int], set[int]] = {}
    for m in Meeting.objects.for_inspection(planned).placed().with_people():
        day = planned.calendar.day_for_date(local_date(m.start))
        for i in m.assigned_inspectors.all():
            if i.role == "team":
                busiest.setdefault((i.ref, day), set()).add(m.pk)
    (ref, day), hit = max(busiest.items(), key=lambda kv: (len(kv[1]), kv[0]))
    date = planned.calendar.date_for_day(day)
    before = _slots(planned)
    v1 = publish(planned)
    absence = mark_inspector_absent(planned, planned.inspectors.get(ref=ref), day)
    result = plan(planned, **BUDGET)
    after = _slots(planned)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert {m.meeting_id for m in result.moved} == changed
    assert hit <= changed
    # Only those meetings (and at most a couple of neighbours the repair needed) move.
    assert len(changed) <= len(hit) + 2
    assert check_draft(planned)[0] == []
    assert all(ref not in after[pk][2] or local_date(after[pk][0]) != date for pk in hit)

    v2 = publish(planned)
    assert (v1.number, v2.number) == (1, 2)
    # What reaches calendars: v1 had the inspector at those meetings that day; v2 has them at
    # none during the absence (any meeting of theirs overlapping it, not only those moved).
    assert _released_with(v1, ref, absence) == hit
    assert _released_with(v2, ref, absence) == set()
    assert {e["meeting_id"] for e in v2.changelog["moved"] + v2.changelog["changed"]} == changed
    assert v2.changelog["new"] == [] and v2.changelog["cancelled"] == []
    assert all(e["affected"] for e in v2.changelog["moved"])


def _released_with(release, ref, absence) -> set[int]:
    """Live meetings of the release that have the inspector during the absence."""
    return {
        rm.meeting_pk
        for rm in release.meetings.exclude(status=MeetingStatus.CANCELLED)
        if rm.start < absence.end
        and absence.start < rm.end
        and ref in {i["ref"] for i in rm.inspectors}
    }


def test_confirmed_meetings_never_move(planned):
    confirmed = list(Meeting.objects.for_inspection(planned).placed().order_by("pk")[:10])
    for m in confirmed:
        set_status(m, "confirmed", opened_version=m.version)
    before = {
        m.pk: (m.start, m.room_id) for m in Meeting.objects.filter(pk__in=[m.pk for m in confirmed])
    }
    result = plan(planned, **BUDGET, seed=7, fresh=True)
    after = {
        m.pk: (m.start, m.room_id) for m in Meeting.objects.filter(pk__in=[m.pk for m in confirmed])
    }
    assert before == after
    assert not {m.meeting_id for m in result.moved} & set(before)


def test_replanning_an_unchanged_draft_moves_nothing(planned):
    result = plan(planned, **BUDGET)
    assert result.moved == []


def test_plan_times_are_in_working_hours_uk_time(planned):

    for m in Meeting.objects.for_inspection(planned).placed().select_related("meeting_type"):
        start = m.start.astimezone(LONDON).time()
        end = m.end.astimezone(LONDON).time()
        if m.meeting_type.key == "evening_visit":
            assert start >= dt.time(17, 0)
        else:
            assert dt.time(8, 30) <= start and end <= dt.time(17, 30)


def test_a_lost_room_moves_only_its_meetings(planned):

    room = (
        Room.objects.for_inspection(planned)
        .filter(meetings__isnull=False, meetings__status="planned")
        .first()
    )
    used = set(
        Meeting.objects.for_inspection(planned).filter(room=room).values_list("pk", flat=True)
    )
    before = _slots(planned)
    Room.objects.filter(pk=room.pk).update(active=False)
    plan(planned, **BUDGET)
    after = _slots(planned)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert used <= changed and len(changed) <= len(used) + 2
    assert not Meeting.objects.filter(room=room).exists()
    assert check_draft(planned)[0] == []
