import datetime as dt

import pytest

from inspections.models import Inspection, Person, PersonKind, Task, TaskStatus
from inspections.services.errors import TaskBlocked
from inspections.services.inspections import move_day_one, workflow_for
from inspections.services.tasks import apply_template, set_task_owner, set_task_status


@pytest.fixture
def inspection(db):
    insp = Inspection.objects.create(
        slug="test", title="Test", local_authority="Testshire", day_one=dt.date(2025, 6, 16)
    )
    Person.objects.create(
        inspection=insp,
        ref="coord",
        full_name="C Ord",
        kind=PersonKind.PROJECT_TEAM,
        role="coordinator",
    )
    Person.objects.create(
        inspection=insp,
        ref="perf",
        full_name="P Erf",
        kind=PersonKind.PROJECT_TEAM,
        role="performance",
    )
    return insp


def test_applying_the_template_creates_dated_tasks_with_owners(inspection):
    result = apply_template(inspection, workflow_for(inspection))
    assert result.created == Task.objects.filter(inspection=inspection).count() > 60
    upload = Task.objects.get(inspection=inspection, key="annex-a-upload")
    assert upload.owner.full_name == "P Erf"
    assert upload.due_at.date() == dt.date(2025, 6, 17)
    assert set(upload.depends_on.values_list("key", flat=True)) == {"annex-a-checks"}
    # repeated tasks: one KIT per on-site day
    assert Task.objects.filter(inspection=inspection, template_key="kit-lead").count() == 10


def test_reapplying_is_idempotent_and_keeps_status_and_owner_edits(inspection):
    template = workflow_for(inspection)
    apply_template(inspection, template)
    count = Task.objects.count()
    task = Task.objects.get(key="audit-list")
    other = Person.objects.get(ref="coord")
    set_task_status(task, TaskStatus.DONE)
    set_task_owner(task, other)
    result = apply_template(inspection, template)
    assert Task.objects.count() == count
    assert result.created == 0 and result.updated == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.owner == other


def test_a_task_cannot_be_done_while_a_dependency_is_open(inspection):
    apply_template(inspection, workflow_for(inspection))
    upload = Task.objects.get(key="annex-a-upload")
    with pytest.raises(TaskBlocked, match="waits on: Annexe A data-quality checks"):
        set_task_status(upload, TaskStatus.DONE)
    upload.refresh_from_db()
    assert upload.status == TaskStatus.TODO
    for key in ["notification-logged", "annex-a-extract", "annex-a-checks"]:
        set_task_status(Task.objects.get(key=key), TaskStatus.DONE)
    assert set_task_status(upload, TaskStatus.DONE).status == TaskStatus.DONE


def test_a_done_task_cannot_be_reopened_under_a_done_dependent(inspection):
    apply_template(inspection, workflow_for(inspection))
    first = Task.objects.get(key="notification-logged")
    set_task_status(first, TaskStatus.DONE)
    set_task_status(Task.objects.get(key="setup-meeting"), TaskStatus.DONE)
    with pytest.raises(TaskBlocked, match="can't be reopened"):
        set_task_status(first, TaskStatus.TODO)


def test_moving_day_one_redates_tasks(inspection):

    apply_template(inspection, workflow_for(inspection))
    move_day_one(inspection, dt.date(2025, 5, 19))
    final = Task.objects.get(key="final-feedback")
    assert final.due_at.date() == dt.date(2025, 6, 6)
    assert Inspection.objects.get(pk=inspection.pk).final_day == dt.date(2025, 6, 6)
    # nine on-site days now: the tenth KIT copy is gone, the others re-dated
    kits = Task.objects.filter(template_key="kit-lead").order_by("due_at")
    assert kits.count() == 9
    assert kits.first().due_at.date() == dt.date(2025, 5, 27)
