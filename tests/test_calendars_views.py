"""Calendar pages: day grid, week, room, venue, person, run-sheet; login; fixed query counts
(pages and feeds read real releases for those)."""

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from calendars_snapshots import DCS, LEAD, SW, TEAM, install, plan, small_inspection, snapshot
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calendars import tokens
from calendars.models import FeedKind
from inspections.calendar import to_utc
from inspections.models import Task
from scheduling.catalogue import load_meeting_types
from scheduling.models import Meeting, MeetingStatus, MeetingType, Release, Room, Venue
from scheduling.releases import publish

DAY = 6  # Monday 23 June 2025, first on-site day of the small inspection
BASE = "/inspections/small-2025/calendar"


@pytest.fixture
def inspection(db, monkeypatch):
    install(monkeypatch, plan())
    return small_inspection()


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/days/{DAY}/",
        "/weeks/2/",
        "/rooms/shirehall--room-2/",
        "/venues/shirehall/",
        f"/people/{LEAD.ref}/",
        f"/days/{DAY}/run-sheet/",
    ],
)
def test_calendar_pages_need_login(inspection, client, path):
    response = client.get(BASE + path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_day_view_has_a_column_per_inspector_with_meetings_placed_in_time(inspection, staff_client):
    response = staff_client.get(f"{BASE}/days/{DAY}/")
    assert response.status_code == 200
    html = _text(response)
    heads = re.findall(
        r'class="app-cal-col__head[^"]*" id="col-\d+" style="grid-column: (\d+)">.*?>([^<]+)</a>',
        html,
    )
    assert [label for _, label in heads] == [
        "Alex Khan (Lead inspector (HMI))",
        "Bea Lowe (Team inspector)",
    ]
    # 09:00-10:00 from an 08:00 grid of 5-minute rows: rows 13..24 (+1 for the heading row)
    assert 'style="grid-column: 2; grid-row: 14 / span 12"' in html
    # the Teams call at 14:00 for 30 minutes shows in both inspectors' columns
    assert 'style="grid-column: 2; grid-row: 74 / span 6"' in html
    assert 'style="grid-column: 3; grid-row: 74 / span 6"' in html
    assert "Room 5, Shirehall" in html
    assert "Cancelled" in html  # listed apart, not placed in a column
    assert f"{BASE}/days/{DAY}/run-sheet/" in html
    assert 'href="/inspections/small-2025/meetings/1/"' in html


def test_week_view_lists_each_day_with_its_meetings(inspection, staff_client):
    html = _text(staff_client.get(f"{BASE}/weeks/2/"))
    for n in range(6, 11):
        assert f"Day {n}" in html
    assert html.count("app-cal-item") >= 4
    assert staff_client.get(f"{BASE}/weeks/9/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/days/99999999/",
        "/days/99999999/run-sheet/",
        "/days/0/",
        "/days/16/",  # the small inspection has 15 days
        "/weeks/99999999/",
        "/weeks/0/",
        "/weeks/4/",
        "/days/" + "9" * 5000 + "/",
        "/rooms/" + "a" * 400 + "/",
        "/people/" + "x" * 65 + "/",
    ],
)
def test_a_day_week_or_key_outside_the_inspection_is_a_404(inspection, staff_client, path):
    # day 99999999 once looped for seconds in add_working_days and then overflowed
    assert staff_client.get(BASE + path).status_code == 404


def test_an_unknown_plan_shows_the_release_with_the_error_summary(inspection, staff_client):
    response = staff_client.get(f"{BASE}/days/{DAY}/", {"plan": "secret"})
    html = _text(response)
    assert response.status_code == 400
    assert 'href="#plan"' in html and 'id="plan"' in html
    assert "Plan: show the published release, or the draft" in html


def test_room_view_shows_only_that_room(inspection, staff_client):
    html = _text(staff_client.get(f"{BASE}/rooms/shirehall--room-5/"))
    assert "Case discussion 2" in html
    assert "Case discussion 1" not in html
    assert staff_client.get(f"{BASE}/rooms/nowhere--room-9/").status_code == 404


def test_person_view_for_inspector_and_council_person(inspection, staff_client):
    html = _text(staff_client.get(f"{BASE}/people/{TEAM.ref}/"))
    assert "Case discussion 2" in html and "Case discussion 3" in html
    assert "Case discussion 1" not in html
    html = _text(staff_client.get(f"{BASE}/people/{SW.ref}/"))
    assert "Case discussion 1" in html and "Case discussion 2" not in html
    assert staff_client.get(f"{BASE}/people/unknown/").status_code == 404


def test_run_sheet_lists_meetings_in_order_with_tasks_and_contacts(inspection, staff_client):

    Task.objects.create(
        inspection=inspection,
        key="kit-am",
        title="Morning keeping-in-touch notes",
        phase="onsite",
        due_day=DAY,
        due_at=to_utc(dt.date(2025, 6, 23), dt.time(10, 0)),
        owner_role="coordinator",
    )
    Task.objects.create(
        inspection=inspection,
        key="other-day",
        title="Not today",
        phase="onsite",
        due_day=DAY + 1,
        due_at=to_utc(dt.date(2025, 6, 24), dt.time(10, 0)),
        owner_role="coordinator",
    )
    response = staff_client.get(f"{BASE}/days/{DAY}/run-sheet/")
    html = _text(response)
    titles = re.findall(r"Case discussion (\d)", html)
    assert titles[:4] == ["1", "2", "3", "4"]
    assert "https://teams.example/meet/3" in html
    assert "Case file summary" in html
    assert "C-000123" in html
    assert "Morning keeping-in-touch notes" in html and "Not today" not in html
    assert "chris@council.example" in html and "0300 000 0001" in html
    assert "calendars/calendars.css" in html
    css = (Path(__file__).parent.parent / "calendars/static/calendars/calendars.css").read_text()
    assert "@page { size: A4;" in css and "@media print" in css


TIMES = ("09:00", "10:30", "13:30", "15:00")  # four a day, lunch free


def _book(inspection, days: range, times: tuple[str, ...]) -> None:
    """Placed meetings for both inspectors, each in their own room with their own council
    person, on those days at those times: a draft free of clashes, ready to publish."""
    load_meeting_types()
    focus = MeetingType.objects.get(key="focus_group")
    venue, _ = Venue.objects.get_or_create(
        inspection=inspection, ref="shirehall", defaults={"name": "Shirehall"}
    )
    who = [(LEAD, SW, "Room 2"), (TEAM, DCS, "Room 5")]
    for day in days:
        date = inspection.calendar.date_for_day(day)
        for hhmm in times:
            hour, minute = (int(x) for x in hhmm.split(":"))
            start = to_utc(date, dt.time(hour, minute))
            for inspector, person, room_name in who:
                room, _ = Room.objects.get_or_create(
                    venue=venue, ref=room_name.lower().replace(" ", "-"),
                    defaults={"name": room_name, "capacity": 8},
                )  # fmt: skip
                ref = f"focus-{inspector.ref}-{day}-{hhmm}"
                if Meeting.objects.filter(inspection=inspection, ref=ref).exists():
                    continue  # booked for the last release already
                meeting = Meeting.objects.create(
                    inspection=inspection,
                    ref=ref,
                    meeting_type=focus,
                    title=f"Focus group day {day} {hhmm}",
                    duration=60,
                    mode="in_person",
                    inspector_rule="any",
                    inspectors_needed=1,
                    venue=venue,
                    start=start,
                    end=start + dt.timedelta(minutes=60),
                    room=room,
                    placed_venue=venue,
                    status=MeetingStatus.PLANNED,
                )
                meeting.assigned_inspectors.set([inspection.inspectors.get(ref=inspector.ref)])
                meeting.attendees.set([inspection.people.get(ref=person.ref)])


def _read(client, path: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    # the page is built from the release in the database, not from anything stood in for it
    assert any("scheduling_releasemeeting" in q["sql"] for q in ctx.captured_queries), path
    return len(ctx.captured_queries), response.content


def _feed_uids(content: bytes) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")}


def test_pages_and_feeds_read_the_release_in_a_fixed_number_of_queries(db, staff_client):
    inspection = small_inspection()
    pages = {
        "day": f"{BASE}/days/{DAY}/",
        "week": f"{BASE}/weeks/2/",
        "person": f"{BASE}/people/{LEAD.ref}/",
        "run-sheet": f"{BASE}/days/{DAY}/run-sheet/",
        "index": f"{BASE}/",
    }
    reads: dict[str, dict[str, int]] = {}
    for label, days, times in (
        ("v1", range(DAY, DAY + 1), TIMES[:1]),  # 2 meetings
        ("v2", range(DAY, DAY + 5), TIMES),  # 40 meetings
    ):
        _book(inspection, days, times)
        release = publish(inspection)
        assert release.label == label
        links = {(sub.kind, sub.ref): tok for sub, tok in tokens.ensure_tokens(inspection)}
        paths = {
            **pages,
            "feed": tokens.feed_path(links[(FeedKind.INSPECTION, "")]),
            "lead's feed": tokens.feed_path(links[(FeedKind.INSPECTOR, LEAD.ref)]),
        }
        got = {name: _read(staff_client, path) for name, path in paths.items()}
        reads[label] = {name: queries for name, (queries, _) in got.items()}
        # What subscribers and the team see: every meeting of this release, the lead's own.
        rows = list(Release.objects.get(pk=release.pk).meetings.values_list("uid", "inspectors"))
        assert len(rows) == len(days) * len(times) * 2
        assert _feed_uids(got["feed"][1]) == {uid for uid, _ in rows}
        assert _feed_uids(got["lead's feed"][1]) == {
            uid for uid, people in rows if [p["ref"] for p in people] == [LEAD.ref]
        }
        assert got["day"][1].decode().count('class="app-cal-item') == 2 * len(times)
    assert reads["v2"] == reads["v1"]


def test_draft_is_shown_only_on_request(db, monkeypatch, staff_client):
    small_inspection()
    draft = [snapshot(1, dt.date(2025, 6, 23), "09:00", title="Draft-only meeting", release=0)]
    install(monkeypatch, plan(), draft=draft)
    assert "Draft-only meeting" not in _text(staff_client.get(f"{BASE}/days/{DAY}/"))
    html = _text(staff_client.get(f"{BASE}/days/{DAY}/?plan=draft"))
    assert "Draft-only meeting" in html and "Draft" in html
