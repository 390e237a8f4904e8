"""Background solves from the web UI: a PlanRun row, claimed atomically, run by django-q2."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from inspections.access import NotAllowed, require
from inspections.audit import acting_as
from inspections.models import Inspection, Role
from inspections.services.errors import DomainError
from scheduling.models import PlanRun, PlanRunStatus
from scheduling.planning import plan

MAX_TIME_LIMIT = 120.0


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
    with transaction.atomic():
        Inspection.objects.select_for_update().get(pk=inspection.pk)
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
        )
    transaction.on_commit(lambda: async_task("scheduling.tasks.run_plan", run.pk))
    return run


def execute_plan_run(run_pk: int) -> PlanRun | None:
    """Claim the run (only one worker wins) and solve. Returns None if someone else has it."""
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
        PlanRun.objects.filter(pk=run_pk).update(
            status=PlanRunStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return PlanRun.objects.get(pk=run_pk)

    def progress(pct: int, stage: str) -> None:
        PlanRun.objects.filter(pk=run_pk).update(progress=pct, stage=stage)

    try:
        with acting_as(run.created_by):  # the trail names who started the run, not "system"
            result = plan(
                run.inspection, run.time_limit, run.seed, fresh=run.fresh, progress=progress
            )
    except Exception as exc:  # a failed run must say so on the page, not spin for ever
        PlanRun.objects.filter(pk=run_pk).update(
            status=PlanRunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        if not isinstance(exc, DomainError):
            raise
        return PlanRun.objects.get(pk=run_pk)
    PlanRun.objects.filter(pk=run_pk).update(
        status=PlanRunStatus.DONE,
        progress=100,
        stage="Done",
        summary=result.as_json(),
        finished_at=timezone.now(),
    )
    return PlanRun.objects.get(pk=run_pk)
