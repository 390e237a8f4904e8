"""Manual edits in the web app: live checks, the version check, and the background planner."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections.calendar import LONDON
from scheduling.editing import Proposal, StaleMeeting, move_meeting
from scheduling.models import Meeting, PlanRun, Release
from scheduling.planning import plan
from scheduling.runs import execute_plan_run, start_plan_run


@pytest.fixture
def scenario(shared_scenario):
    return shared_scenario  # loaded once for the module (tests/conftest.py)


@pytest.fixture
def planned(scenario):
    plan(scenario, time_limit=0.5, fresh=True)
    return scenario


def _teams_case(inspection):
    return (
        Meeting.objects.for_inspection(inspection)
        .placed()
        .filter(mode="teams", meeting_type__key="case_discussion")
        .with_people()
        .first()
    )


def _form(meeting, inspection, **overrides):
    start = meeting.start.astimezone(LONDON)
    data = {
        "day": str(inspection.calendar.day_for_date(start.date())),
        "time": f"{start:%H:%M}",
        "inspectors": [i.ref for i in meeting.assigned_inspectors.all()],
        "version": str(meeting.version),
    }
    data.update(overrides)
    return data


def test_two_people_editing_one_meeting_cannot_overwrite_each_other(planned):
    m = _teams_case(planned)
    opened = m.version
    inspectors = tuple(m.assigned_inspectors.all())
    move_meeting(m, Proposal(m.start, None, inspectors), opened_version=opened)  # first save wins
    with pytest.raises(StaleMeeting, match="changed by someone else since you opened it"):
        move_meeting(
            m, Proposal(m.start + dt.timedelta(minutes=15), None, inspectors), opened_version=opened
        )


def test_stale_form_is_refused_with_a_clear_message(planned, staff_client):
    m = _teams_case(planned)
    url = reverse("scheduling:meeting-edit", args=[planned.slug, m.pk])
    Meeting.objects.filter(pk=m.pk).update(version=m.version + 1)  # someone else saved
    response = staff_client.post(url, _form(m, planned))
    assert response.status_code == 409
    assert "changed by someone else since you opened it" in response.content.decode()
    assert Meeting.objects.get(pk=m.pk).start == m.start


def test_saving_a_clash_is_refused_and_explained(planned, staff_client):
    m = _teams_case(planned)
    other = (
        Meeting.objects.for_inspection(planned)
        .placed()
        .filter(assigned_inspectors__in=m.assigned_inspectors.all())
        .exclude(pk=m.pk)
        .first()
    )
    start = other.start.astimezone(LONDON)
    url = reverse("scheduling:meeting-edit", args=[planned.slug, m.pk])
    response = staff_client.post(
        url,
        _form(
            m, planned, time=f"{start:%H:%M}", day=str(planned.calendar.day_for_date(start.date()))
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "not saved" in body and "at once" in body
    assert Meeting.objects.get(pk=m.pk).version == m.version


def test_live_check_lists_violations_without_saving(planned, staff_client):
    m = _teams_case(planned)
    url = reverse("scheduling:meeting-check", args=[planned.slug, m.pk])
    response = staff_client.post(url, _form(m, planned, time="19:00"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "outside its allowed times" in response.content.decode()
    ok = staff_client.post(url, _form(m, planned), HTTP_HX_REQUEST="true")
    assert "No clashes" in ok.content.decode()
    assert Meeting.objects.get(pk=m.pk).version == m.version


def test_pages_render(planned, staff_client):
    m = _teams_case(planned)
    for name, args in [
        ("scheduling:meetings", [planned.slug]),
        ("scheduling:meeting", [planned.slug, m.pk]),
        ("scheduling:meeting-edit", [planned.slug, m.pk]),
        ("scheduling:plan", [planned.slug]),
        ("scheduling:releases", [planned.slug]),
    ]:
        response = staff_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    filtered = staff_client.get(
        reverse("scheduling:meetings", args=[planned.slug]), {"day": "8", "inspector": "insp-lead"}
    )
    assert (
        filtered.status_code == 200
        and "Lead inspector KIT with the DCS (day 8)" in filtered.content.decode()
    )


def test_pages_need_a_login(planned, client):
    response = client.get(reverse("scheduling:plan", args=[planned.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_publish_button_makes_a_release(planned, staff_client):
    response = staff_client.post(
        reverse("scheduling:release-publish", args=[planned.slug]), {"notes": "v1"}
    )
    assert response.status_code == 302
    assert Release.objects.get(inspection=planned).number == 1


def test_background_plan_runs_and_reports(
    scenario, staff_client, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("scheduling:plan-start", args=[scenario.slug]), {"time_limit": "1", "seed": "0"}
        )
    assert response.status_code == 302
    run = PlanRun.objects.get(inspection=scenario)
    assert run.status == "done" and run.progress == 100
    assert run.summary["placed"] == run.summary["total"]
    poll = staff_client.get(reverse("scheduling:plan-run", args=[scenario.slug, run.pk]))
    assert "Done" in poll.content.decode()


def test_a_run_is_claimed_once(scenario):
    run = PlanRun.objects.create(inspection=scenario, time_limit=0.5)
    PlanRun.objects.filter(pk=run.pk).update(status="running")  # another worker has it
    assert execute_plan_run(run.pk) is None
    assert PlanRun.objects.get(pk=run.pk).status == "running"


def test_only_one_run_at_a_time(scenario):
    PlanRun.objects.create(inspection=scenario, status="running")
    with pytest.raises(Exception, match="already being worked out"):
        start_plan_run(scenario, time_limit=1)
