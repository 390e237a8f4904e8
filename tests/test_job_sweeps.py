"""Jobs that cannot stick: a plan run or Annexe A check older than the worker timeout plus a
margin is shown as failed and blocks nothing; uploads no running check needs are deleted.

The worker itself is in tests/test_worker_real.py; here the jobs are rows left as a dead
worker leaves them, and the clock is moved with time-machine.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from annex_a.models import CheckStatus, FileCheck
from annex_a.services.checks import WORKER_LOST as CHECK_WORKER_LOST
from planner.services.jobs import SCHEDULE_NAME, install_schedule
from scheduling.models import PlanRun, PlanRunStatus
from scheduling.runs import WORKER_LOST as RUN_WORKER_LOST
from scheduling.runs import start_plan_run

START = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cutoff(settings):
    """How long after it started a job still queued or running counts as abandoned."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300}
    settings.JOBS_STALE_MARGIN_SECONDS = 60
    return dt.timedelta(seconds=360)


@pytest.fixture(autouse=True)
def storage(settings):
    """An empty storage of its own (the in-memory one lives as long as the test process)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _running_run(inspection, **fields):
    run = PlanRun.objects.create(inspection=inspection, time_limit=60)
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRunStatus.RUNNING, started_at=timezone.now(), progress=30, **fields
    )
    return run


def _upload(check_pk, name="0-annex.xlsx"):
    return default_storage.save(
        f"annex_a/uploads/{check_pk}-0123abcd/{name}", ContentFile(b"child ids")
    )


def _check(inspection, status, *, started=True, files=True):
    check = FileCheck.objects.create(inspection=inspection, file_names=["annex.xlsx"])
    stored = [_upload(check.pk)] if files else []
    FileCheck.objects.filter(pk=check.pk).update(
        status=status, stored_files=stored, started_at=timezone.now() if started else None
    )
    check.refresh_from_db()
    return check


def _uploads():
    if not default_storage.exists("annex_a/uploads"):
        return []
    folders, files = default_storage.listdir("annex_a/uploads")
    return sorted(
        [f"annex_a/uploads/{f}" for f in files]
        + [
            f"annex_a/uploads/{d}/{f}"
            for d in folders
            for f in default_storage.listdir(f"annex_a/uploads/{d}")[1]
        ]
    )


def _plan_run_fragment(client, inspection, run):
    url = reverse("scheduling:plan-run", args=[inspection.slug, run.pk])
    return client.get(url).content.decode()


def test_a_running_plan_blocks_a_new_one_until_timeout_and_margin_have_passed(
    scenario, staff_client, cutoff, clock
):
    run = _running_run(scenario)
    clock.shift(cutoff)  # exactly the cutoff: it may still be working
    assert "Running" in _plan_run_fragment(staff_client, scenario, run)
    with pytest.raises(Exception, match="already being worked out"):
        start_plan_run(scenario, time_limit=1)
    assert PlanRun.objects.get(pk=run.pk).status == PlanRunStatus.RUNNING


def test_a_plan_run_whose_worker_stopped_is_shown_failed_and_a_new_one_starts(
    scenario, staff_client, cutoff, clock, django_capture_on_commit_callbacks
):
    run = _running_run(scenario)
    clock.shift(cutoff + dt.timedelta(seconds=1))
    fragment = _plan_run_fragment(staff_client, scenario, run)
    assert "Failed" in fragment and RUN_WORKER_LOST in fragment
    assert 'hx-trigger="every 2s"' not in fragment  # the page stops polling
    run.refresh_from_db()
    assert (run.status, run.finished_at) == (
        PlanRunStatus.FAILED,
        START + cutoff + dt.timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("scheduling:plan-start", args=[scenario.slug]), {"time_limit": "1", "seed": "0"}
        )
    assert response.status_code == 302
    newest = PlanRun.objects.filter(inspection=scenario).first()
    assert newest.pk != run.pk and newest.status == PlanRunStatus.DONE


def test_start_plan_run_fails_a_stale_run_itself_before_refusing(scenario, cutoff, clock):
    run = _running_run(scenario)
    clock.shift(cutoff + dt.timedelta(seconds=1))
    new = start_plan_run(scenario, time_limit=1)  # queued: run on commit, which the test holds
    assert PlanRun.objects.get(pk=run.pk).status == PlanRunStatus.FAILED
    assert PlanRun.objects.get(pk=new.pk).status == PlanRunStatus.QUEUED


def test_a_run_the_worker_never_took_counts_from_when_it_was_queued(scenario, cutoff, clock):
    queued = PlanRun.objects.create(inspection=scenario, time_limit=1)
    clock.shift(cutoff + dt.timedelta(seconds=1))
    call_command("sweep_jobs", stdout=io.StringIO())
    assert PlanRun.objects.get(pk=queued.pk).status == PlanRunStatus.FAILED


def test_a_run_is_timed_from_when_it_started_not_from_when_it_was_queued(scenario, cutoff, clock):
    run = PlanRun.objects.create(inspection=scenario, time_limit=60)
    clock.shift(dt.timedelta(minutes=10))  # waited in the queue behind other jobs
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRunStatus.RUNNING, started_at=timezone.now()
    )
    clock.shift(dt.timedelta(seconds=30))
    call_command("sweep_jobs", stdout=io.StringIO())
    assert PlanRun.objects.get(pk=run.pk).status == PlanRunStatus.RUNNING


def test_the_sweep_fails_abandoned_checks_and_deletes_uploads_no_running_check_needs(
    scenario, cutoff, clock
):
    abandoned = _check(scenario, CheckStatus.RUNNING)
    never_taken = _check(scenario, CheckStatus.QUEUED, started=False)
    done_with_leftover = _check(scenario, CheckStatus.DONE)
    stray = _upload(999_999)  # a request that died between storing and queueing
    clock.shift(cutoff + dt.timedelta(seconds=1))
    working = _check(scenario, CheckStatus.RUNNING)  # started just now: keeps its file
    out = io.StringIO()

    call_command("sweep_jobs", stdout=out)

    assert out.getvalue() == (
        "0 plan run(s) and 2 Annexe A check(s) marked failed; 4 upload(s) deleted.\n"
    )
    statuses = dict(FileCheck.objects.values_list("pk", "status"))
    assert statuses == {
        abandoned.pk: CheckStatus.FAILED,
        never_taken.pk: CheckStatus.FAILED,
        done_with_leftover.pk: CheckStatus.DONE,
        working.pk: CheckStatus.RUNNING,
    }
    assert FileCheck.objects.get(pk=abandoned.pk).message == CHECK_WORKER_LOST
    assert _uploads() == working.stored_files
    assert stray not in _uploads()
    stored = dict(FileCheck.objects.values_list("pk", "stored_files"))
    assert stored == {
        abandoned.pk: [],
        never_taken.pk: [],
        done_with_leftover.pk: [],
        working.pk: working.stored_files,
    }


def test_a_check_that_lost_its_worker_shows_failed_on_its_page(
    scenario, staff_client, cutoff, clock
):
    check = _check(scenario, CheckStatus.RUNNING)
    url = reverse("annex_a:check-progress", args=[scenario.slug, check.pk])
    assert "Running: 0%" in staff_client.get(url).content.decode()
    clock.shift(cutoff + dt.timedelta(seconds=1))
    page = staff_client.get(url).content.decode()
    assert "The check failed" in page and CHECK_WORKER_LOST in page
    assert _uploads() == []


def test_migrate_installs_the_sweep_schedule_once(db):
    install_schedule()  # as every later `migrate` does
    [schedule] = Schedule.objects.filter(func="planner.tasks.sweep_jobs")
    assert (schedule.name, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        SCHEDULE_NAME,
        Schedule.MINUTES,
        5,
        -1,
    )
