"""The background-job sweep: runs and checks whose worker died are marked failed, and the
uploads of every check that has ended are deleted.

django-q runs it every few minutes (`migrate` installs the schedule); the pages and
`start_plan_run` also sweep lazily, so no one waits for it to see a job has failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_q.models import Schedule

from annex_a.services.checks import sweep_checks
from scheduling.runs import fail_stale_runs

SCHEDULE_NAME = "Sweep background jobs"
SWEEP_EVERY_MINUTES = 5


@dataclass(frozen=True)
class Swept:
    plan_runs: int
    checks: int
    files: int

    def __str__(self) -> str:
        return (
            f"{self.plan_runs} plan run(s) and {self.checks} Annexe A check(s) marked failed; "
            f"{self.files} upload(s) deleted"
        )


def sweep_jobs() -> Swept:
    plan_runs = fail_stale_runs()
    checks = sweep_checks()
    return Swept(plan_runs=plan_runs, checks=checks.failed, files=checks.files)


def install_schedule(using: str = "default") -> Schedule:
    """The sweep every few minutes on a running cluster; running this again changes nothing."""
    schedule, _ = Schedule.objects.using(using).update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": "planner.tasks.sweep_jobs",
            "schedule_type": Schedule.MINUTES,
            "minutes": SWEEP_EVERY_MINUTES,
            "repeats": -1,
        },
    )
    return schedule
