"""The timetabling core (pure: no Django). See problem.py for the data and each module for its part.

- greedy(problem): first-fit plan, every hard rule kept, unplaced meetings explained.
- solve(problem, time_limit=, seed=, workers=, hint=, deterministic_time=, on_progress=): CP-SAT
  refinement from a complete hint, small parts whole and large ones by large-neighbourhood
  search (deterministic_time: a budget of CP-SAT work, the same plan on any machine;
  on_progress(seconds, penalty): each better whole plan).
- check(problem, placements): every hard-rule violation in plain English.
- explain(problem, meeting_id, placements): why a meeting cannot be placed.
- replan(problem, previous, time_limit=, seed=, deterministic_time=): fewest moves after a change.
- score(problem, placements): soft penalty by goal, one scale for every plan.
- local(problem, minute): "HH:MM" in Europe/London (from Day.midnight).
"""

from __future__ import annotations

from .check import check, score
from .cpsat import solve
from .explain import explain
from .greedy import greedy
from .index import Index
from .problem import (
    IN_PERSON,
    TEAMS,
    VISIT,
    Day,
    Inspector,
    Meeting,
    Person,
    Placement,
    Problem,
    Room,
    Rules,
    Solution,
    Span,
    Venue,
    Violation,
)
from .replan import replan


def local(problem: Problem, minute: int) -> str:
    """Clock time HH:MM in Europe/London of an absolute minute (uses the Day whose midnight precedes it)."""
    return Index(problem).local(minute)


__all__ = [
    "IN_PERSON",
    "TEAMS",
    "VISIT",
    "Day",
    "Inspector",
    "Meeting",
    "Person",
    "Placement",
    "Problem",
    "Room",
    "Rules",
    "Solution",
    "Span",
    "Venue",
    "Violation",
    "check",
    "explain",
    "greedy",
    "local",
    "replan",
    "score",
    "solve",
]
