"""Tasks added by hand: a page adds them, day sheets show them like template tasks, and
re-applying the workflow (or moving day one) keeps them, re-dated from their day number."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from inspections.calendar import LONDON
from inspections.models import Inspection, Person, PersonKind, Role, Task, TaskStatus
from inspections.services.errors import InvalidFields, TaskBlocked
from inspections.services.hand_tasks import add_task, delete_task, edit_task
from inspections.services.inspections import move_day_one, workflow_for
from inspections.services.tasks import apply_template, set_task_status


@pytest.fixture
def inspection(db):
    insp = Inspection.objects.create(
        slug="byhand", title="By hand", local_authority="Testshire", day_one=dt.date(2025, 6, 16)
    )
    for ref, name, role in (("coord", "C Ord", "coordinator"), ("perf", "P Erf", "performance")):
        Person.objects.create(
            inspection=insp, ref=ref, full_name=name, kind=PersonKind.PROJECT_TEAM, role=role
        )
    apply_template(insp, workflow_for(insp))
    return insp


def _form(inspection, **overrides):
    data = {
        "title": "Book the council chamber for the final feedback",
        "owner": "perf",
        "due_day": "3",
        "due_time": "11:15",
        "depends_on": [str(Task.objects.get(inspection=inspection, key="annex-a-upload").pk)],
        "description": "Ask democratic services.",
    }
    data.update(overrides)
    return data


def _daysheet_json(inspection, day):
    out = io.StringIO()
    call_command("daysheet", inspection.slug, "--day", str(day), "--json", stdout=out)
    return {t["key"]: t for t in json.loads(out.getvalue())["tasks"]}


def test_a_task_added_on_the_page_is_on_its_days_sheet_marked_added_by_hand(
    inspection, staff_client
):
    url = reverse("planner:task-new", args=[inspection.slug])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, _form(inspection))
    assert response.status_code == 302
    assert response["Location"] == reverse("planner:day", args=[inspection.slug, 3])
    task = Task.objects.get(inspection=inspection, key="hand-1")
    assert (task.template_key, task.title, task.owner.ref, task.due_day, task.phase) == (
        "",
        "Book the council chamber for the final feedback",
        "perf",
        3,
        "week1",
    )
    # day 3 is Wednesday 18 June 2025; 11:15 UK time is 10:15 UTC (BST)
    assert task.due_at == dt.datetime(2025, 6, 18, 10, 15, tzinfo=dt.UTC)
    assert [d.key for d in task.depends_on.all()] == ["annex-a-upload"]

    page = staff_client.get(response["Location"]).content.decode()
    row = page.split(f'id="task-row-{task.pk}"')[1].split("</tr>")[0]
    assert "Book the council chamber for the final feedback" in row
    assert "Added by hand" in row and "11:15" in row
    assert "Waits on: Upload Annexe A" in row
    sheet = _daysheet_json(inspection, 3)
    assert sheet["hand-1"] == {
        "key": "hand-1",
        "title": "Book the council chamber for the final feedback",
        "owner_role": "performance",
        "owner": "P Erf",
        "due": "2025-06-18T11:15:00+01:00",
        "status": "todo",
        "overdue": sheet["hand-1"]["overdue"],
        "depends_on": ["annex-a-upload"],
        "waits_on": ["annex-a-upload"],
        "progress": None,
        "risk": None,
        "added_by_hand": True,
    }
    assert sheet["audit-list"]["added_by_hand"] is False
    tasks_page = staff_client.get(reverse("planner:tasks", args=[inspection.slug])).content
    assert tasks_page.decode().count("Added by hand") == 1


def test_errors_name_each_field_and_save_nothing(inspection, staff_client):
    count = Task.objects.count()
    response = staff_client.post(
        reverse("planner:task-new", args=[inspection.slug]),
        _form(inspection, title="", owner="nobody", due_day="soon", due_time="9am"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field, message in [
        ("title", "Title: enter what needs doing."),
        ("owner", "Owner: choose a person of this inspection from the list."),
        ("due_day", "Due day: enter a whole number"),
        ("due_time", "Due time: use HH:MM"),
    ]:
        assert f'<a href="#{field}">{message}' in html, field
        assert f'id="{field}-error"' in html, field
    # a day that parses but is outside the inspection: the service names the range
    response = staff_client.post(
        reverse("planner:task-new", args=[inspection.slug]), _form(inspection, due_day="0")
    )
    assert response.status_code == 400
    assert (
        '<a href="#due_day">Due day: choose a working day of this inspection, from -60 to 265'
        in response.content.decode()
    )
    assert Task.objects.count() == count


def test_the_service_refuses_another_inspections_task_and_a_loop(inspection):
    other = Inspection.objects.create(
        slug="other", title="Other", local_authority="X", day_one=dt.date(2025, 6, 16)
    )
    apply_template(other, workflow_for(other))
    perf = Person.objects.get(inspection=inspection, ref="perf")
    with pytest.raises(InvalidFields) as err:
        add_task(
            None,
            inspection,
            title="Check",
            owner=perf,
            due_day=400,
            depends_on=[Task.objects.get(inspection=other, key="audit-list")],
        )
    assert err.value.errors == {
        "due_day": "Due day: choose a working day of this inspection, from -60 to 265 "
        "(day 1 is day one, 15 the final feedback; there is no day 0).",
        "depends_on": "Depends on: choose tasks of this inspection.",
    }
    first = add_task(None, inspection, title="First", owner=perf, due_day=2)
    second = add_task(None, inspection, title="Second", owner=perf, due_day=3, depends_on=[first])
    assert (first.key, second.key) == ("hand-1", "hand-2")
    with pytest.raises(InvalidFields) as err:
        edit_task(None, first, title="First", owner=perf, due_day=2, depends_on=[second])
    assert err.value.errors == {
        "depends_on": "Depends on: that would make a loop (hand-1 → hand-2 → hand-1); "
        "a task cannot wait on a task that waits on it."
    }
    with pytest.raises(TaskBlocked):
        set_task_status(second, TaskStatus.DONE)


def test_reapplying_the_template_and_moving_day_one_keep_it_re_dated(inspection):
    perf = Person.objects.get(inspection=inspection, ref="perf")
    task = add_task(None, inspection, title="Brief the chair", owner=perf, due_day=7)
    assert task.due_at.astimezone(LONDON) == dt.datetime(2025, 6, 24, 17, 30, tzinfo=LONDON)
    apply_template(inspection, workflow_for(inspection))
    assert Task.objects.get(pk=task.pk).due_at == task.due_at
    move_day_one(inspection, dt.date(2025, 5, 19))
    moved = Task.objects.get(pk=task.pk)
    # day 7 of an inspection from Monday 19 May 2025: the late May bank holiday (26 May) is
    # skipped, so day 7 is Wednesday 28 May
    assert (moved.title, moved.due_day, moved.template_key) == ("Brief the chair", 7, "")
    assert moved.due_at.astimezone(LONDON) == dt.datetime(2025, 5, 28, 17, 30, tzinfo=LONDON)
    assert moved.phase == "onsite"


def test_template_tasks_cannot_be_changed_or_deleted_as_hand_tasks(inspection, staff_client):
    template_task = Task.objects.get(inspection=inspection, key="audit-list")
    url = reverse("planner:task-edit", args=[inspection.slug, template_task.pk])
    assert staff_client.get(url).status_code == 404
    perf = Person.objects.get(inspection=inspection, ref="perf")
    task = add_task(None, inspection, title="Tidy up", owner=perf, due_day=4)
    response = staff_client.post(
        reverse("planner:task-edit", args=[inspection.slug, task.pk]),
        _form(inspection, title="Tidy up the base room", due_day="5", depends_on=[]),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.due_day) == ("Tidy up the base room", 5)
    response = staff_client.post(reverse("planner:task-delete", args=[inspection.slug, task.pk]))
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()
    with pytest.raises(Exception, match="comes from the workflow template"):
        delete_task(None, template_task)


def test_roles_staff_are_refused_and_strangers_see_nothing(inspection, member_client):
    url = reverse("planner:task-new", args=[inspection.slug])
    staff = member_client(inspection, Role.STAFF)
    assert staff.get(url).status_code == 403
    assert staff.post(url, _form(inspection)).status_code == 403
    stranger_inspection = Inspection.objects.create(
        slug="elsewhere", title="Elsewhere", local_authority="Y", day_one=dt.date(2025, 6, 16)
    )
    stranger = member_client(stranger_inspection, Role.COORDINATOR)
    assert stranger.post(url, _form(inspection)).status_code == 404
    team = member_client(inspection, Role.PROJECT_TEAM)
    assert team.post(url, _form(inspection)).status_code == 302
    assert not Task.objects.filter(inspection=inspection, key="hand-2").exists()
    assert Task.objects.filter(inspection=inspection, key="hand-1").exists()


def test_ticking_a_hand_added_task_in_place_keeps_its_mark(inspection, staff_client):
    perf = Person.objects.get(inspection=inspection, ref="perf")
    task = add_task(None, inspection, title="Order lunch", owner=perf, due_day=3)
    response = staff_client.post(
        reverse("planner:task-status", args=[inspection.slug, task.pk]),
        {"status": "done", "day": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert "Added by hand" in row and "Reopen" in row
    assert Task.objects.get(pk=task.pk).status == TaskStatus.DONE
