"""Calendar pages: day grid, week, room, venue, person, run-sheet; login; fixed query counts."""

import datetime as dt
import re
from pathlib import Path

import pytest
from calendars_snapshots import LEAD, SW, TEAM, install, plan, small_inspection, snapshot
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.calendar import to_utc
from inspections.models import Task

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


def test_pages_make_a_fixed_number_of_queries_whatever_the_size(db, monkeypatch, staff_client):
    inspection = small_inspection()
    small = plan()
    day = dt.date(2025, 6, 23)
    big = [snapshot(n, day, f"{8 + n % 9:02d}:{(n * 5) % 60:02d}", 30) for n in range(1, 121)]
    paths = [f"/days/{DAY}/", "/weeks/2/", f"/people/{LEAD.ref}/", f"/days/{DAY}/run-sheet/", "/"]
    counts = {}
    for label, meetings in (("small", small), ("big", big)):
        install(monkeypatch, meetings)
        for path in paths:
            with CaptureQueriesContext(connection) as ctx:
                assert staff_client.get(BASE + path).status_code == 200
            counts[(label, path)] = len(ctx.captured_queries)
    for path in paths:
        assert counts[("small", path)] == counts[("big", path)], path
    assert inspection.pk


def test_draft_is_shown_only_on_request(db, monkeypatch, staff_client):
    small_inspection()
    draft = [snapshot(1, dt.date(2025, 6, 23), "09:00", title="Draft-only meeting", release=0)]
    install(monkeypatch, plan(), draft=draft)
    assert "Draft-only meeting" not in _text(staff_client.get(f"{BASE}/days/{DAY}/"))
    html = _text(staff_client.get(f"{BASE}/days/{DAY}/?plan=draft"))
    assert "Draft-only meeting" in html and "Draft" in html
