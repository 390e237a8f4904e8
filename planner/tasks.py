"""django-q2 task entry points of the top app: each calls one service."""

from __future__ import annotations

from planner.services.jobs import sweep_jobs as sweep


def sweep_jobs() -> str:
    return str(sweep())
