"""Background jobs through a real broker and a real `manage.py qcluster`, as in production.

The rest of the suite runs jobs inline with in-memory storage, which no worker could read.
Here the test process queues each kind of job through its page, with Q_SYNC off, and a
qcluster subprocess (the real settings, the test database, upload storage in a folder both
share) takes it; the test polls the page as a browser would. Each test runs on the ORM broker,
and again on Redis when REDIS_URL is set (CI's PostgreSQL half).

A broker that refuses a job is a Redis URL at a closed port: the job is marked failed, no
upload is left behind, and the page says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule, Task
from django_q.scheduler import scheduler

from annex_a.models import CheckStatus, FileCheck
from annex_a.sample import counts_for, write_sample_workbook
from annex_a.services.checks import NOT_QUEUED as CHECK_NOT_QUEUED
from annex_a.services.checks import WORKER_LOST as CHECK_WORKER_LOST
from annex_a.services.lists import annex_a_spec
from planner.services.jobs import SCHEDULE_NAME
from scheduling.models import Meeting, PlanRun, PlanRunStatus
from scheduling.runs import NOT_QUEUED as RUN_NOT_QUEUED
from scheduling.runs import TIMED_OUT as RUN_TIMED_OUT
from scheduling.runs import WORKER_LOST as RUN_WORKER_LOST

BASE_DIR = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BROKERS = ["orm", "redis"] if settings.REDIS_URL else ["orm"]
WAIT = 90.0  # seconds before a poll gives up: a guard against a hang, not a measurement


# --- the worker -------------------------------------------------------------------------------


@pytest.fixture(params=BROKERS)
def broker(request, transactional_db, monkeypatch):
    """The test process queues jobs as the web app does: through this broker, not inline."""
    # django-q reads its settings once, at import: set what they would say for this broker.
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default" if request.param == "orm" else None)
    assert type(get_broker()).__name__ == {"orm": "ORM", "redis": "Redis"}[request.param]
    get_broker().purge_queue()  # Redis outlives the test database
    return request.param


@pytest.fixture
def shared_media(tmp_path, settings):
    """File storage in a folder: the web side saves uploads there, the worker reads them."""
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return media


def _database_url() -> str:
    """The test database pytest-django made, as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, broker: str, media: Path, log: Path):
        self.broker, self.media, self.log = broker, media, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, timeout: int | None = None, extra: dict[str, str] | None = None) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",  # the real settings, not the tests'
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # jobs are signed with it
            "DATABASE_URL": _database_url(),
            "MEDIA_ROOT": str(self.media),
            "Q_WORKERS": "1",
            "Q_NAME": str(settings.Q_CLUSTER["name"]),  # this test process's own queue
            "Q_TIMEOUT": str(timeout or settings.Q_CLUSTER["timeout"]),
            "JOBS_STALE_MARGIN_SECONDS": str(settings.JOBS_STALE_MARGIN_SECONDS),
        }
        env.pop("Q_SYNC", None)
        env.update(extra or {})  # what one test's jobs need besides (a mail server)
        if self.broker == "redis":
            env["REDIS_URL"] = settings.REDIS_URL
        else:
            env.pop("REDIS_URL", None)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "qcluster"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the cluster and its workers
            )

    def wait_until_ready(self) -> None:
        _poll(lambda: "] running." in self.output(), bool, self)

    def kill(self) -> None:
        """SIGKILL the cluster and every worker process, as the OOM killer or a deploy would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.kill()
        # its workers may outlive the cluster process: none may hold the test database
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def worker(broker, shared_media, tmp_path):
    """A qcluster subprocess on the test database, started by the test; always stopped."""
    running = Worker(broker, shared_media, tmp_path / "qcluster.log")
    try:
        yield running
    finally:
        running.stop()


def _poll(read, until, worker: Worker | None = None):
    """Read the page until `until(state)`; the distinct states seen, in order."""
    seen: list = []
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        state = read()
        if not seen or seen[-1] != state:
            seen.append(state)
        if until(state):
            return seen
        time.sleep(0.2)  # a browser polls every 2 s; this leaves the worker the CPU
    log = worker.output() if worker else ""
    raise AssertionError(f"gave up waiting; the page went through {seen}\n{log}")


def _dedupe(seen):
    """The states whose tag differs from the one before."""
    tags = []
    for state in seen:
        if not tags or tags[-1][0] != state[0]:
            tags.append(state)
    return tags


# --- the pages --------------------------------------------------------------------------------

TAG = re.compile(r'govuk-tag[^"]*">([^<]+)</strong>\s*([^<]*)')
REFINING = re.compile(r"Refining with CP-SAT \(\d+%\)")  # the % rises with the solve's time


def _run_state(client, inspection, run_pk):
    """What the plan run's panel shows: its tag and the text after it."""
    page = client.get(reverse("scheduling:plan-run", args=[inspection.slug, run_pk]))
    assert page.status_code == 200
    tag, rest = TAG.search(page.content.decode()).groups()
    return tag, " ".join(rest.split())


PENALTY = re.compile(r'id="plan-run-penalty">Penalty ([\d,]+)(?: → ([\d,]+))?')


def _run_panel(client, inspection, run_pk):
    """The panel's tag, the text after it, and the penalty it shows now (None if none)."""
    page = client.get(reverse("scheduling:plan-run", args=[inspection.slug, run_pk]))
    assert page.status_code == 200
    tag, rest = TAG.search(page.content.decode()).groups()
    shown = PENALTY.search(page.content.decode())
    penalty = int((shown.group(2) or shown.group(1)).replace(",", "")) if shown else None
    return tag, " ".join(rest.split()), penalty


def _start_plan(client, inspection, time_limit, fresh=True):
    response = client.post(
        reverse("scheduling:plan-start", args=[inspection.slug]),
        {"time_limit": str(time_limit), "seed": "0"} | ({"fresh": "on"} if fresh else {}),
        follow=True,
    )
    assert response.status_code == 200
    return response, PlanRun.objects.filter(inspection=inspection).first()


CHECK_STATE = re.compile(
    r'<p class="govuk-body">(Queued|Running): (\d+)%</p>|govuk-tag[^"]*">(Checked)</strong>'
    r'|govuk-error-summary__title">([^<]+)<'
)


def _check_state(client, inspection, check_pk):
    url = reverse("annex_a:check-progress", args=[inspection.slug, check_pk])
    match = CHECK_STATE.search(client.get(url).content.decode())
    status, percent, done, failed = match.groups()
    return status or done or failed, int(percent) if percent else None


def _workbook(inspection, total):
    buffer = io.BytesIO()
    write_sample_workbook(buffer, annex_a_spec(), inspection.day_one, counts_for(total))
    return SimpleUploadedFile("Annex A.xlsx", buffer.getvalue(), content_type=XLSX)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# --- each job kind, start to finish -----------------------------------------------------------


def test_a_plan_run_shows_queued_then_progress_then_the_plan(scenario, staff_client, worker):
    response, run = _start_plan(staff_client, scenario, time_limit=4)
    assert "The planner is working out the timetable." in response.content.decode()
    assert _run_state(staff_client, scenario, run.pk) == ("Queued", "(0%)")  # no worker yet
    total = Meeting.objects.for_inspection(scenario).active().count()
    # the first plan is on the page already, worked out by the request, not the worker
    assert f"Placed {total} of {total} meetings; 0 moved, {total} newly placed." in (
        response.content.decode()
    )
    first = run.first_summary["penalty"]

    worker.start()
    seen = _poll(
        lambda: _run_panel(staff_client, scenario, run.pk),
        lambda s: s[0] != "Queued" and s[0] != "Running",
        worker,
    )

    assert [tag for tag, *_ in _dedupe(seen)] == ["Queued", "Running", "Done"], (
        seen,
        worker.output(),
    )
    assert any(tag == "Running" and REFINING.fullmatch(text) for tag, text, _ in seen), seen
    run.refresh_from_db()
    assert run.status == PlanRunStatus.DONE
    shown = [penalty for *_, penalty in seen]
    assert shown == sorted(shown, reverse=True)  # the penalty on the page only ever falls
    assert (shown[0], shown[-1]) == (first, run.summary["penalty"])
    assert run.penalty_history[-1][1] == run.summary["penalty"] < first
    assert seen[-1][1].startswith(
        f"Placed {run.summary['total']} of {run.summary['total']} meetings"
    )


def test_an_annex_a_check_shows_queued_then_progress_then_its_findings(
    scenario, staff_client, worker, shared_media
):
    response = staff_client.post(
        reverse("annex_a:upload", args=[scenario.slug]), {"files": [_workbook(scenario, 3000)]}
    )
    assert response.status_code == 302
    check = FileCheck.objects.get()
    [stored] = check.stored_files
    assert _files(shared_media) == [stored]  # on disk, where the worker can read it
    assert _check_state(staff_client, scenario, check.pk) == ("Queued", 0)

    worker.start()
    seen = _poll(
        lambda: _check_state(staff_client, scenario, check.pk),
        lambda s: s[0] not in ("Queued", "Running"),
        worker,
    )

    assert [status for status, _ in _dedupe(seen)] == ["Queued", "Running", "Checked"]
    percents = [p for status, p in seen if status == "Running"]
    assert percents == sorted(percents) and percents[-1] < 100
    check.refresh_from_db()
    assert (check.status, check.rows, check.stored_files) == (CheckStatus.DONE, 3000, [])
    assert _files(shared_media) == []  # the children's data is gone
    page = staff_client.get(response["Location"]).content.decode()
    assert "3,000 rows in 11 lists; 0 findings" in page


def test_the_scheduled_sweep_runs_on_the_worker(scenario, worker, shared_media):
    check = FileCheck.objects.create(inspection=scenario, file_names=["annex.xlsx"])
    upload = shared_media / "annex_a" / "uploads" / f"{check.pk}-0123abcd" / "0-annex.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"child ids")
    long_ago = timezone.now() - dt.timedelta(hours=1)
    FileCheck.objects.filter(pk=check.pk).update(
        status=CheckStatus.RUNNING,
        started_at=long_ago,
        stored_files=[str(upload.relative_to(shared_media))],
    )
    [schedule] = Schedule.objects.filter(name=SCHEDULE_NAME)  # installed by `migrate`
    Schedule.objects.filter(pk=schedule.pk).update(next_run=long_ago)
    scheduler()  # what the cluster's guard does every 30 s: puts the due sweep on the queue

    worker.start()
    _poll(
        lambda: list(
            Task.objects.filter(func="planner.tasks.sweep_jobs").values_list("success", "result")
        ),
        bool,
        worker,
    )

    [(success, result)] = Task.objects.filter(func="planner.tasks.sweep_jobs").values_list(
        "success", "result"
    )
    assert (success, result) == (
        True,
        "0 plan run(s) and 1 Annexe A check(s) marked failed; 1 upload(s) deleted",
    )
    check.refresh_from_db()
    assert (check.status, check.message, check.stored_files) == (
        CheckStatus.FAILED,
        CHECK_WORKER_LOST,
        [],
    )
    assert _files(shared_media) == []


# --- a worker that dies -----------------------------------------------------------------------


def test_a_plan_run_whose_worker_is_killed_is_shown_failed_and_a_new_run_can_start(
    scenario, staff_client, worker
):
    _, run = _start_plan(staff_client, scenario, time_limit=60)
    worker.start()
    _poll(
        lambda: _run_state(staff_client, scenario, run.pk),
        lambda s: s[0] == "Running" and REFINING.fullmatch(s[1]),
        worker,
    )

    worker.kill()
    run.refresh_from_db()

    # the page cannot know yet: a run may take up to the worker timeout
    assert _run_state(staff_client, scenario, run.pk) == (
        "Running",
        f"{run.stage} ({run.progress}%)",
    )
    assert REFINING.fullmatch(f"{run.stage} ({run.progress}%)")
    stale = settings.Q_CLUSTER["timeout"] + settings.JOBS_STALE_MARGIN_SECONDS
    with time_machine.travel(run.started_at + dt.timedelta(seconds=stale + 1)):
        assert _run_state(staff_client, scenario, run.pk) == ("Failed", RUN_WORKER_LOST)
        response, newest = _start_plan(staff_client, scenario, time_limit=1)
    assert "The planner is working out the timetable." in response.content.decode()
    assert newest.pk != run.pk and newest.status == PlanRunStatus.QUEUED


def test_a_run_over_the_worker_timeout_is_failed_and_the_next_one_finishes(
    scenario, staff_client, worker, settings
):
    # the cluster kills a task at its timeout: a short one here, and a short margin after it
    default_timeout = settings.Q_CLUSTER["timeout"]
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 12}
    settings.JOBS_STALE_MARGIN_SECONDS = 1
    worker.start(timeout=12)
    worker.wait_until_ready()  # a queued run is timed too: queue it once a worker is there
    _, run = _start_plan(staff_client, scenario, time_limit=60)

    seen = _poll(
        lambda: _run_state(staff_client, scenario, run.pk), lambda s: s[0] == "Failed", worker
    )

    assert [tag for tag, _ in _dedupe(seen)][-2:] == ["Running", "Failed"]
    # stopped by the signal django-q raises into the job (the run says why), or else by the
    # cluster's guard killing the worker process (the sweep then says the worker stopped)
    assert seen[-1] in {("Failed", RUN_TIMED_OUT.format(seconds=12)), ("Failed", RUN_WORKER_LOST)}
    # the cluster goes on: the next run (a quick re-plan) is taken and finishes
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": default_timeout}
    _, newest = _start_plan(staff_client, scenario, time_limit=1, fresh=False)
    seen = _poll(
        lambda: _run_state(staff_client, scenario, newest.pk),
        lambda s: s[0] not in ("Queued", "Running"),
        worker,
    )
    assert seen[-1][0] == "Done", worker.output()


# --- a broker that refuses the job ------------------------------------------------------------


@pytest.fixture
def refusing_broker(transactional_db, monkeypatch, settings):
    """Redis at a port where nothing listens: every enqueue is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    settings.Q_CLUSTER = {k: v for k, v in settings.Q_CLUSTER.items() if k != "orm"} | {
        "redis": url,
        "sync": False,
    }
    # django-q reads its settings once, at import: give it the same values
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "REDIS", url)
    return url


def test_an_upload_the_broker_refuses_is_failed_keeps_no_file_and_says_so(
    scenario, staff_client, refusing_broker, shared_media
):
    response = staff_client.post(
        reverse("annex_a:upload", args=[scenario.slug]), {"files": [_workbook(scenario, 100)]}
    )

    assert response.status_code == 400
    assert CHECK_NOT_QUEUED in response.content.decode()
    check = FileCheck.objects.get()
    assert (check.status, check.message, check.stored_files) == (
        CheckStatus.FAILED,
        CHECK_NOT_QUEUED,
        [],
    )
    assert _files(shared_media) == []


def test_a_plan_the_broker_refuses_is_failed_says_so_and_blocks_nothing(
    scenario, staff_client, refusing_broker
):
    response, run = _start_plan(staff_client, scenario, time_limit=1)

    assert RUN_NOT_QUEUED in response.content.decode()
    assert "The planner is working out the timetable." not in response.content.decode()
    assert (run.status, run.error) == (PlanRunStatus.FAILED, RUN_NOT_QUEUED)
    assert _run_state(staff_client, scenario, run.pk) == ("Failed", RUN_NOT_QUEUED)
    _, again = _start_plan(staff_client, scenario, time_limit=1)
    assert again.pk != run.pk  # refused again, but not as "already being worked out"
