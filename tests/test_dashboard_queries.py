"""The dashboard: a fixed number of queries at any size, the right numbers, and a clash list
that is cached by the draft's fingerprint yet never stale after an edit."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scale import multiply

from annex_a.models import AnnexAList
from evidence.models import Audit, CasePackPart, DeepDive, LibraryDocument
from inspections.calendar import LONDON
from inspections.models import Task
from scheduling.editing import mark_inspector_absent
from scheduling.models import Meeting, Room, Unavailability
from scheduling.planning import clash_messages, plan
from scheduling.releases import publish

DAY_THREE = dt.datetime(2025, 6, 18, 9, 0, tzinfo=LONDON)
EVIDENCE = re.compile(
    r"<strong>([^<]+)</strong><span>[^<]*</span></label>\s*"
    r'<progress id="evidence-\d+" max="(\d+)" value="(\d+)">'
)


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def planned(scenario):
    result = plan(scenario, time_limit=1, fresh=True)
    assert result.placed == result.total
    return scenario


def _get(client, inspection) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("planner:dashboard", args=[inspection.slug]))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _clashes(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r">Clash: ([^<]*)<", html)]


def test_dashboard_costs_the_same_queries_for_four_times_the_inspection(planned, staff_client):
    assert publish(planned).number == 1
    room = Room.objects.filter(venue__inspection=planned).first()
    meetings = Meeting.objects.filter(inspection=planned).count()
    with time_machine.travel(DAY_THREE, tick=False):
        _get(staff_client, planned)  # warms per-process caches (content types, compiled SQL)
        warm_small, _ = _get(staff_client, planned)
        # a change the clash check reads (a bigger room: no clash): the next load checks again
        Room.objects.filter(pk=room.pk).update(capacity=F("capacity") + 1)
        cold_small, _ = _get(staff_client, planned)
        counts = multiply(planned, 4)
        assert publish(planned).number == 2
        cold_big, _ = _get(staff_client, planned)
        warm_big, html = _get(staff_client, planned)
    assert counts["Meeting"] == 4 * meetings
    assert (cold_big, warm_big) == (cold_small, warm_small)
    assert cold_small > warm_small  # a load with an unchanged draft skips the clash check
    assert _clashes(html) == []


def test_dashboard_shows_the_numbers_in_the_data(scenario, staff_client):
    now = DAY_THREE
    with time_machine.travel(now, tick=False):
        _, html = _get(staff_client, scenario)
    lists = list(AnnexAList.objects.filter(inspection=scenario))
    audits = list(Audit.objects.filter(inspection=scenario))
    documents = list(LibraryDocument.objects.filter(inspection=scenario))
    parts = list(CasePackPart.objects.filter(deep_dive__inspection=scenario))
    expected = {
        "Annexe A lists": (
            len(lists),
            sum(1 for x in lists if x.status in ("signed_off", "uploaded")),
        ),
        "Audit list": (len(audits), sum(1 for a in audits if a.moderated)),
        "Library": (len(documents), sum(1 for d in documents if d.status == "uploaded")),
        "Deep-dive children": (12, DeepDive.objects.filter(inspection=scenario).count()),
        "Case-record packs": (len(parts), sum(1 for p in parts if p.uploaded_at is not None)),
    }
    shown = {label: (int(total), int(done)) for label, total, done in EVIDENCE.findall(html)}
    assert shown == expected
    # every tracker has rows, and most have some done (case packs are not uploaded by day 3)
    assert all(total for total, _ in expected.values())
    assert sum(1 for _, done in expected.values() if done) >= 4

    overdue = [
        t for t in Task.objects.filter(inspection=scenario) if t.status != "done" and t.due_at < now
    ]
    assert len(re.findall(r">Overdue since ", html)) == min(5, len(overdue)) > 0
    if len(overdue) > 5:
        assert f"All {len(overdue)} overdue tasks" in html
    unplaced = [
        m
        for m in Meeting.objects.filter(inspection=scenario)
        if m.status != "cancelled" and m.start is None
    ]
    assert f"{len(unplaced)} meetings not yet placed in the timetable" in html


def test_clash_list_follows_every_edit_of_the_draft(planned, staff_client):
    meeting = (
        Meeting.objects.filter(inspection=planned, start__isnull=False, room__isnull=False)
        .filter(assigned_inspectors__isnull=False)
        .order_by("start", "pk")
        .first()
    )
    inspector = meeting.assigned_inspectors.order_by("pk").first()
    day = planned.calendar.day_for_date(meeting.start.astimezone(LONDON).date())
    shown, checked = {}, {}
    with time_machine.travel(DAY_THREE, tick=False):
        shown["before"] = _clashes(_get(staff_client, planned)[1])
        # an absence, through the service: the inspector's meetings that day now clash
        absence = mark_inspector_absent(planned, inspector, day)
        shown["absent"] = _clashes(_get(staff_client, planned)[1])
        checked["absent"] = clash_messages(planned)[:5]
        # a raw delete of it: no clash again
        Unavailability.objects.filter(pk=absence.pk).delete()
        shown["back"] = _clashes(_get(staff_client, planned)[1])
        # a raw UPDATE outside any service: the room of a placed meeting is lost
        Room.objects.filter(pk=meeting.room_id).update(active=False)
        shown["room lost"] = _clashes(_get(staff_client, planned)[1])
        checked["room lost"] = clash_messages(planned)[:5]
    assert shown == {
        "before": [],
        "absent": checked["absent"],
        "back": [],
        **{"room lost": checked["room lost"]},
    }
    assert checked["absent"] and checked["room lost"]
    assert any(inspector.full_name in m for m in checked["absent"])


def _day_sheet_tasks(inspection, day: int) -> list[Task]:
    """The tasks a day's sheet holds, by the rule the page states: due that London day, or open
    and due before it."""
    date = inspection.calendar.date_for_day(day)
    start = dt.datetime.combine(date, dt.time(), tzinfo=LONDON)
    end = start + dt.timedelta(days=1)
    return [
        t
        for t in Task.objects.filter(inspection=inspection)
        if start <= t.due_at < end or (t.due_at < start and t.status != "done")
    ]


def _task_rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="task-row-(\d+)"', html)]


def test_a_busy_day_shows_its_twenty_most_pressing_tasks_and_links_the_rest(scenario, staff_client):
    day = 13
    now = dt.datetime.combine(scenario.calendar.date_for_day(day), dt.time(9), tzinfo=LONDON)
    tasks = _day_sheet_tasks(scenario, day)
    # some of the day's own tasks are done already: they go below every open one
    done = sorted((t for t in tasks if t.due_at >= now - dt.timedelta(hours=9)), key=lambda t: t.pk)
    Task.objects.filter(pk__in=[t.pk for t in done[:3]]).update(status="done")
    tasks = _day_sheet_tasks(scenario, day)
    pressing = sorted(tasks, key=lambda t: (t.status == "done", t.due_at, t.key))[:20]
    with time_machine.travel(now, tick=False):
        _, html = _get(staff_client, scenario)
        day_sheet = staff_client.get(reverse("planner:day", args=[scenario.slug, day]))
    shown = _task_rows(html)
    assert len(tasks) > 40
    assert sorted(shown) == sorted(t.pk for t in pressing)
    assert not {t.pk for t in done[:3]} & set(shown)
    assert (
        f"The 20 most pressing (open ones first, by due time); {len(tasks) - 20} more on the day "
        "sheet." in unescape(html)
    )
    assert day_sheet.status_code == 200
    assert sorted(_task_rows(day_sheet.content.decode())) == sorted(t.pk for t in tasks)


def test_a_quiet_day_shows_all_its_tasks(scenario, staff_client):
    with time_machine.travel(DAY_THREE, tick=False):
        _, html = _get(staff_client, scenario)
    tasks = _day_sheet_tasks(scenario, 3)
    assert 0 < len(tasks) < 20
    assert sorted(_task_rows(html)) == sorted(t.pk for t in tasks)
    assert "most pressing" not in html
