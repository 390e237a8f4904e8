"""Inspectors' days are not crammed: "usually 4 meetings per inspector" a day (report 7.73)."""

from collections import Counter

from scheduling.solver import Rules, check, greedy, score, solve
from tests.test_solver_rules import CAP, meeting, problem


def _per_day(placements):
    return Counter((p.start // 1440, i) for p in placements.values() for i in p.inspectors)


def six_for_khan(target: int = 4):
    return problem(
        *(meeting(f"m{n}") for n in range(6)), rules=Rules(target_meetings_per_day=target)
    )


def test_solve_keeps_each_inspector_within_the_daily_target_when_the_week_allows():
    prob = six_for_khan()
    first_fit = greedy(prob)
    assert max(_per_day(first_fit.placements).values()) > 4  # first-fit crams day one
    assert score(prob, first_fit.placements)["crowded"] > 0
    s = solve(prob, time_limit=CAP, deterministic_time=0.5)
    assert s.unplaced == {} and check(prob, s.placements) == []
    assert max(_per_day(s.placements).values()) <= 4
    assert s.soft["crowded"] == 0


def test_the_target_is_soft_a_full_day_is_still_allowed():
    prob = six_for_khan(target=2)
    s = solve(prob, time_limit=CAP, deterministic_time=0.5)
    assert s.unplaced == {}  # six meetings, two days: over the target, never refused
    assert s.soft["crowded"] == score(prob, s.placements)["crowded"] > 0
