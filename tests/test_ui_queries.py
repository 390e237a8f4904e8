"""Every page costs a fixed number of SQL queries, whatever the size of the inspection.

Each page is rendered for the Shropshire scenario, planned and published as v1, and again after
tests/scale.py copied its people, inspectors, venues, rooms, tasks, meetings and documents ×4
and the ×4 draft was published as v2: the two counts must be equal (no query per row). Pages
that list rows show four times as many the second time, so the counts compare full pages.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from scale import multiply

from inspections.calendar import LONDON
from scheduling.models import Meeting, Room
from scheduling.planning import plan
from scheduling.releases import publish

DAY_THREE = dt.datetime(2025, 6, 18, 9, 0, tzinfo=LONDON)

# (label, URL names tried in order, extra kwargs, query string). Other apps' pages join in as
# soon as their urls.py names them.
PAGES = [
    ("dashboard", ("planner:dashboard",), {}, ""),
    ("day list", ("planner:days",), {}, ""),
    ("day page", ("planner:day",), {"day": 3}, ""),
    ("tasks", ("planner:tasks",), {}, ""),
    ("tasks by owner, open", ("planner:tasks",), {}, "?group=owner&status=open"),
    ("people", ("inspections:people",), {}, ""),
    ("inspectors", ("inspections:inspectors",), {}, ""),
    ("rooms", ("scheduling:rooms",), {}, ""),
    ("search", ("planner:search",), {}, "?q=an"),
    ("settings", ("planner:settings",), {}, ""),
    ("meeting list", ("scheduling:meetings", "scheduling:meeting-list"), {}, ""),
    ("calendar", ("calendars:index",), {}, ""),
    ("calendar day", ("calendars:day",), {"day": 8}, ""),
    ("calendar week", ("calendars:week",), {"week": 2}, ""),
    ("library", ("evidence:library",), {}, ""),
    ("audits", ("evidence:audits",), {}, ""),
]


# What a page lists, counted in its HTML: each must be there at ×1 and four times over at ×4.
ROWS = {
    "inspectors": [r'<tr class="govuk-table__row" id="inspector-'],
    "rooms": [r'<table class="govuk-table app-stack-table" id="venue-', r'<th scope="row"'],
    "calendar": [
        r'href="/inspections/[^/]+/calendar/rooms/',
        r'href="/inspections/[^/]+/calendar/venues/',
    ],
    "calendar day": [r'class="app-cal-item', r'class="app-cal-col__head[^>]*><a '],
    "calendar week": [r'class="app-cal-item'],
}


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


def _url(names: tuple[str, ...], slug: str, extra: dict) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs={"slug": slug, **extra})
        except NoReverseMatch:
            continue
    return None


def _visit(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(ctx.captured_queries), response.content.decode()


def _rows(label: str, html: str) -> list[int]:
    return [len(re.findall(pattern, html)) for pattern in ROWS.get(label, [])]


@pytest.fixture
def published(scenario):
    """The scenario planned and published (v1): calendars read releases, not the draft."""
    result = plan(scenario, time_limit=1, fresh=True)
    assert result.placed == result.total
    assert publish(scenario).number == 1
    return scenario


def test_every_page_costs_the_same_queries_for_four_times_the_inspection(published, staff_client):
    urls = {}
    for label, names, extra, query in PAGES:
        url = _url(names, published.slug, extra)
        assert url is not None, f"no {label} page (none of {', '.join(names)} exists)"
        urls[label] = url + query
    with time_machine.travel(DAY_THREE, tick=False):
        for url in urls.values():
            staff_client.get(url)  # warm caches (content types, providers) first
        before = {label: _visit(staff_client, url) for label, url in urls.items()}
        counts = multiply(published, 4)
        assert publish(published).number == 2  # the ×4 draft, clash-free as copied
        for url in urls.values():
            # warm again: the dashboard checks a changed draft for clashes once, then caches
            # it (tests/test_dashboard_queries.py compares the first loads too)
            staff_client.get(url)
        after = {label: _visit(staff_client, url) for label, url in urls.items()}
    assert counts["Task"] >= 4 * 80 and counts["Person"] >= 4 * 100
    assert counts["Inspector"] >= 4 * 4 and counts["Room"] >= 4 * 3 and counts["Venue"] >= 4 * 2
    shown = {
        label: (_rows(label, before[label][1]), _rows(label, after[label][1])) for label in ROWS
    }
    assert all(0 not in small for small, _ in shown.values()), shown
    assert {label: [4 * n for n in small] for label, (small, _) in shown.items()} == {
        label: big for label, (_, big) in shown.items()
    }
    assert {label: after[label][0] for label in urls} == {label: before[label][0] for label in urls}


def test_scale_helper_copies_people_tasks_and_their_links(scenario):
    tasks_before = scenario.tasks.count()
    deps_before = sum(t.depends_on.count() for t in scenario.tasks.all())
    counts = multiply(scenario, 4)
    assert counts["Task"] == 4 * tasks_before
    copied = scenario.tasks.filter(key__endswith="~x2").prefetch_related("depends_on")
    # a copy depends on copies, never on the originals
    assert all(d.key.endswith("~x2") for t in copied for d in t.depends_on.all())
    assert sum(t.depends_on.count() for t in scenario.tasks.all()) == 4 * deps_before


def test_scale_helper_copies_a_placed_meeting_into_the_copied_room_with_copied_people(published):
    rooms, venues = Room.objects.for_inspection(published).count(), published.venues.count()
    original = Meeting.objects.for_inspection(published).placed().filter(room__isnull=False).first()
    counts = multiply(published, 4)
    assert (counts["Room"], counts["Venue"]) == (4 * rooms, 4 * venues)
    copy = Meeting.objects.get(inspection=published, ref=f"{original.ref}~x3")
    assert (copy.start, copy.end) == (original.start, original.end)
    assert copy.room.ref == f"{original.room.ref}~x3"
    assert copy.room.venue.ref == f"{original.room.venue.ref}~x3"
    assert sorted(i.ref for i in copy.assigned_inspectors.all()) == sorted(
        f"{i.ref}~x3" for i in original.assigned_inspectors.all()
    )
    assert sorted(p.ref for p in copy.attendees.all()) == sorted(
        f"{p.ref}~x3" for p in original.attendees.all()
    )
