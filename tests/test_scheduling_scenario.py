"""The Shropshire scenario's timetable: venues, rooms and meetings as the Cabinet report has them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from inspections.calendar import LONDON, to_utc
from inspections.models import Inspection
from inspections.services.errors import DomainError
from inspections.services.scenario import read_scenario
from scheduling.catalogue import load_meeting_types
from scheduling.models import Meeting, Room, Travel, Venue
from scheduling.problem_builder import build


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def test_meetings_match_the_cabinet_report(scenario):
    meetings = Meeting.objects.for_inspection(scenario)
    # "over 95 bespoke meetings" with the inspectors; the internal KITs and debriefs on top
    assert meetings.with_inspectors().count() == 96
    assert meetings.filter(meeting_type__key__in=["internal_kit", "staff_debrief"]).count() == 32
    assert meetings.count() == 96 + 32
    fieldwork = meetings.fieldwork()
    assert fieldwork.count() == 75
    onsite = set(scenario.calendar.days_in_week(2) + scenario.calendar.days_in_week(3))
    assert all(set(m.window_days) <= onsite for m in fieldwork)
    assert meetings.filter(meeting_type__key="lead_kit").count() == scenario.calendar.last_day - 2
    assert meetings.filter(meeting_type__key="internal_kit").count() == 2 * len(onsite)
    assert meetings.filter(meeting_type__key="care_leavers_group").exists()
    assert meetings.filter(meeting_type__key="dcs_setup", window_days=[1]).exists()


def test_every_practitioner_meets_inspectors(scenario):
    practitioners = scenario.people.practitioners()
    assert practitioners.count() == 92
    assert not practitioners.filter(meetings__isnull=True).exists()


def test_each_deep_dive_child_has_a_case_discussion_with_their_worker(scenario):

    dives = read_scenario("shropshire-2025").data["deep_dives"]
    for dive in dives:
        m = Meeting.objects.get(inspection=scenario, ref=f"case-{dive['child_id']}")
        assert m.child_ids == [dive["child_id"]]
        # with the team manager and the auditor: tests/test_case_discussion_invitees.py
        assert dive["worker"] in {p.ref for p in m.attendees.all()}
        assert m.meeting_type.counts_as_case


def test_evening_visit_is_after_five_and_final_feedback_on_the_last_friday(scenario):
    visit = Meeting.objects.get(inspection=scenario, ref="evening-visit")
    assert visit.earliest >= dt.time(17, 0) and visit.mode == "visit"
    assert visit.venue.kind == "childrens_home" and visit.family_count > 0
    feedback = Meeting.objects.get(inspection=scenario, ref="final-feedback")
    assert scenario.calendar.date_for_day(feedback.fixed_day) == dt.date(2025, 7, 4)
    built = build(scenario)
    fixed = next(m for m in built.problem.meetings if m.id == str(feedback.pk)).fixed_start
    assert built.moment(fixed) == to_utc(dt.date(2025, 7, 4), dt.time(14, 0))


def test_venues_spread_over_the_county_with_travel_both_ways(scenario):
    venues = Venue.objects.for_inspection(scenario)
    kinds = set(venues.values_list("kind", flat=True))
    assert {"hub", "community", "school", "childrens_home", "court"} <= kinds
    n = venues.count()
    assert Travel.objects.filter(origin__inspection=scenario).count() == n * (n - 1) // 2
    assert any("teams_kit" in r.equipment for r in Room.objects.for_inspection(scenario))


def test_reloading_the_scenario_changes_nothing(scenario):
    before = list(
        Meeting.objects.for_inspection(scenario)
        .order_by("ref")
        .values_list("ref", "title", "window_days")
    )
    call_command("load_scenario", "shropshire-2025", stdout=io.StringIO())
    after = list(
        Meeting.objects.for_inspection(scenario)
        .order_by("ref")
        .values_list("ref", "title", "window_days")
    )
    assert before == after


def test_final_feedback_moves_with_the_notification_date(scenario):
    call_command(
        "load_scenario", "shropshire-2025", "--notification", "2025-10-13", stdout=io.StringIO()
    )
    inspection = Inspection.objects.get(slug="shropshire-2025")
    feedback = Meeting.objects.get(inspection=inspection, ref="final-feedback")
    date = inspection.calendar.date_for_day(feedback.fixed_day)
    assert date == dt.date(2025, 10, 31)
    built = build(inspection)
    fixed = next(m for m in built.problem.meetings if m.id == str(feedback.pk)).fixed_start
    # After the clock change (26 October) 14:00 UK time is 14:00 UTC.
    assert built.moment(fixed).astimezone(LONDON).time() == dt.time(14, 0)
    assert built.moment(fixed).utcoffset() == dt.timedelta(0)


def test_working_day_is_0830_uk_time_on_both_sides_of_the_clock_change(scenario):
    call_command(
        "load_scenario", "shropshire-2025", "--notification", "2025-10-13", stdout=io.StringIO()
    )
    built = build(Inspection.objects.get(slug="shropshire-2025"))
    for day in built.problem.days:
        assert built.moment(day.start).astimezone(LONDON).time() == dt.time(8, 30)
        assert built.moment(day.end).astimezone(LONDON).time() == dt.time(17, 30)
    # Friday 24 Oct (BST) 08:30 is 07:30 UTC; Monday 27 Oct (GMT) 08:30 is 08:30 UTC.
    starts = {d.number: built.moment(d.start) for d in built.problem.days}
    assert starts[10].hour == 7 and starts[11].hour == 8


def test_catalogue_rejects_an_unknown_field(tmp_path, db):

    bad = tmp_path / "meeting-types.toml"
    bad.write_text(
        '[[types]]\nkey = "x"\nname = "X"\ngroup = "kit"\nduration = 30\nmode = "teams"\n'
        'inspector_rule = "lead"\ncolour = "red"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        DomainError, match=r"meeting-types.toml, type 1 \(x\): unknown field\(s\) colour"
    ):
        load_meeting_types(bad)
