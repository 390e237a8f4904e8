"""The web interface without a browser: home, dashboard, tasks, people, rooms, search, login."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import json
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from evidence.models import Audit, LibraryDocument
from inspections.calendar import LONDON, to_utc
from inspections.models import Membership, Task, TaskStatus
from scheduling.models import Meeting, MeetingStatus, Venue
from scheduling.releases import publish

DAY_THREE = dt.datetime(2025, 6, 18, 9, 0, tzinfo=LONDON)


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def on_day_three():
    with time_machine.travel(DAY_THREE, tick=False):
        yield


def _text(response) -> str:
    html = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_pages_need_a_login(scenario, client):
    response = client.get(reverse("planner:dashboard", args=[scenario.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_lists_the_current_inspection_and_opens_its_dashboard(
    scenario, staff_client, on_day_three
):
    response = staff_client.get("/")
    assert "Under way: Shropshire ILACS 2025" in _text(response)
    assert reverse("planner:dashboard", args=[scenario.slug]) in response.content.decode()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2025, 6, 18, 9, 0), "Day 3 of 15 · week 1, inspectors off site"),
        (dt.datetime(2025, 6, 24, 9, 0), "Day 7 of 15 · week 2, inspectors on site"),
        (dt.datetime(2025, 6, 21, 9, 0), "Not a working day · day 6 of 15 is Monday 23 June"),
        (dt.datetime(2025, 6, 2, 9, 0), "Before the inspection · day one is Monday 16 June 2025"),
        (
            dt.datetime(2025, 8, 1, 9, 0),
            "After the inspection · final feedback was Friday 4 July 2025",
        ),
    ],
)
def test_dashboard_says_where_the_inspection_stands(scenario, staff_client, moment, expected):
    with time_machine.travel(moment.replace(tzinfo=LONDON), tick=False):
        response = staff_client.get(reverse("planner:dashboard", args=[scenario.slug]))
    assert expected in _text(response)


def test_dashboard_shows_deadlines_with_countdowns_overdue_work_and_todays_tasks(
    scenario, staff_client, on_day_three
):
    response = staff_client.get(reverse("planner:dashboard", args=[scenario.slug]))
    text = _text(response)
    html = response.content.decode()
    assert "Library · 12:00 today" in text
    upload = Task.objects.get(inspection=scenario, key="library-upload")
    assert 'data-countdown="2025-06-18T12:00:00+01:00"' in html
    assert f'id="task-row-{upload.pk}"' in html  # due today, tickable in place
    assert "Overdue since" in text
    overdue = scenario.tasks.overdue_at(DAY_THREE).count()
    assert overdue > 5 and f"All {overdue} overdue tasks" in text


def test_ticking_a_task_with_htmx_returns_the_row_done(scenario, staff_client, on_day_three):
    task = Task.objects.get(inspection=scenario, key="library-qa")
    response = staff_client.post(
        reverse("planner:task-status", args=[scenario.slug, task.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    html = response.content.decode()
    assert html.strip().startswith(
        f'<tr class="govuk-table__row app-task-done" id="task-row-{task.pk}"'
    )
    assert "Reopen" in html
    assert "now done" in json.loads(response["HX-Trigger"])["app:announce"]


def test_a_blocked_task_stays_open_and_says_why_in_its_row(scenario, staff_client, on_day_three):
    task = Task.objects.get(inspection=scenario, key="library-upload")
    response = staff_client.post(
        reverse("planner:task-status", args=[scenario.slug, task.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.TODO
    assert "can't be marked done while it waits on" in _text(response)
    assert f'id="task-{task.pk}-error"' in response.content.decode()


def test_ticking_without_javascript_redirects_back_but_never_off_site(scenario, staff_client):
    task = Task.objects.get(inspection=scenario, key="library-qa")
    url = reverse("planner:task-status", args=[scenario.slug, task.pk])
    response = staff_client.post(url, {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == f"/inspections/{scenario.slug}/days/{task.due_day}/"
    response = staff_client.post(url, {"status": "todo", "next": "/inspections/x/tasks/"})
    assert response["Location"] == "/inspections/x/tasks/"


def test_tasks_filter_by_status_owner_and_day(scenario, staff_client, on_day_three):
    url = reverse("planner:tasks", args=[scenario.slug])
    everything = staff_client.get(url)
    assert f"{scenario.tasks.count()} tasks." in _text(everything)
    owner = Task.objects.filter(inspection=scenario, owner__isnull=False).first().owner
    owned = scenario.tasks.filter(owner=owner).count()
    by_owner = staff_client.get(url, {"owner": owner.pk, "group": "owner"})
    assert f"{owned} task" in _text(by_owner)
    day_three = staff_client.get(url, {"day": "3", "status": "open"})
    assert f"{scenario.tasks.filter(due_day=3).open().count()} tasks." in _text(day_three)
    assert "Upload the library" in _text(day_three)


def test_a_bad_day_filter_gets_a_govuk_error_summary(scenario, staff_client):
    response = staff_client.get(reverse("planner:tasks", args=[scenario.slug]), {"day": "soon"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#filter-day"' in html
    assert response.status_code == 400
    assert "Day must be a whole number" in html


def test_days_list_counts_tasks_per_day_and_links_each_day(scenario, staff_client, on_day_three):
    response = staff_client.get(reverse("planner:days", args=[scenario.slug]))
    html = response.content.decode()
    for n in (1, 3, 15):
        assert reverse("planner:day", args=[scenario.slug, n]) in html
    # nothing is dated before the unannounced call, so the list starts at day one
    assert reverse("planner:day", args=[scenario.slug, -1]) not in html
    assert "Today" in _text(response)
    # a day before the call still has its page
    assert staff_client.get(reverse("planner:day", args=[scenario.slug, -10])).status_code == 200


def test_people_inspectors_and_rooms(scenario, staff_client, on_day_three):
    people = _text(staff_client.get(reverse("inspections:people", args=[scenario.slug])))
    assert f"{scenario.people.count()} people." in people
    inspectors = _text(staff_client.get(reverse("inspections:inspectors", args=[scenario.slug])))
    lead = scenario.inspectors.get(role="lead")
    assert lead.full_name in inspectors
    rooms = staff_client.get(reverse("scheduling:rooms", args=[scenario.slug]))
    assert rooms.status_code == 200
    first = Venue.objects.filter(inspection=scenario).order_by("name").first()
    assert first.name in _text(rooms)


def test_search_finds_a_person_a_task_a_meeting_a_document_and_a_child(scenario, staff_client):
    url = reverse("planner:search", args=[scenario.slug])
    person = scenario.people.order_by("pk").first()
    assert person.full_name in _text(staff_client.get(url, {"q": person.full_name}))
    assert "Upload the library" in _text(staff_client.get(url, {"q": "upload the library"}))
    first = Meeting.objects.filter(inspection=scenario).order_by("pk").first()
    assert first.title in _text(staff_client.get(url, {"q": first.title}))
    doc = LibraryDocument.objects.filter(inspection=scenario).order_by("pk").first()
    assert doc.title in _text(staff_client.get(url, {"q": doc.title}))
    child_id = Audit.objects.filter(inspection=scenario).order_by("pk").first().child_id
    found = _text(staff_client.get(url, {"q": child_id}))
    assert f"result for “{child_id}”" in found or f"results for “{child_id}”" in found
    assert "Audit (child ID)" in found
    venue = Venue.objects.filter(inspection=scenario).order_by("pk").first()
    found = staff_client.get(url, {"q": venue.name}).content.decode()
    assert reverse("scheduling:rooms", args=[scenario.slug]) + f"#venue-{venue.pk}" in found


def test_a_too_short_search_gets_an_error_summary(scenario, staff_client):
    response = staff_client.get(reverse("planner:search", args=[scenario.slug]), {"q": "a"})
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'href="#search-q"' in html


def test_service_navigation_marks_the_current_section(scenario, staff_client):
    html = staff_client.get(reverse("planner:tasks", args=[scenario.slug])).content.decode()
    current = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)" aria-current="page"', html
    )
    assert current == [reverse("planner:tasks", args=[scenario.slug])]
    for label in ("Dashboard", "Days", "Tasks", "People", "Rooms", "Search"):
        assert f">{label}<" in html


def test_healthz_is_tiny_and_open():

    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_demo_user_prints_a_login_per_role_that_works_and_resets_it(scenario, client):
    out = io.StringIO()
    call_command("demo_user", stdout=out)
    logins = re.findall(r"(\w[\w ]*?)\s+username: (\S+)\s+password: (\S+)", out.getvalue())
    assert [(role.strip(), user) for role, user, _ in logins] == [
        ("Coordinator", "coordinator"),
        ("Project team", "team"),
        ("Staff", "staff"),
        ("Viewer", "viewer"),
    ]
    for role, username, password in logins:
        assert client.login(username=username, password=password)
        membership = Membership.objects.get(user__username=username, inspection=scenario)
        assert membership.get_role_display() == role.strip()
        assert client.get(reverse("planner:dashboard", args=[scenario.slug])).status_code == 200
    call_command("demo_user", stdout=io.StringIO())
    _, username, password = logins[0]
    assert not client.login(username=username, password=password)  # a new password each time


def test_dashboard_puts_todays_meetings_on_a_lane_per_inspector(scenario, staff_client):

    lead = scenario.inspectors.get(role="lead")
    team = scenario.inspectors.filter(role="team").order_by("ref").first()
    meetings = [
        m
        for m in Meeting.objects.filter(inspection=scenario, mode="teams", inspector_rule="any")
        .exclude(meeting_type__counts_as_case=True)
        .order_by("pk")
        if 7 in m.window_days
    ][:3]
    day_seven = scenario.calendar.date_for_day(7)
    for hour, meeting, who in zip((9, 11, 14), meetings, (lead, team, lead), strict=True):
        start = to_utc(day_seven, dt.time(hour, 0))
        meeting.start, meeting.end = start, start + dt.timedelta(minutes=meeting.duration)
        meeting.status = MeetingStatus.PLANNED
        meeting.save()
        meeting.assigned_inspectors.set([who])
    url = reverse("planner:dashboard", args=[scenario.slug])
    with time_machine.travel(dt.datetime(2025, 6, 24, 8, 0, tzinfo=LONDON), tick=False):
        draft = _text(staff_client.get(url))
        publish(scenario)
        published = _text(staff_client.get(url))
    assert "From the draft timetable" in draft
    assert "From the draft timetable" not in published
    assert "Timetable v1 published: 3 new" in published  # the release's changelog
    assert "09:00–" in published and meetings[0].title in published
    assert meetings[1].title in published and meetings[2].title in published
    # the lead's lane holds the 09:00 and 14:00 meetings; the team inspector's the 11:00 one
    lead_lane = published.split(f"{lead.full_name} ", 1)[1]
    assert "09:00–" in lead_lane and "14:00–" in lead_lane
    assert team.full_name in published.split("Today's meetings", 1)[1]


def test_a_wrong_password_gets_a_govuk_error_summary(db, client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_username"' in html
