"""An inspector over the day's target is relieved by a chain of two moves (issue 15): a
colleague's meeting goes to another day and the colleague takes over one of the inspector's.
Neither move alone lowers the score, so a neighbourhood must free both meetings together."""

import random

import pytest

from scheduling.solver import check, score
from scheduling.solver.clock import Clock
from scheduling.solver.cpsat import solve_parts
from scheduling.solver.index import Index
from scheduling.solver.lns import _neighbourhood, improve
from tests.test_solver_rules import CAP, D1, D2, at, day_span, hm, meeting, problem

DAY_ONE = (day_span(D1),)
TIMES = (hm(9), hm(10, 10), hm(11, 20), hm(13, 30))


@pytest.fixture
def crowded_day():
    """Khan holds five meetings on day one (target four), one of them from a pool Lee could
    take; Lee holds four, and only Lee's `lee-4` could be on day two."""
    meetings = [meeting(f"khan-{n}", windows=DAY_ONE) for n in range(1, 5)]
    meetings.append(
        meeting(
            "pool",
            windows=DAY_ONE,
            inspectors=(),
            inspector_pool=("khan", "lee"),
            inspectors_needed=1,
        )
    )
    meetings += [meeting(f"lee-{n}", windows=DAY_ONE, inspectors=("lee",)) for n in range(1, 4)]
    meetings.append(meeting("lee-4", inspectors=("lee",)))
    prob = problem(*meetings)
    start = {f"khan-{n}": at(t) for n, t in enumerate(TIMES, 1)}
    start["pool"] = at(hm(14, 40))
    start.update({f"lee-{n}": at(t, "lee") for n, t in enumerate(TIMES, 1)})
    return prob, start


def test_the_start_plan_keeps_every_rule_but_crowds_khan(crowded_day):
    prob, start = crowded_day
    assert check(prob, start) == []
    assert score(prob, start)["crowded"] == 300  # one meeting over the target of four


def test_the_neighbourhood_frees_the_crowded_day_with_the_colleague_meeting_that_can_leave(
    crowded_day,
):
    prob, start = crowded_day
    ix = Index(prob)
    movable = list(prob.meetings)
    cands = {m.id: {D1} for m in movable} | {"lee-4": {D1, D2}}
    window, free = _neighbourhood(ix, start, [D1, D2], movable, cands, random.Random(0), 0, 6)
    assert window == {D1, D2}
    assert sorted(free) == ["khan-1", "khan-2", "khan-3", "khan-4", "lee-4", "pool"]


def test_improve_hands_the_pool_meeting_to_lee_and_moves_lee_4_to_day_two(crowded_day):
    prob, start = crowded_day
    clock = Clock(CAP, 2.0)
    got = improve(prob, start, clock.deadline(), 0, 1, solve_parts, clock=clock)
    assert check(prob, got) == []
    assert score(prob, got)["crowded"] == 0
    assert got["pool"].inspectors == ("lee",)
    assert got["lee-4"].start // 1440 == 1
