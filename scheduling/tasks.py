"""django-q2 task entry points: take primary keys, call one service."""

from __future__ import annotations

from scheduling.runs import execute_plan_run


def run_plan(plan_run_pk: int) -> str:
    run = execute_plan_run(plan_run_pk)
    return run.status if run else "already claimed"
