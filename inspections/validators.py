"""Django validators over the shared rules (the rules themselves live in pure modules)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from inspections.childids import child_id_problem


def validate_child_id(value: str) -> None:
    problem = child_id_problem(value)
    if problem:
        raise ValidationError(problem, code="child_id")
