"""Who may open what: every URL of the planner × every role × method, on the scenario.

One table per app: (name, method, path, data, the lowest role allowed). Each row is checked
for anonymous (302 to the login page), a signed-in non-member (404), every role below the
lowest allowed (403) and the lowest allowed itself (its `ok` answer). A coordinator of another
inspection gets 404 for every page of this one, and for this one's objects under their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import Client

from annex_a.models import FileCheck
from calendars.feeds import room_key, venue_key
from evidence.models import Audit, CasePackPart, DeepDive
from inspections.calendar import to_utc
from inspections.models import ROLE_ORDER, Membership, Role
from inspections.services.inspections import create_inspection
from scheduling import releases
from scheduling.models import Meeting, PlanRun, Room
from scheduling.snapshots import MeetingSnapshot


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@dataclass(frozen=True)
class Url:
    name: str
    method: str  # "GET" or "POST"
    path: str  # formatted with the ids fixture: {slug}, {meeting}, {task}, ...
    lowest: Role  # the lowest role allowed
    data: dict[str, str] = field(default_factory=dict)
    ok: int = 200  # what the lowest allowed role gets (302 for a POST that redirects)


# The home page and /inspections/new/ name no inspection: tests/test_roles.py covers them.
PLANNER_URLS: list[Url] = [
    Url("planner-dashboard", "GET", "/inspections/{slug}/", Role.VIEWER),
    Url("planner-history", "GET", "/inspections/{slug}/history/", Role.COORDINATOR),
    Url(
        "planner-history-export", "GET", "/inspections/{slug}/history/export.xlsx", Role.COORDINATOR
    ),
    Url("planner-days", "GET", "/inspections/{slug}/days/", Role.VIEWER),
    Url("planner-day", "GET", "/inspections/{slug}/days/6/", Role.VIEWER),
    Url("planner-tasks", "GET", "/inspections/{slug}/tasks/", Role.VIEWER),
    # staff tick only their own tasks (tests/test_roles.py); this one is someone else's
    Url(
        "planner-task-status",
        "POST",
        "/inspections/{slug}/tasks/{task}/status/",
        Role.PROJECT_TEAM,
        {"status": "in_progress"},
        ok=302,
    ),
    Url("planner-settings", "GET", "/inspections/{slug}/settings/", Role.VIEWER),
    # the first step of moving day one: shows the new dates, changes nothing
    Url(
        "planner-settings-check",
        "POST",
        "/inspections/{slug}/settings/",
        Role.COORDINATOR,
        {"day_one-day": "23", "day_one-month": "6", "day_one-year": "2025"},
    ),
    Url("planner-search", "GET", "/inspections/{slug}/search/", Role.VIEWER, {"q": "an"}),
]
INSPECTIONS_URLS: list[Url] = [
    Url("inspections-people", "GET", "/inspections/{slug}/people/", Role.VIEWER),
    Url("inspections-inspectors", "GET", "/inspections/{slug}/inspectors/", Role.VIEWER),
    Url(
        "inspections-people-import", "GET", "/inspections/{slug}/people/import/", Role.PROJECT_TEAM
    ),
    Url(
        "inspections-people-import-post",
        "POST",
        "/inspections/{slug}/people/import/",
        Role.PROJECT_TEAM,
        ok=400,  # no file
    ),
    Url("inspections-members", "GET", "/inspections/{slug}/members/", Role.COORDINATOR),
    Url(
        "inspections-members-add",
        "POST",
        "/inspections/{slug}/members/",
        Role.COORDINATOR,
        {"who": "nobody-at-all", "role": "viewer"},
        ok=400,
    ),
    Url(
        "inspections-member-change",
        "POST",
        "/inspections/{slug}/members/{member}/",
        Role.COORDINATOR,
        {"action": "role"},  # no role chosen
        ok=400,
    ),
]
SCHEDULING_URLS: list[Url] = [
    Url("scheduling-rooms", "GET", "/inspections/{slug}/rooms/", Role.VIEWER),
    Url("scheduling-meetings", "GET", "/inspections/{slug}/meetings/", Role.VIEWER),
    Url("scheduling-meeting-new", "GET", "/inspections/{slug}/meetings/new/", Role.PROJECT_TEAM),
    Url(
        "scheduling-meeting-new-post",
        "POST",
        "/inspections/{slug}/meetings/new/",
        Role.PROJECT_TEAM,
        ok=400,  # nothing filled in
    ),
    # staff see every meeting of the timetable; child IDs only where they attend
    Url("scheduling-meeting", "GET", "/inspections/{slug}/meetings/{meeting}/", Role.VIEWER),
    Url(
        "scheduling-meeting-plan",
        "POST",
        "/inspections/{slug}/meetings/{meeting}/plan/",
        Role.PROJECT_TEAM,
        ok=302,  # refused with a message: the {run} is still queued
    ),
    Url(
        "scheduling-meeting-edit",
        "GET",
        "/inspections/{slug}/meetings/{meeting}/edit/",
        Role.PROJECT_TEAM,
    ),
    Url(
        "scheduling-meeting-edit-post",
        "POST",
        "/inspections/{slug}/meetings/{meeting}/edit/",
        Role.PROJECT_TEAM,
        ok=400,  # no day, time or version
    ),
    Url(
        "scheduling-meeting-check",
        "POST",
        "/inspections/{slug}/meetings/{meeting}/check/",
        Role.PROJECT_TEAM,
        ok=400,
    ),
    Url(
        "scheduling-meeting-status",
        "POST",
        "/inspections/{slug}/meetings/{meeting}/status/",
        Role.PROJECT_TEAM,
        {"status": "cancelled"},  # no version
        ok=400,
    ),
    Url("scheduling-plan", "GET", "/inspections/{slug}/meetings/plan/", Role.VIEWER),
    Url(
        "scheduling-plan-start",
        "POST",
        "/inspections/{slug}/meetings/plan/start/",
        Role.PROJECT_TEAM,
        {"time_limit": "0"},  # a valid one would start a solve
        ok=400,
    ),
    Url("scheduling-plan-run", "GET", "/inspections/{slug}/meetings/plan/runs/{run}/", Role.VIEWER),
    Url(
        "scheduling-absence",
        "POST",
        "/inspections/{slug}/meetings/absence/",
        Role.PROJECT_TEAM,
        {"day": "6"},  # no inspector
        ok=400,
    ),
    Url("scheduling-releases", "GET", "/inspections/{slug}/meetings/releases/", Role.VIEWER),
    Url(
        "scheduling-release-publish",
        "POST",
        "/inspections/{slug}/meetings/releases/publish/",
        Role.COORDINATOR,
        {"notes": "x" * 2001},  # too long: a valid one would publish
        ok=400,
    ),
]
EVIDENCE_URLS: list[Url] = [
    # the library: titles and counts, no child IDs
    Url("evidence-library", "GET", "/inspections/{slug}/library/", Role.VIEWER),
    Url(
        "evidence-library-status",
        "POST",
        "/inspections/{slug}/library/status/",
        Role.PROJECT_TEAM,
        {"new_status": "uploaded"},  # no document chosen
        ok=400,
    ),
    Url("evidence-library-import", "GET", "/inspections/{slug}/library/import/", Role.PROJECT_TEAM),
    Url(
        "evidence-library-import-post",
        "POST",
        "/inspections/{slug}/library/import/",
        Role.PROJECT_TEAM,
        ok=400,  # no file
    ),
    Url(
        "evidence-library-export",
        "GET",
        "/inspections/{slug}/library/export.xlsx",
        Role.COORDINATOR,
    ),
    # lists of child IDs: the project team's
    Url("evidence-audits", "GET", "/inspections/{slug}/audits/", Role.PROJECT_TEAM),
    Url("evidence-audits-import", "GET", "/inspections/{slug}/audits/import/", Role.PROJECT_TEAM),
    Url(
        "evidence-audits-import-post",
        "POST",
        "/inspections/{slug}/audits/import/",
        Role.PROJECT_TEAM,
        ok=400,  # no file
    ),
    Url(
        "evidence-audit-choose",
        "POST",
        "/inspections/{slug}/audits/{audit}/choose/",
        Role.PROJECT_TEAM,
        {"plan_type": "care"},
        ok=302,
    ),
    Url("evidence-deep-dives", "GET", "/inspections/{slug}/deep-dives/", Role.PROJECT_TEAM),
    Url(
        "evidence-deep-dive-unchoose",
        "POST",
        "/inspections/{slug}/deep-dives/{deep_dive}/unchoose/",
        Role.COORDINATOR,  # it deletes the child's pack
        ok=302,
    ),
    Url(
        "evidence-pack-part",
        "POST",
        "/inspections/{slug}/deep-dives/parts/{part}/",
        Role.PROJECT_TEAM,
        {"collated": "on"},  # by its collator so far
        ok=302,
    ),
    Url("evidence-child", "GET", "/inspections/{slug}/children/{child}/", Role.PROJECT_TEAM),
]
ANNEX_A_URLS: list[Url] = [
    Url("annex-a-tracker", "GET", "/inspections/{slug}/annex-a/", Role.VIEWER),
    Url(
        "annex-a-checklist",
        "POST",
        "/inspections/{slug}/annex-a/lists/1/",
        Role.PROJECT_TEAM,
        {"done": "extract_run"},
        ok=302,
    ),
    Url("annex-a-export", "GET", "/inspections/{slug}/annex-a/export.xlsx", Role.COORDINATOR),
    Url("annex-a-upload", "GET", "/inspections/{slug}/annex-a/checks/", Role.PROJECT_TEAM),
    Url(
        "annex-a-upload-post",
        "POST",
        "/inspections/{slug}/annex-a/checks/",
        Role.PROJECT_TEAM,
        ok=400,  # no file
    ),
    # a check's findings name child IDs
    Url("annex-a-check", "GET", "/inspections/{slug}/annex-a/checks/{check}/", Role.PROJECT_TEAM),
    Url(
        "annex-a-check-progress",
        "GET",
        "/inspections/{slug}/annex-a/checks/{check}/progress/",
        Role.PROJECT_TEAM,
    ),
]
CALENDARS_URLS: list[Url] = [
    # the published timetable: every member, child IDs as the role allows
    Url("calendars-index", "GET", "/inspections/{slug}/calendar/", Role.VIEWER),
    Url("calendars-day", "GET", "/inspections/{slug}/calendar/days/6/", Role.VIEWER),
    Url(
        "calendars-run-sheet", "GET", "/inspections/{slug}/calendar/days/6/run-sheet/", Role.VIEWER
    ),
    Url("calendars-week", "GET", "/inspections/{slug}/calendar/weeks/2/", Role.VIEWER),
    Url("calendars-room", "GET", "/inspections/{slug}/calendar/rooms/{room}/", Role.VIEWER),
    Url("calendars-venue", "GET", "/inspections/{slug}/calendar/venues/{venue}/", Role.VIEWER),
    Url("calendars-person", "GET", "/inspections/{slug}/calendar/people/{person}/", Role.VIEWER),
    Url(
        "calendars-draft",
        "GET",
        "/inspections/{slug}/calendar/days/6/",
        Role.PROJECT_TEAM,
        {"plan": "draft"},
    ),
    # every feed secret, the whole inspection's among them
    Url("calendars-links", "GET", "/inspections/{slug}/feeds/", Role.COORDINATOR),
    Url(
        "calendars-link-create",
        "POST",
        "/inspections/{slug}/feeds/action/",
        Role.COORDINATOR,
        {"action": "create"},
        ok=302,
    ),
    Url(
        "calendars-link-show",
        "POST",
        "/inspections/{slug}/feeds/action/",
        Role.COORDINATOR,
        {"action": "show"},  # no link chosen
        ok=400,
    ),
    Url(
        "calendars-link-regenerate",
        "POST",
        "/inspections/{slug}/feeds/action/",
        Role.COORDINATOR,
        {"action": "regenerate"},  # no link chosen
        ok=400,
    ),
    Url(
        "calendars-link-revoke",
        "POST",
        "/inspections/{slug}/feeds/action/",
        Role.COORDINATOR,
        {"action": "revoke"},  # no link chosen
        ok=400,
    ),
]

URLS = (
    PLANNER_URLS
    + INSPECTIONS_URLS
    + SCHEDULING_URLS
    + EVIDENCE_URLS
    + ANNEX_A_URLS
    + CALENDARS_URLS
)

OBJECT_KEYS = (
    "{task}",
    "{meeting}",
    "{audit}",
    "{part}",
    "{deep_dive}",
    "{check}",
    "{token}",
    "{run}",
    "{member}",
)


def _published_meeting(inspection) -> MeetingSnapshot:
    """Release v1 holding one meeting (a child's case discussion in a Shirehall room on day 6),
    so the calendar's room, venue and person pages have something to show. The draft is put
    back as the scenario left it (nothing placed)."""
    meeting = (
        Meeting.objects.filter(inspection=inspection, meeting_type__key="case_discussion")
        .exclude(venue=None)
        .order_by("pk")
        .first()
    )
    inspector = next(i for i in inspection.inspectors.order_by("pk") if 6 in (i.onsite_days or []))
    start = to_utc(inspection.calendar.date_for_day(6), dt.time(10, 0))
    meeting.start, meeting.end = start, start + dt.timedelta(minutes=meeting.duration)
    meeting.room = Room.objects.filter(venue=meeting.venue).order_by("pk").first()
    meeting.save()
    meeting.assigned_inspectors.set([inspector])
    releases.publish(inspection)
    meeting.start = meeting.end = meeting.room = None
    meeting.save()
    meeting.assigned_inspectors.clear()
    (snapshot,) = releases.latest_release_meetings(inspection)
    return snapshot


@pytest.fixture
def ids(scenario, django_user_model) -> dict[str, object]:
    """The objects the table's paths name, from the loaded scenario."""
    published = _published_meeting(scenario)
    member = Membership.objects.create(
        inspection=scenario, user=django_user_model.objects.create_user("a-viewer"), role="viewer"
    )
    return {
        "member": member.pk,
        "run": PlanRun.objects.create(inspection=scenario).pk,  # queued: no solve starts
        "check": FileCheck.objects.create(inspection=scenario, file_names=["annex-a.xlsx"]).pk,
        "room": room_key(published),
        "venue": venue_key(published),
        "person": published.attendees[0].ref,
        "slug": scenario.slug,
        "task": scenario.tasks.order_by("pk").first().pk,
        "meeting": Meeting.objects.filter(inspection=scenario).order_by("pk").first().pk,
        "audit": Audit.objects.filter(inspection=scenario).order_by("pk").first().pk,
        "part": CasePackPart.objects.filter(deep_dive__inspection=scenario)
        .order_by("pk")
        .first()
        .pk,
        "deep_dive": DeepDive.objects.filter(inspection=scenario).order_by("pk").first().pk,
        "child": DeepDive.objects.filter(inspection=scenario).order_by("pk").first().child_id,
    }


def _send(client: Client, url: Url, path: str):
    if url.method == "GET":
        return client.get(path, url.data)
    return client.post(path, url.data)


def _signed_in(django_user_model, username: str) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user(username))
    return client


@pytest.mark.parametrize("url", URLS, ids=[u.name for u in URLS])
def test_each_role_gets_what_its_role_allows(scenario, ids, member_client, django_user_model, url):
    path = url.path.format(**ids)
    anonymous = _send(Client(), url, path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    # a coordinator of another inspection is a stranger to this one
    other = create_inspection(
        slug="elsewhere-2025",
        title="Elsewhere ILACS 2025",
        local_authority="Elsewhere Council",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )
    stranger = member_client(other, Role.COORDINATOR)
    assert _send(stranger, url, path).status_code == 404
    assert _send(_signed_in(django_user_model, "no-member"), url, path).status_code == 404
    for role in ROLE_ORDER[: ROLE_ORDER.index(url.lowest)]:
        assert _send(member_client(scenario, role), url, path).status_code == 403, role
    allowed = _send(member_client(scenario, url.lowest), url, path)
    assert allowed.status_code == url.ok, allowed.content.decode()[:2000]


OBJECT_URLS = [u for u in URLS if any(key in u.path for key in OBJECT_KEYS)]


@pytest.mark.parametrize("url", OBJECT_URLS, ids=[u.name for u in OBJECT_URLS])
def test_a_coordinator_of_one_inspection_cannot_reach_objects_of_another(
    scenario, ids, member_client, url
):
    mine = create_inspection(
        slug="mine-2025",
        title="Mine ILACS 2025",
        local_authority="Mine Council",
        inspection_type="ilacs_standard",
        day_one=dt.date(2025, 6, 16),
    )
    coordinator = member_client(mine, Role.COORDINATOR)
    # my inspection's slug, the scenario's objects
    path = url.path.format(**{**ids, "slug": mine.slug})
    assert _send(coordinator, url, path).status_code == 404
