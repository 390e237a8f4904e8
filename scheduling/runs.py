"""Background solves from the web UI: a PlanRun row, claimed atomically, run by django-q2.

Starting a run works out the instant first plan's summary in the request (`first_plan`, well
under a second) and stores it on the row, so the page shows it at once even while the queue is
busy; the worker then refines it, storing the penalty of each better plan as it goes.

A run whose worker died (killed at its timeout, out of memory, a deploy) would stay "running"
for ever and block every new plan; `fail_stale_runs` marks it failed once it is older than the
worker timeout plus a margin. The sweep calls it, and so do the pages and `start_plan_run`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.exceptions import TimeoutException
from django_q.tasks import async_task

from inspections.access import NotAllowed, require
from inspections.audit import acting_as
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.models import PlanRun, PlanRunStatus
from scheduling.planning import PlanResult, first_plan, plan

log = logging.getLogger(__name__)
MAX_TIME_LIMIT = 120.0
WRITE_EVERY = 0.5  # seconds: at most one progress write this often while CP-SAT refines
MAX_POINTS = 200  # penalty history kept on the run (the first and the latest)
WORKER_LOST = (
    "The background worker stopped before this run finished, so it will not finish now. "
    "Start the plan again."
)
TIMED_OUT = (
    "The background worker stopped this run: it took longer than the {seconds} seconds a job "
    "may take. Start the plan again with a shorter time limit."
)
NOT_QUEUED = (
    "The background worker could not be reached, so the plan was not started. "
    "Try again in a few minutes; if it keeps happening, tell whoever runs the planner."
)


def stale_before(now: dt.datetime) -> dt.datetime:
    """Runs started (or, still queued, created) before this have lost their worker."""
    timeout = cast(int, settings.Q_CLUSTER["timeout"])
    return now - dt.timedelta(seconds=timeout + settings.JOBS_STALE_MARGIN_SECONDS)


def fail_stale_runs(inspection: Inspection | None = None) -> int:
    """Mark queued or running runs older than the worker timeout plus a margin as failed.
    All inspections' runs, or one inspection's; returns how many it marked."""
    now = timezone.now()
    cutoff = stale_before(now)
    runs = PlanRun.objects.in_progress().filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True, created_at__lt=cutoff)
    )
    if inspection is not None:
        runs = runs.filter(inspection=inspection)
    if not runs.exists():  # the pages call this on each poll: read, write only when needed
        return 0
    marked = runs.update(status=PlanRunStatus.FAILED, error=WORKER_LOST, finished_at=now)
    if marked:
        log.warning("Marked %d plan run(s) failed: their worker stopped", marked)
    return marked


def start_plan_run(
    inspection: Inspection,
    *,
    actor: Any = None,
    time_limit: float = 10.0,
    seed: int = 0,
    fresh: bool = False,
) -> PlanRun:
    """Queue a solve; refuses while another run of this inspection is queued or running.
    `actor` (None for the system) must be on the project team; the run remembers who asked."""
    require(actor, inspection, Role.PROJECT_TEAM)
    if not 0 < time_limit <= MAX_TIME_LIMIT:
        raise DomainError(f"Time limit: give between 1 and {MAX_TIME_LIMIT:.0f} seconds.")
    first = _first_summary(inspection, fresh)
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)
        fail_stale_runs(inspection)  # a run whose worker died blocks nothing
        if PlanRun.objects.filter(inspection=inspection).in_progress().exists():
            raise DomainError(
                "A plan is already being worked out for this inspection; wait for it to finish."
            )
        run = PlanRun.objects.create(
            inspection=inspection,
            created_by=actor if actor and actor.is_authenticated else None,
            time_limit=time_limit,
            seed=seed,
            fresh=fresh,
            first_summary=first,
            penalty_history=[[0.0, first["penalty"]]] if first.get("penalty") is not None else [],
        )
    transaction.on_commit(lambda: _enqueue(run.pk))
    run.refresh_from_db()
    if run.status == PlanRunStatus.FAILED and run.error == NOT_QUEUED:
        raise DomainError(NOT_QUEUED)  # known now unless called inside a transaction
    return run


def _first_summary(inspection: Inspection, fresh: bool) -> dict[str, Any]:
    """The instant first plan's summary, worked out here in the request (well under a second at
    the scenario's size) so the page shows it at once, however long the queue is."""
    try:
        return first_plan(inspection, fresh=fresh).as_json()
    except DomainError:  # the worker meets the same rule and the run says so
        return {}


class _Watch:
    """Writes what the run's page shows while `plan` works: the first plan's summary at once,
    then the penalty of each better plan and the progress, at most every WRITE_EVERY seconds."""

    def __init__(self, run_pk: int, time_limit: float) -> None:
        self.run_pk, self.time_limit = run_pk, time_limit
        self.history: list[list[float]] = []
        self.written = 0.0

    def _update(self, **fields: Any) -> None:
        # only while running: a run the sweep gave up on stays as it said
        PlanRun.objects.filter(pk=self.run_pk, status=PlanRunStatus.RUNNING).update(**fields)

    def stage(self, pct: int, stage: str) -> None:
        self._update(progress=pct, stage=stage)

    def first(self, result: PlanResult) -> None:
        summary = result.as_json()
        self.history = [[0.0, summary["penalty"]]] if summary["penalty"] is not None else []
        self._update(first_summary=summary, penalty_history=self.history)

    def penalty(self, seconds: float, penalty: float) -> None:
        if self.history and penalty >= self.history[-1][1]:
            return  # the first plan again (CP-SAT starts from it), or no better
        self.history.append([round(seconds, 2), penalty])
        if len(self.history) > MAX_POINTS:
            del self.history[1]
        now = time.monotonic()
        if now - self.written < WRITE_EVERY:
            return
        self.written = now
        pct = 30 + int(65 * min(1.0, seconds / self.time_limit))
        self._update(progress=pct, penalty_history=self.history)

    def finish(self, result: PlanResult) -> list[list[float]]:
        """The history ending at the refined plan's penalty."""
        penalty = result.as_json()["penalty"]
        if penalty is not None and (not self.history or self.history[-1][1] != penalty):
            self.history.append([round(result.seconds, 2), penalty])
        return self.history


def _enqueue(run_pk: int) -> None:
    try:
        async_task("scheduling.tasks.run_plan", run_pk, task_name=f"plan-run-{run_pk}")
    except Exception:  # the broker refused the job (Redis down, database broker unreachable)
        log.exception("Plan run %s could not be queued", run_pk)
        PlanRun.objects.filter(pk=run_pk, status=PlanRunStatus.QUEUED).update(
            status=PlanRunStatus.FAILED, error=NOT_QUEUED, finished_at=timezone.now()
        )


def execute_plan_run(run_pk: int, *, deterministic_time: float | None = None) -> PlanRun | None:
    """Claim the run (only one worker wins) and solve. Returns None if someone else has it.
    `deterministic_time`: CP-SAT's own work budget instead of seconds (tests: the same plan)."""
    claimed = PlanRun.objects.filter(pk=run_pk, status=PlanRunStatus.QUEUED).update(
        status=PlanRunStatus.RUNNING, started_at=timezone.now(), progress=1, stage="Starting"
    )
    if claimed != 1:
        return None
    run = PlanRun.objects.select_related("inspection", "created_by").get(pk=run_pk)
    try:
        # again when it runs: the one who queued it may have lost the role meanwhile
        require(run.created_by, run.inspection, Role.PROJECT_TEAM)
    except NotAllowed as exc:
        _fail(run_pk, str(exc))
        return PlanRun.objects.get(pk=run_pk)

    watch = _Watch(run_pk, run.time_limit)
    try:
        with acting_as(run.created_by):  # the trail names who started the run, not "system"
            result = plan(
                run.inspection,
                run.time_limit,
                run.seed,
                fresh=run.fresh,
                progress=watch.stage,
                deterministic_time=deterministic_time,
                on_first=watch.first,
                on_penalty=watch.penalty,
            )
    except TimeoutException:  # django-q stops a job at its timeout: say so, then let it stop
        _fail(run_pk, TIMED_OUT.format(seconds=settings.Q_CLUSTER["timeout"]))
        raise
    except Exception as exc:  # a failed run must say so on the page, not spin for ever
        _fail(run_pk, str(exc)[:2000])
        if not isinstance(exc, DomainError):
            raise
        return PlanRun.objects.get(pk=run_pk)
    # still running: a run the sweep gave up on stays failed
    PlanRun.objects.filter(pk=run_pk, status=PlanRunStatus.RUNNING).update(
        status=PlanRunStatus.DONE,
        progress=100,
        stage="Done",
        summary=result.as_json(),
        penalty_history=watch.finish(result),
        finished_at=timezone.now(),
    )
    return PlanRun.objects.get(pk=run_pk)


def _fail(run_pk: int, error: str) -> None:
    # only a run still running: the first verdict stays (the sweep may have given up on it)
    PlanRun.objects.filter(pk=run_pk, status=PlanRunStatus.RUNNING).update(
        status=PlanRunStatus.FAILED, error=error, finished_at=timezone.now()
    )
