"""Every page costs a fixed number of SQL queries, whatever the size of the inspection.

Each page is rendered for the Shropshire scenario and again after tests/scale.py copied its
people, tasks, meetings and documents ×4: the two counts must be equal (no query per row).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from scale import multiply

from inspections.calendar import LONDON

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


def _url(names: tuple[str, ...], slug: str, extra: dict) -> str | None:
    for name in names:
        try:
            return reverse(name, kwargs={"slug": slug, **extra})
        except NoReverseMatch:
            continue
    return None


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("label", "names", "extra", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_page_costs_the_same_queries_for_four_times_the_inspection(
    scenario, staff_client, label, names, extra, query
):
    url = _url(names, scenario.slug, extra)
    assert url is not None, f"no {label} page (none of {', '.join(names)} exists)"
    with time_machine.travel(DAY_THREE, tick=False):
        staff_client.get(url + query)  # warm caches (content types, providers) first
        before = _count(staff_client, url + query)
        counts = multiply(scenario, 4)
        after = _count(staff_client, url + query)
    assert counts["Task"] >= 4 * 80 and counts["Person"] >= 4 * 100
    assert after == before, f"{label}: {before} queries for the scenario, {after} for ×4"


def test_scale_helper_copies_people_tasks_and_their_links(scenario):
    tasks_before = scenario.tasks.count()
    deps_before = sum(t.depends_on.count() for t in scenario.tasks.all())
    counts = multiply(scenario, 4)
    assert counts["Task"] == 4 * tasks_before
    copied = scenario.tasks.filter(key__endswith="~x2").prefetch_related("depends_on")
    # a copy depends on copies, never on the originals
    assert all(d.key.endswith("~x2") for t in copied for d in t.depends_on.all())
    assert sum(t.depends_on.count() for t in scenario.tasks.all()) == 4 * deps_before
