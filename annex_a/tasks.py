"""django-q2 tasks: take a primary key, call one service."""

from __future__ import annotations

from annex_a.services.checks import run_check


def run_file_check(check_pk: int) -> None:
    run_check(check_pk)
