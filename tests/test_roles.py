"""What each role may do on the planner, timetable and people pages, and what it sees.

A viewer's POST that would publish, move day one, import people or start a plan is refused and
changes nothing; staff tick their own tasks only; child IDs are hidden from viewers everywhere,
and from staff except on meetings they attend; the services refuse a too-low actor even when
called directly (so a command or a task cannot go round the pages).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from evidence.models import Audit, DeepDive
from inspections.access import NotAllowed
from inspections.calendar import LONDON, local_date
from inspections.models import Membership, Person, Role, TaskStatus
from inspections.services.inspections import move_day_one
from inspections.services.people_import import import_people
from inspections.services.tasks import set_task_status
from scheduling.editing import mark_inspector_absent, set_status
from scheduling.models import Meeting, MeetingStatus, PlanRun, PlanRunStatus, ReleaseMeeting
from scheduling.planning import plan
from scheduling.releases import publish
from scheduling.runs import execute_plan_run, start_plan_run

PEOPLE_CSV = (
    "type,name,email,role,job title,team\n"
    "practitioner,Ada Newcomer,ada.newcomer@example.org,,Social worker,Newtown team\n"
)
NEW_DAY_ONE = {"day_one-day": "23", "day_one-month": "6", "day_one-year": "2025"}


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def member(db, django_user_model):
    """make(inspection, role, person=None) -> a user who is a member with that role."""
    made = []

    def make(inspection, role: Role, person: Person | None = None):
        user = django_user_model.objects.create_user(f"roles-{role}-{len(made)}")
        Membership.objects.create(inspection=inspection, user=user, role=role, person=person)
        made.append(user)
        return user

    return make


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(scenario):
    """The scenario planned and published as v1, as `make demo` leaves it."""
    plan(scenario, time_limit=0.5, fresh=True)
    publish(scenario)
    return scenario


def _state(inspection) -> dict[str, object]:
    """What the refused POSTs must leave alone."""
    inspection.refresh_from_db()
    return {
        "releases": inspection.releases.count(),
        "day_one": inspection.day_one,
        "people": inspection.people.count(),
        "plan_runs": PlanRun.objects.filter(inspection=inspection).count(),
    }


ACTIONS = {
    "publish": ("meetings/releases/publish/", {"notes": "v2"}, "releases"),
    "move day one": ("settings/", {**NEW_DAY_ONE, "confirm": "yes"}, "day_one"),
    "import people": ("people/import/", {}, "people"),
    "start a plan": ("meetings/plan/start/", {"time_limit": "1", "seed": "0"}, "plan_runs"),
}


def _post(client: Client, inspection, action: str):
    path, data, _ = ACTIONS[action]
    if action == "import people":
        data = {"file": SimpleUploadedFile("people.csv", PEOPLE_CSV.encode(), "text/csv")}
    return client.post(f"/inspections/{inspection.slug}/{path}", data)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_viewers_post_is_refused_and_changes_nothing(published, member, action):
    before = _state(published)
    response = _post(_client(member(published, Role.VIEWER)), published, action)
    assert response.status_code == 403
    assert _state(published) == before
    # the same POST from a coordinator does change it, so the check above could fail
    allowed = _post(_client(member(published, Role.COORDINATOR)), published, action)
    assert allowed.status_code == 302
    changed = ACTIONS[action][2]
    assert _state(published)[changed] != before[changed]


@pytest.mark.parametrize("action", ["publish", "move day one"])
def test_the_project_team_cannot_publish_or_move_day_one(published, member, action):
    before = _state(published)
    response = _post(_client(member(published, Role.PROJECT_TEAM)), published, action)
    assert response.status_code == 403
    assert _state(published) == before


def test_staff_tick_their_own_task_and_not_someone_elses(scenario, member):
    own = scenario.tasks.filter(owner__isnull=False, status=TaskStatus.TODO).order_by("pk")[0]
    other = (
        scenario.tasks.filter(owner__isnull=False, status=TaskStatus.TODO)
        .exclude(owner=own.owner)
        .order_by("pk")[0]
    )
    staff = _client(member(scenario, Role.STAFF, person=own.owner))
    url = "/inspections/{}/tasks/{}/status/"
    mine = staff.post(url.format(scenario.slug, own.pk), {"status": "in_progress"})
    assert mine.status_code == 302
    own.refresh_from_db()
    assert own.status == TaskStatus.IN_PROGRESS
    theirs = staff.post(url.format(scenario.slug, other.pk), {"status": "in_progress"})
    assert theirs.status_code == 403
    other.refresh_from_db()
    assert other.status == TaskStatus.TODO


def test_pages_offer_staff_the_tick_only_on_their_own_tasks(scenario, member):
    own = scenario.tasks.filter(owner__isnull=False).order_by("pk")[0]
    other = scenario.tasks.exclude(owner=own.owner).order_by("pk")[0]
    html = (
        _client(member(scenario, Role.STAFF, person=own.owner))
        .get(f"/inspections/{scenario.slug}/tasks/")
        .content.decode()
    )
    assert f"/tasks/{own.pk}/status/" in html
    assert f"/tasks/{other.pk}/status/" not in html
    viewer_html = (
        _client(member(scenario, Role.VIEWER)).get(f"/inspections/{scenario.slug}/tasks/")
    ).content.decode()
    assert "/status/" not in viewer_html


def _child_ids(inspection) -> set[str]:
    ids = {c for row in Meeting.objects.filter(inspection=inspection) for c in row.child_ids}
    ids |= set(Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    ids |= set(DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    return ids


def _case_day(inspection) -> int:
    """A working day whose published timetable holds meetings about children."""
    row = (
        ReleaseMeeting.objects.filter(release__inspection=inspection, start__isnull=False)
        .exclude(child_ids=[])
        .order_by("start")
        .first()
    )
    return inspection.calendar.day_for_date(local_date(row.start))


def _pages(inspection) -> list[str]:
    child_meeting = Meeting.objects.filter(inspection=inspection).exclude(child_ids=[])[0]
    base = f"/inspections/{inspection.slug}"
    return [
        f"{base}/",
        f"{base}/days/{_case_day(inspection)}/",
        f"{base}/tasks/",
        f"{base}/meetings/",
        f"{base}/meetings/{child_meeting.pk}/",
        f"{base}/meetings/plan/",
        f"{base}/meetings/releases/",
        f"{base}/search/?q=Case+discussion",
    ]


def _shown(client: Client, url: str, child_ids: set[str]) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return {c for c in child_ids if c in html}


def test_a_viewer_sees_no_child_id_on_any_page(published, member):
    child_ids = _child_ids(published)
    day = _case_day(published)
    now = dt.datetime.combine(published.calendar.date_for_day(day), dt.time(8), tzinfo=LONDON)
    viewer = _client(member(published, Role.VIEWER))
    team = _client(member(published, Role.PROJECT_TEAM))
    with time_machine.travel(now, tick=False):  # the dashboard shows that day's meetings
        for url in _pages(published):
            assert _shown(viewer, url, child_ids) == set(), url
        # the project team sees them on the same pages, so the check above could fail
        assert _shown(team, f"/inspections/{published.slug}/", child_ids)
        assert _shown(team, f"/inspections/{published.slug}/days/{day}/", child_ids)
        assert _shown(team, f"/inspections/{published.slug}/meetings/", child_ids)


def test_search_finds_nothing_by_a_child_id_for_a_viewer(published, member):
    child = DeepDive.objects.filter(inspection=published).order_by("child_id")[0].child_id
    url = f"/inspections/{published.slug}/search/?q={child}"
    viewer = _client(member(published, Role.VIEWER))
    html = viewer.get(url).content.decode()
    assert f"0 results for “{child}”" in html
    # what they typed stays as typed (hiding it would confirm it is a child ID); nothing else
    assert _shown(viewer, url, _child_ids(published) - {child}) == set()
    team = _client(member(published, Role.PROJECT_TEAM)).get(url).content.decode()
    assert f"/children/{child}/" in team
    assert "0 results" not in team


def test_staff_see_the_child_ids_of_meetings_they_attend_only(scenario, member):
    meetings = list(
        Meeting.objects.filter(inspection=scenario)
        .exclude(child_ids=[])
        .prefetch_related("attendees")
        .order_by("pk")
    )
    attended = next(m for m in meetings if m.attendees.exists())
    person = attended.attendees.all()[0]
    others = [
        m
        for m in meetings
        if person not in m.attendees.all() and not set(m.child_ids) & set(attended.child_ids)
    ]
    staff = _client(member(scenario, Role.STAFF, person=person))
    base = f"/inspections/{scenario.slug}/meetings"
    mine = staff.get(f"{base}/{attended.pk}/").content.decode()
    assert all(c in mine for c in attended.child_ids)
    theirs = staff.get(f"{base}/{others[0].pk}/").content.decode()
    assert not any(c in theirs for c in others[0].child_ids)
    assert "IDs are shown to the project team and to those who attend" in theirs
    # the meetings list: their own meeting's child shown, nobody else's
    listing = staff.get(f"{base}/?page=1").content.decode()
    assert not any(c in listing for m in others for c in m.child_ids)


def _placed_meeting(inspection) -> Meeting:
    return Meeting.objects.filter(inspection=inspection, start__isnull=False).order_by("pk")[0]


@pytest.mark.parametrize(
    ("role", "call"),
    [
        (Role.PROJECT_TEAM, lambda i, u: publish(i, actor=u)),
        (Role.PROJECT_TEAM, lambda i, u: move_day_one(i, dt.date(2025, 6, 23), actor=u)),
        (Role.STAFF, lambda i, u: import_people(i, "people.csv", PEOPLE_CSV.encode(), actor=u)),
        (Role.STAFF, lambda i, u: start_plan_run(i, actor=u, time_limit=1)),
        (
            Role.STAFF,
            lambda i, u: mark_inspector_absent(i, i.inspectors.order_by("pk")[0], 6, actor=u),
        ),
        (
            Role.STAFF,
            lambda i, u: set_status(
                _placed_meeting(i),
                MeetingStatus.CANCELLED,
                opened_version=_placed_meeting(i).version,
                actor=u,
            ),
        ),
        (Role.VIEWER, lambda i, u: set_task_status(i.tasks.order_by("pk")[0], "done", actor=u)),
    ],
    ids=["publish", "move day one", "import", "plan", "absence", "meeting status", "task"],
)
def test_services_refuse_a_too_low_actor_called_directly(published, member, role, call):
    before = _state(published)
    with pytest.raises(NotAllowed):
        call(published, member(published, role))
    assert _state(published) == before


def test_a_queued_plan_runs_only_if_its_creator_may_still_plan(scenario, member):
    planner = member(scenario, Role.PROJECT_TEAM)
    run = PlanRun.objects.create(inspection=scenario, created_by=planner, time_limit=1)
    Membership.objects.filter(user=planner).update(role=Role.VIEWER)  # demoted meanwhile
    done = execute_plan_run(run.pk)
    assert done is not None and done.status == PlanRunStatus.FAILED
    assert "project team" in done.error.lower()
    assert not Meeting.objects.filter(inspection=scenario, start__isnull=False).exists()


def test_commands_and_the_loader_act_as_the_system(published):
    # no actor: an operator's command (plan_meetings --publish, load_scenario)
    assert publish(published).number == 2


def test_anyone_signed_in_may_start_an_inspection_and_coordinates_it(db, django_user_model):
    user = django_user_model.objects.create_user("newcomer")
    client = _client(user)
    assert client.get("/inspections/new/").status_code == 200
    response = client.post(
        "/inspections/new/",
        {
            "local_authority": "Newtown Council",
            "title": "Newtown ILACS 2025",
            "slug": "newtown-2025",
            "inspection_type": "ilacs_standard",
            "day_one-day": "16",
            "day_one-month": "6",
            "day_one-year": "2025",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, inspection__slug="newtown-2025")
    assert membership.role == Role.COORDINATOR
    assert client.get("/inspections/newtown-2025/members/").status_code == 200


def test_the_home_page_lists_only_the_inspections_a_user_belongs_to(
    scenario, member, django_user_model
):
    assert scenario.title in _client(member(scenario, Role.VIEWER)).get("/").content.decode()
    stranger = _client(django_user_model.objects.create_user("stranger"))
    assert scenario.title not in stranger.get("/").content.decode()
